"""Grade the manual (reflection) answers in a spreadsheet, against each module's rubric.

``export_rubric_sheet`` writes one row per student and manual answer: the answer, one column per
rubric criterion (fill in the level's points) and a comment. ``import_rubric_sheet`` checks every
filled cell against the rubric's levels and writes the sum as nbgrader's manual score and the
comment as its manual comment, so formgrader shows them too. The chosen levels are kept in
``<course>/grading/<module>/rubric.json`` for feedback.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from academy.curriculum import Module, load_curriculum
from academy.errors import AcademyError
from academy.gradebook import ManualGrade, MissingGradeError, set_manual_grades
from academy.grading.layout import grading_layout
from academy.grading.results import graded_results, write_json_atomic

FIXED = ["student_id", "module", "notebook", "grade_id", "answer"]


class RubricSheetError(AcademyError, ValueError):
    """The sheet does not fit the rubric; the message names the row and the column."""


@dataclass
class RubricImport:
    """What an import wrote: scores by (student, grade_id), and rows left blank."""

    scores: dict[tuple[str, str], float] = field(default_factory=dict)
    blank: list[str] = field(default_factory=list)


def criterion_column(name: str, levels: list[float]) -> str:
    return f"{name} ({'/'.join(f'{p:g}' for p in levels)})"


def _columns(module: Module) -> list[str]:
    return [criterion_column(c.name, [lv.points for lv in c.levels])
            for c in module.rubric.criteria]


def rubric_levels_path(course_layout: Any, module_id: str) -> Path:
    return Path(course_layout.module_dir(module_id)) / "rubric.json"


def load_rubric_levels(root: Path | None, course: Path | str | None,
                       module_id: str) -> dict[str, Any]:
    """Return the stored rubric grading of a module: {student: {criteria, comment, score}}."""
    curriculum = load_curriculum(root)
    path = rubric_levels_path(grading_layout(curriculum.root, course), module_id)
    try:
        data: dict[str, Any] = json.loads(path.read_text())
        return data
    except (OSError, ValueError):
        return {}


def export_rubric_sheet(module_id: str, *, root: Path | None = None,
                        course: Path | str | None = None) -> str:
    """Return the CSV sheet of the module's manual answers with its rubric's criteria."""
    curriculum = load_curriculum(root)
    module = curriculum.module(module_id)
    layout = grading_layout(curriculum.root, course)
    stored = load_rubric_levels(curriculum.root, course, module.id)
    columns = _columns(module)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIXED, *columns, "comment"])
    for result in graded_results(layout, module.id):
        for answer in result.manual:
            done = stored.get(result.student, {}).get(answer.grade_id, {})
            levels = done.get("criteria", {})
            writer.writerow([result.student, module.id, answer.notebook, answer.grade_id,
                             answer.text if answer.answered else "",
                             *[_fmt(levels.get(c.name)) for c in module.rubric.criteria],
                             done.get("comment", "" if answer.answered else "No response.")])
    return out.getvalue()


def _fmt(value: Any) -> str:
    return "" if value is None else f"{float(value):g}"


def import_rubric_sheet(module_id: str, sheet: Path, *, root: Path | None = None,
                        course: Path | str | None = None) -> RubricImport:
    """Write the sheet's rubric scores and comments into the gradebook; return what was set.

    Raises RubricSheetError (naming row and column) if a level is not one of the rubric's.
    Rows with no criterion filled are left ungraded.
    """
    curriculum = load_curriculum(root)
    module = curriculum.module(module_id)
    layout = grading_layout(curriculum.root, course)
    columns = dict(zip(_columns(module), module.rubric.criteria, strict=True))
    with sheet.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0].keys()) if rows else []
    missing = [c for c in [*FIXED[:4], *columns] if c not in header]
    if rows and missing:
        raise RubricSheetError(f"{sheet}: missing columns {missing}; export a fresh sheet with "
                               "`academy rubric export`")
    stored = load_rubric_levels(curriculum.root, course, module.id)
    outcome = RubricImport()
    updates: list[ManualGrade] = []
    for number, row in enumerate(rows, start=2):
        if row["module"] != module.id:
            raise RubricSheetError(f"{sheet}: row {number}: module '{row['module']}' is not "
                                   f"'{module.id}'")
        chosen: dict[str, float] = {}
        for column, criterion in columns.items():
            text = (row.get(column) or "").strip()
            if not text:
                continue
            allowed = [lv.points for lv in criterion.levels]
            try:
                value = float(text)
            except ValueError:
                value = float("nan")
            if value not in allowed:
                raise RubricSheetError(f"{sheet}: row {number}, column '{column}': '{text}' is "
                                       f"not a level of this criterion "
                                       f"({', '.join(f'{p:g}' for p in allowed)})")
            chosen[criterion.name] = value
        student, grade = row["student_id"], row["grade_id"]
        if not chosen:
            outcome.blank.append(student)
            continue
        if len(chosen) < len(columns):
            raise RubricSheetError(f"{sheet}: row {number}: criteria "
                                   f"{[c.name for c in columns.values() if c.name not in chosen]}"
                                   " are blank; fill every criterion or none")
        score = sum(chosen.values())
        comment = (row.get("comment") or "").strip()
        stored.setdefault(student, {})[grade] = {"criteria": chosen, "comment": comment,
                                                 "score": score}
        updates.append(ManualGrade(student, row["notebook"], grade, score, comment))
        outcome.scores[(student, grade)] = score
    try:
        set_manual_grades(layout.course, module.id, updates)
    except MissingGradeError as exc:
        raise RubricSheetError(f"{sheet}: no graded submission of '{module.id}' by "
                               f"'{exc.student}' with cell '{exc.grade_id}'; run `academy "
                               "grade` first") from None
    write_json_atomic(rubric_levels_path(layout, module.id), stored)
    return outcome
