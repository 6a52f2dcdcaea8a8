"""Read a submitted notebook and rebuild it on the instructor's layout.

The instructor's version always wins: locked and test cells come from the source notebook, cell
types and nbgrader metadata too; from the learner's file only the answers (solution cells, matched
by grade_id) and the learner's own extra cells are taken. Everything that differed is reported.
This goes beyond nbgrader's OverwriteCells, which cannot bring back deleted or retyped cells.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from academy.errors import AcademyError

STUB_CODE = "# YOUR CODE HERE\nraise NotImplementedError()"
STUB_TEXT = "YOUR ANSWER HERE"


class UnreadableNotebookError(AcademyError, ValueError):
    """The submitted file is not a notebook we can read; the message says why."""


def nbgrader_meta(cell: dict[str, Any]) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def grade_id(cell: dict[str, Any]) -> str | None:
    value = nbgrader_meta(cell).get("grade_id")
    return value if isinstance(value, str) else None


def is_test_cell(cell: dict[str, Any]) -> bool:
    """Return True for an autograded test cell (grade, code, not a solution)."""
    meta = nbgrader_meta(cell)
    return (cell.get("cell_type") == "code" and bool(meta.get("grade"))
            and not meta.get("solution"))


def is_answer_cell(cell: dict[str, Any]) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_manual_cell(cell: dict[str, Any]) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and bool(meta.get("solution"))


def source_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(str(s) for s in source)
    return str(source)


@dataclass
class InstructorNotebook:
    """The source notebook of one module notebook, with stubs for unanswered solution cells."""

    name: str
    cells: list[dict[str, Any]]
    stubs: dict[str, str]
    released: dict[str, str]
    metadata: dict[str, Any]

    @property
    def test_cells(self) -> list[dict[str, Any]]:
        return [c for c in self.cells if is_test_cell(c)]

    @property
    def manual_cells(self) -> list[dict[str, Any]]:
        return [c for c in self.cells if is_manual_cell(c)]


def load_instructor_notebook(path: Path) -> InstructorNotebook:
    """Return the source notebook at ``path`` with the stubs nbgrader's release puts in answers."""
    import importlib

    nbformat: Any = importlib.import_module("nbformat")
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    source = nbformat.read(path, as_version=4)
    cleared = copy.deepcopy(source)
    clear = ClearSolutions(code_stub={"python": STUB_CODE}, text_stub=STUB_TEXT)
    cleared, _ = clear.preprocess(cleared, {"language": "python"})
    stubs = {gid: source_text(c) for c in cleared.cells
             if is_answer_cell(c) and (gid := grade_id(c))}
    released, _ = ClearHiddenTests().preprocess(cleared, {})
    as_released = {gid: source_text(c) for c in released.cells if (gid := grade_id(c))}
    cells = [json.loads(json.dumps(c)) for c in source.cells]
    for cell in cells:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return InstructorNotebook(name=path.stem, cells=cells, stubs=stubs, released=as_released,
                              metadata=json.loads(json.dumps(source.metadata)))


