"""Exercise titles as the learner saw them, for feedback pages, class reports, exports and the
facilitator's pages.

A graded cell's title is the markdown heading the learner read before it: the last heading
between the previous graded cell and this one, preferring a heading that starts with
"Exercise" or "Reflect" (a module may put sub-headings inside an exercise). The points in
brackets are dropped: ``## Exercise 1 — The cost of one transfer (3 points)`` (or
``(3 points, about 20 minutes)``) gives
``Exercise 1 — The cost of one transfer``. A graded cell with no heading before it is named by
its position (``Exercise 4``), never by its internal ``grade_id``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$", re.MULTILINE)
POINTS = re.compile(r"\s*[(\[]\s*\d+(?:[.,]\d+)?\s*(?:points?|puntos?|pts?\.?|marks?)\b"
                    r"[^)\]]*[)\]]\s*$", re.IGNORECASE)
# English, and the Spanish and French of a translated release (academy.grading.language)
PREFERRED = re.compile(r"^(?:exercise|reflect|reflection|question|task|ejercicio|reflexión|"
                       r"pregunta|exercice|réflexion)\b", re.IGNORECASE)
MARKUP = re.compile(r"[*_`]+")


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _graded_id(cell: dict[str, Any]) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if meta.get("grade") and meta.get("grade_id"):
        return str(meta["grade_id"])
    return None


def _answer_id(cell: dict[str, Any]) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if meta.get("solution") and not meta.get("grade") and meta.get("grade_id"):
        return str(meta["grade_id"])
    return None


def clean_heading(text: str) -> str:
    """Return a heading without markdown emphasis and without its "(3 points)" suffix."""
    return POINTS.sub("", MARKUP.sub("", text)).strip()


def notebook_titles(notebook: dict[str, Any]) -> dict[str, str]:
    """Return {grade_id: title} for every graded cell of one notebook (nbformat 4 dict), and
    for the answer cells before it (an answer cell and its test cell share the title)."""
    titles: dict[str, str] = {}
    headings: list[str] = []
    answers: list[str] = []
    position = 0
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            headings += [clean_heading(m["text"]) for m in HEADING.finditer(_source(cell))]
        if answer := _answer_id(cell):
            answers.append(answer)
        grade_id = _graded_id(cell)
        if grade_id is None:
            continue
        position += 1
        preferred = [h for h in headings if PREFERRED.match(h)]
        chosen = (preferred or headings or [""])[-1] or f"Exercise {position}"
        for gid in [*answers, grade_id]:
            titles[gid] = chosen
        headings, answers = [], []
    return titles


def exercise_titles(folder: Path, notebooks: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Return {grade_id: title} for the graded cells of a module's notebooks in ``folder``.

    Unreadable notebooks give no titles (callers fall back to :func:`title_of`).
    """
    titles: dict[str, str] = {}
    for name in notebooks:
        try:
            notebook = json.loads((folder / f"{name}.ipynb").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for grade_id, title in notebook_titles(notebook).items():
            titles.setdefault(grade_id, title)
    return titles


def module_exercise_titles(module: Any) -> dict[str, str]:
    """Return {grade_id: title} for a curriculum module (from its source notebooks)."""
    return exercise_titles(Path(module.folder), tuple(module.notebooks))


def title_of(titles: dict[str, str], grade_id: str) -> str:
    """Return the learner-facing title of ``grade_id`` (a readable fallback if unknown)."""
    if grade_id in titles:
        return titles[grade_id]
    words = re.sub(r"[-_]+", " ", re.sub(r"[-_](tests?|answer)$", "", grade_id)).strip()
    return words[:1].upper() + words[1:] if words else grade_id


def with_titles(text: str, titles: dict[str, str]) -> str:
    """Return ``text`` (a grading message) with every grade_id in it replaced by its title.

    Quoted ids (``'reflection'``) are always replaced; bare ones only when they cannot be an
    ordinary word (they contain ``-`` or ``_``).
    """
    for grade_id in sorted(titles, key=len, reverse=True):
        title = titles[grade_id].replace("\\", "\\\\")
        text = text.replace(f"'{grade_id}'", f"'{titles[grade_id]}'")
        if "-" in grade_id or "_" in grade_id:
            text = re.sub(rf"(?<![\w-]){re.escape(grade_id)}(?![\w-])", title, text)
    return text
