"""Export grades from nbgrader's gradebook: plain CSV, Moodle's grade import, Canvas's gradebook.

- ``csv``: one row per student and module: ``student_id,module,score,max_score,...``.
- ``moodle``: Moodle "Import grades (CSV)": an identifier column (``ID number`` by default, or
  ``Email address``/``Username`` from a roster) and one column per grade item, named after the
  module; Moodle maps the columns to grade items on import.
- ``canvas``: fills the assignment columns of a gradebook CSV exported from Canvas (header
  ``Student,ID,SIS User ID,SIS Login ID,Section,<Assignment> (<id>)...`` and a
  ``Points Possible`` row); Canvas imports the changed columns back.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from academy.curriculum import load_curriculum
from academy.gradebook import submission_totals
from academy.grading.layout import grading_layout

FORMATS = ("csv", "moodle", "canvas")
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDS = {"id_number": "ID number", "email": "Email address", "username": "Username"}


class ExportError(ValueError):
    """The export cannot be made (no template, unknown column, ...); says why."""


@dataclass(frozen=True)
class GradeRow:
    """A student's total for one module (autograded plus manual scores from the gradebook)."""

    student_id: str
    module: str
    score: float
    max_score: float
    auto_score: float
    manual_score: float
    needs_manual_grade: bool


def gradebook_rows(*, root: Path | None = None, course: Path | str | None = None,
                   modules: list[str] | None = None) -> list[GradeRow]:
    """Return one row per student and module with a submission in the gradebook."""
    curriculum = load_curriculum(root)
    layout = grading_layout(curriculum.root, course)
    wanted = modules or [m.id for m in curriculum.modules]
    return [GradeRow(student_id=t.student, module=t.module, score=t.score,
                     max_score=t.max_score, auto_score=t.auto_score,
                     manual_score=t.manual_score, needs_manual_grade=t.needs_manual_grade)
            for t in submission_totals(layout.course, wanted)]


def read_roster(path: Path | None) -> dict[str, dict[str, str]]:
    """Return roster rows by our student id (columns: student_id and any LMS columns)."""
    if path is None:
        return {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "student_id" not in reader.fieldnames:
            raise ExportError(f"{path}: the roster needs a 'student_id' column")
        return {row["student_id"].strip(): {k: (v or "").strip() for k, v in row.items()}
                for row in reader if row.get("student_id")}


def _number(value: float) -> str:
    return f"{value:.6g}"


def export_csv(rows: list[GradeRow]) -> str:
    """Return the plain CSV export."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student_id", "module", "score", "max_score", "auto_score", "manual_score",
                     "needs_manual_grade"])
    for r in rows:
        writer.writerow([r.student_id, r.module, _number(r.score), _number(r.max_score),
                         _number(r.auto_score), _number(r.manual_score),
                         str(r.needs_manual_grade).lower()])
    return out.getvalue()


def export_moodle(rows: list[GradeRow], titles: dict[str, str],
                  roster: dict[str, dict[str, str]], identifier: str = "id_number") -> str:
    """Return a CSV for Moodle's "Import grades (CSV)": one row per student."""
    if identifier not in MOODLE_IDS:
        raise ExportError(f"Moodle identifier must be one of {sorted(MOODLE_IDS)}")
    modules = sorted({r.module for r in rows}, key=list(titles).index)
    by_student: dict[str, dict[str, float]] = {}
    for r in rows:
        by_student.setdefault(r.student_id, {})[r.module] = r.score
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([MOODLE_IDS[identifier], *[titles[m] for m in modules]])
    for student, scores in sorted(by_student.items()):
        ident = roster.get(student, {}).get(identifier) or student
        writer.writerow([ident, *[_number(scores[m]) if m in scores else "" for m in modules]])
    return out.getvalue()


def _canvas_column(header: list[str], module_id: str, title: str) -> int:
    for i, name in enumerate(header):
        base = re.sub(r"\s*\(\d+\)\s*$", "", name).strip()
        if base.lower() in (title.lower(), module_id.lower()):
            return i
    raise ExportError(f"the Canvas template has no column for module '{module_id}' (looked for "
                      f"'{title} (<id>)' or '{module_id} (<id>)'); create the assignment in "
                      "Canvas and export the gradebook again")


def export_canvas(rows: list[GradeRow], titles: dict[str, str], template: Path,
                  roster: dict[str, dict[str, str]]) -> str:
    """Return the Canvas gradebook ``template`` with the modules' scores filled in.

    Students are matched by SIS User ID, SIS Login ID or Canvas ID: equal to our student id, or
    mapped through the roster's ``lms_id``/``sis_id``/``username`` columns.
    """
    with template.open(newline="", encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    if not table or table[0][:2] != CANVAS_FIXED[:2]:
        raise ExportError(f"{template} is not a Canvas gradebook export (its header should "
                          f"start with {', '.join(CANVAS_FIXED)})")
    header = table[0]
    index = {name: header.index(name) for name in CANVAS_FIXED if name in header}
    aliases: dict[str, str] = {}
    for ours, entry in roster.items():
        for key in ("lms_id", "sis_id", "username", "email"):
            if entry.get(key):
                aliases[entry[key]] = ours
    scores = {(r.student_id, r.module): r.score for r in rows}
    columns = {m: _canvas_column(header, m, titles[m]) for m in sorted({r.module for r in rows})}
    for line in table[1:]:
        if not line or not line[0].strip() or "Points Possible" in line[0]:
            continue
        ids = [line[index[k]].strip() for k in ("SIS User ID", "SIS Login ID", "ID")
               if k in index and index[k] < len(line)]
        student: str | None = next((i for i in ids if any(s == i for s, _ in scores)), None)
        student = student or next((aliases[i] for i in ids if i in aliases), None)
        if student is None:
            continue
        for module, col in columns.items():
            if (student, module) in scores:
                while len(line) <= col:
                    line.append("")
                line[col] = _number(scores[(student, module)])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue()


def export_grades(*, fmt: str = "csv", root: Path | None = None,
                  course: Path | str | None = None, template: Path | None = None,
                  roster: Path | None = None, modules: list[str] | None = None,
                  moodle_identifier: str = "id_number") -> str:
    """Return the grades of every module with submissions, in ``fmt`` (csv|moodle|canvas)."""
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {FORMATS}")
    curriculum = load_curriculum(root)
    titles = {m.id: m.title for m in curriculum.modules}
    rows = gradebook_rows(root=curriculum.root, course=course, modules=modules)
    if fmt == "csv":
        return export_csv(rows)
    people = read_roster(roster)
    if fmt == "moodle":
        return export_moodle(rows, titles, people, moodle_identifier)
    if template is None:
        raise ExportError("--format canvas needs --template: the gradebook CSV exported from "
                          "Canvas (Grades > Export > Export Entire Gradebook)")
    return export_canvas(rows, titles, template, people)