def read_submission(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Return the cells of a submitted notebook and notes on its format.

    Raises UnreadableNotebookError for an empty file, invalid JSON or a non-notebook.
    """
    import importlib

    nbformat: Any = importlib.import_module("nbformat")

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableNotebookError(f"cannot read {path.name}: {exc.strerror}") from None
    if not raw.strip():
        raise UnreadableNotebookError(f"{path.name} is empty")
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        raise UnreadableNotebookError(f"{path.name} is not valid JSON ({exc.msg}, line "
                                      f"{exc.lineno})") from None
    if not isinstance(data, dict) or "nbformat" not in data:
        raise UnreadableNotebookError(f"{path.name} is not a Jupyter notebook")
    notes: list[str] = []
    try:
        version = int(data["nbformat"])
        if version < 4:
            notes.append(f"{path.name} was in the old notebook format {version}; converted")
        notebook = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for bad input
        raise UnreadableNotebookError(f"{path.name} is not a readable notebook: "
                                      f"{str(exc)[:200]}") from None
    cells = [json.loads(json.dumps(c)) for c in notebook.cells]
    return [c for c in cells if isinstance(c, dict)], notes


@dataclass
class RestoredNotebook:
    """The notebook to grade: instructor's layout with the learner's answers."""

    cells: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)
    answered: dict[str, bool] = field(default_factory=dict)


def _differs(mine: dict[str, Any], theirs: dict[str, Any], released: str) -> list[str]:
    what = []
    if theirs.get("cell_type") != mine.get("cell_type"):
        what.append(f"retyped to {theirs.get('cell_type')}")
    if source_text(theirs).strip() != released.strip():
        what.append("edited")
    keys = ("grade", "solution", "locked", "points", "grade_id", "task")
    if {k: nbgrader_meta(theirs).get(k) for k in keys} != {k: nbgrader_meta(mine).get(k)
                                                            for k in keys}:
        what.append("metadata changed")
    return what


def restore_instructor_cells(instructor: InstructorNotebook,
                             submitted: list[dict[str, Any]]) -> RestoredNotebook:
    """Return the instructor's cells with the learner's answers and extra cells put back."""
    known = {gid: cell for cell in instructor.cells if (gid := grade_id(cell))}
    order = [gid for cell in instructor.cells if (gid := grade_id(cell))]
    problems: list[str] = []
    theirs: dict[str, dict[str, Any]] = {}
    extras: dict[str | None, list[dict[str, Any]]] = {}
    anchor: str | None = None
    seen_order: list[str] = []
    for cell in submitted:
        gid = grade_id(cell)
        if gid in known:
            if gid in theirs:
                problems.append(f"cell '{gid}' was duplicated; the first copy was graded")
                continue
            theirs[gid] = cell
            seen_order.append(gid)
            anchor = gid
            continue
        extra = copy.deepcopy(cell)
        if gid is not None or "nbgrader" in extra.get("metadata", {}):
            if nbgrader_meta(cell).get("grade") or nbgrader_meta(cell).get("locked"):
                problems.append(f"cell '{gid}' is not in the assignment; graded as a plain cell")
            extra.get("metadata", {}).pop("nbgrader", None)
        if extra.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        extras.setdefault(anchor, []).append(extra)
    if seen_order != [g for g in order if g in theirs]:
        problems.append("cells were reordered; the instructor's order was restored")

    cells: list[dict[str, Any]] = [_plain_copy(c) for c in extras.get(None, [])]
    answered: dict[str, bool] = {}
    for mine in instructor.cells:
        gid = grade_id(mine)
        cell = copy.deepcopy(mine)
        if gid is not None:
            their = theirs.get(gid)
            if is_answer_cell(mine):
                stub = instructor.stubs.get(gid, "")
                if their is None:
                    problems.append(f"answer cell '{gid}' was deleted; graded as unanswered")
                    text = stub
                else:
                    text = source_text(their)
                    changes = [w for w in _differs(mine, their, "") if w != "edited"]
                    if changes:
                        problems.append(f"answer cell '{gid}' {' and '.join(changes)}; the "
                                        "instructor's cell type and metadata were restored")
                cell["source"] = text
                answered[gid] = text.strip() != stub.strip()
            elif their is None:
                problems.append(f"{_kind(mine)} '{gid}' was deleted; restored")
            else:
                changes = _differs(mine, their, instructor.released.get(gid, ""))
                if changes:
                    problems.append(f"{_kind(mine)} '{gid}' was {' and '.join(changes)}; the "
                                    "instructor's version was restored")
        cells.append(cell)
        if gid is not None:
            cells.extend(_plain_copy(c) for c in extras.get(gid, []))
    return RestoredNotebook(cells=cells, problems=problems, answered=answered)


def _kind(cell: dict[str, Any]) -> str:
    return "test cell" if is_test_cell(cell) else "locked cell"


def _plain_copy(cell: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"cell_type": cell.get("cell_type", "code"),
                           "metadata": {}, "source": source_text(cell)}
    if out["cell_type"] == "code":
        out["outputs"], out["execution_count"] = [], None
    if "id" in cell:
        out["id"] = cell["id"]
    return out
