"""Export grades from nbgrader's gradebook in the formats LMS importers accept as they are.

One registry, :data:`FORMATS`, maps a format's name to an :class:`ExportFormat`; every format
is a function from an :class:`ExportRequest` to an :class:`ExportResult` (the file's text, its
encoding, and who was written or left out, and why). Adding a format is one edit: append it to
the tuple that builds :data:`FORMATS`; the ``academy export --format`` choices come from it.

- ``csv``: one row per student and module (``student_id,module,score,max_score,...``).
- ``exercises``: one row per student and autograded exercise, the exercise named as the learner
  saw it (``Exercise 1 — The cost of one transfer``), with its score and the reason for lost
  points.
- ``moodle``: Moodle's *Import grades > CSV file*: an identifier column and one column per
  module. Moodle's importer (``grade/import/csv/classes/load_data.php``) aborts the whole import
  on one unknown identifier (``check_user_exists``), turns an empty cell or ``-`` into "no grade",
  erasing the grade already there (``update_grade_item``), and refuses grades above the site's
  grade maximum (``insert_grade_record``): so only learners with a known identifier and a grade in
  every exported column are written, scaled to the grade item's maximum (``--max``).
- ``canvas``: fills a gradebook CSV exported from Canvas. Canvas's importer
  (``lib/gradebook_importer.rb``) accepts ``Student,ID,...`` or ``LastName,FirstName,ID,...``
  headers, comma or semicolon delimiters (``identify_delimiter``) and decimal commas; it keeps
  ``EX`` (excused) only if the cell still says so, and reads each column's ``Points Possible``.
  Scores are scaled to that maximum and rounded to 2 decimals, as Canvas's own exporter rounds.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from academy.curriculum import load_curriculum
from academy.errors import AcademyError
from academy.gradebook import submission_totals
from academy.grading.layout import grading_layout

CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDS = {"id_number": "ID number", "email": "Email address", "username": "Username"}
ROUNDING = "rounded half up to 2 decimals"
MUTED_ROW = re.compile(r"^\s*(Muted|Manual Posting.*)?\s*$", re.IGNORECASE)


class ExportError(AcademyError, ValueError):
    """The export cannot be made (no template, unknown identifier, ...); says why."""


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


@dataclass
class ExportRequest:
    """Everything a format may use: the grades, module titles, roster and options."""

    rows: list[GradeRow]
    titles: dict[str, str]
    roster: dict[str, dict[str, str]] = field(default_factory=dict)
    template: Path | None = None
    maximum: dict[str, float] = field(default_factory=dict)
    identifier: str = "id_number"
    leave_out_unknown: bool = False
    root: Path | None = None
    course: Path | str | None = None


@dataclass
class ExportResult:
    """The file to write and a summary of who was written, who was left out and why."""

    text: str
    encoding: str = "utf-8"
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """Return the summary as lines for the instructor."""
        lines = [f"written: {len(self.written)}"] + [f"  {w}" for w in self.written]
        lines += [f"left out: {len(self.skipped)}"] + [f"  {s}" for s in self.skipped]
        return lines + [f"note: {n}" for n in self.notes]


@dataclass(frozen=True)
class ExportFormat:
    """A named export format: what it is for, and the function that writes it."""

    name: str
    description: str
    write: Callable[[ExportRequest], ExportResult]


# -- numbers ------------------------------------------------------------------------------------
def fixed(value: float | Decimal, places: int = 2, decimal: str = ".") -> str:
    """Return ``value`` rounded half up to ``places`` decimals, in plain (never scientific)
    notation, without trailing zeros: 17.5, 0.01, 20."""
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", decimal)


def scaled(row: GradeRow, maximum: float | None) -> Decimal:
    """Return the row's score out of ``maximum`` (its own points if None), rounded to 0.01."""
    score = Decimal(str(row.score))
    if maximum is not None and row.max_score:
        score = score * Decimal(str(maximum)) / Decimal(str(row.max_score))
    return score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_maximum(values: list[str] | tuple[str, ...]) -> dict[str, float]:
    """Parse ``--max`` values: ``N`` (every module) or ``MODULE=N``; key ``*`` means all."""
    out: dict[str, float] = {}
    for value in values:
        module, _, number = value.rpartition("=")
        try:
            maximum = float(number.replace(",", "."))
        except ValueError:
            maximum = float("nan")
        if not maximum > 0:
            raise ExportError(f"--max {value}: give a positive number (the LMS grade item's "
                              "maximum), or MODULE=NUMBER")
        out[module.strip() or "*"] = maximum
    return out


def _maximum(request: ExportRequest, module: str) -> float | None:
    return request.maximum.get(module, request.maximum.get("*"))


def _who(student: str, roster: dict[str, dict[str, str]]) -> str:
    name = roster.get(student, {}).get("name", "")
    return f"{student} ({name})" if name else student


# -- gradebook ----------------------------------------------------------------------------------
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
    from academy.grading.collect import CollectError
    from academy.grading.collect import read_roster as read

    try:
        return read(path)
    except CollectError as exc:
        raise ExportError(str(exc)) from None


# -- csv ----------------------------------------------------------------------------------------
def write_csv(request: ExportRequest) -> ExportResult:
    """One row per student and module, with the gradebook's points (6 decimals at most)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student_id", "module", "score", "max_score", "auto_score", "manual_score",
                     "needs_manual_grade"])
    result = ExportResult("")
    for r in request.rows:
        writer.writerow([r.student_id, r.module, fixed(r.score, 6), fixed(r.max_score, 6),
                         fixed(r.auto_score, 6), fixed(r.manual_score, 6),
                         str(r.needs_manual_grade).lower()])
        result.written.append(f"{r.student_id}: {r.module} {fixed(r.score, 6)} of "
                              f"{fixed(r.max_score, 6)}")
    result.text = out.getvalue()
    return result


# -- exercises ----------------------------------------------------------------------------------
def write_exercises(request: ExportRequest) -> ExportResult:
    """One row per learner and autograded exercise, named as the learner saw it."""
    from academy.curriculum import load_curriculum
    from academy.exercise_titles import module_exercise_titles, title_of
    from academy.grading.layout import grading_layout
    from academy.grading.results import load_results

    curriculum = load_curriculum(request.root)
    layout = grading_layout(curriculum.root, request.course)
    wanted = {(r.student_id, r.module) for r in request.rows}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student_id", "module", "exercise", "score", "points", "reason"])
    result = ExportResult("")
    for module_id in sorted({m for _, m in wanted}, key=list(request.titles).index):
        titles = module_exercise_titles(curriculum.module(module_id))
        for submission in load_results(layout, module_id):
            if (submission.student, module_id) not in wanted:
                continue
            for ex in submission.exercises:
                writer.writerow([submission.student, module_id, title_of(titles, ex.grade_id),
                                 fixed(ex.score, 6), fixed(ex.points, 6), ex.reason])
            result.written.append(f"{submission.student}: {module_id}, "
                                  f"{len(submission.exercises)} exercises")
    result.text = out.getvalue()
    return result


# -- moodle -------------------------------------------------------------------------------------
def _moodle_known(template: Path, label: str) -> set[str]:
    """Return the identifiers in a Moodle grade export (CSV) under column ``label``."""
    text = _decode(template)
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    header = [h.strip() for h in table[0]] if table else []
    if label not in header:
        raise ExportError(f"{template}: no '{label}' column; export the grades from Moodle "
                          f"with the '{label}' field, or choose another --moodle-identifier")
    column = header.index(label)
    return {r[column].strip() for r in table[1:] if len(r) > column and r[column].strip()}


def write_moodle(request: ExportRequest) -> ExportResult:
    """Moodle's grade import CSV: only identifiers Moodle knows, no cell that erases a grade."""
    if request.identifier not in MOODLE_IDS:
        raise ExportError(f"Moodle identifier must be one of {sorted(MOODLE_IDS)}")
    label = MOODLE_IDS[request.identifier]
    known = _moodle_known(request.template, label) if request.template else None
    modules = sorted({r.module for r in request.rows}, key=list(request.titles).index)
    by_student: dict[str, dict[str, GradeRow]] = {}
    for r in request.rows:
        by_student.setdefault(r.student_id, {})[r.module] = r
    result = ExportResult("")
    lines: list[list[str]] = []
    lacking: list[str] = []
    seen: dict[str, str] = {}
    for student, grades in sorted(by_student.items()):
        ident = request.roster.get(student, {}).get(request.identifier, "")
        if not ident:
            lacking.append(student)
            continue
        if known is not None and ident not in known:
            result.skipped.append(f"{_who(student, request.roster)}: {label} '{ident}' is not in "
                                  "the Moodle grade export (not enrolled in the course?)")
            continue
        if ident in seen:
            raise ExportError(f"{label} '{ident}' is on the roster for both {seen[ident]} and "
                              f"{student}; correct the roster")
        seen[ident] = student
        gaps = [m for m in modules if m not in grades]
        if gaps:
            result.skipped.append(
                f"{_who(student, request.roster)}: no grade for "
                f"{', '.join(request.titles[m] for m in gaps)} (an empty cell would erase the "
                "grade in Moodle): export those modules separately with --module")
            continue
        cells = [fixed(scaled(grades[m], _maximum(request, m))) for m in modules]
        lines.append([ident, *cells])
        result.written.append(f"{_who(student, request.roster)} as {ident}: "
                              + ", ".join(f"{m} {c}" for m, c in zip(modules, cells,
                                                                      strict=True)))
    if lacking and not request.leave_out_unknown:
        column = {"id_number": "id_number"}.get(request.identifier, request.identifier)
        raise ExportError(
            f"Moodle aborts the whole import on one unknown {label}, and these learners have "
            f"none in the roster (column '{column}'): {', '.join(lacking)}. Add it to the "
            "roster (--roster), or pass --leave-out-unknown to leave them out")
    result.skipped += [f"{_who(s, request.roster)}: no {label} in the roster" for s in lacking]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([label, *[request.titles[m] for m in modules]])
    writer.writerows(lines)
    result.text = out.getvalue()
    for m in modules:
        maximum = _maximum(request, m)
        points = {r.max_score for r in request.rows if r.module == m}
        if maximum is None:
            result.notes.append(f"{request.titles[m]}: points out of {fixed(max(points))}, "
                                f"{ROUNDING}; the Moodle grade item's maximum must be "
                                f"{fixed(max(points))}, or give --max {m}=<its maximum>")
        else:
            result.notes.append(f"{request.titles[m]}: scaled from {fixed(max(points))} points "
                                f"to the grade item's maximum {fixed(maximum)}, {ROUNDING}")
        if (maximum or max(points)) > 100:
            result.notes.append("Moodle refuses grades above 100 unless the site allows "
                                "unlimited grades (Site administration > Grades > General)")
    return result


# -- canvas -------------------------------------------------------------------------------------
def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExportError(f"{path} is UTF-16 text (Excel's 'Unicode text'); export the "
                          "gradebook from Canvas again, or save it as 'CSV UTF-8'")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path} is not UTF-8 text (byte {raw[exc.start]:#04x} at position "
                          f"{exc.start}): it was probably re-saved by a spreadsheet. Export the "
                          "gradebook from Canvas again, or save it as 'CSV UTF-8'") from None


def _delimiter(text: str) -> str:
    """``;`` or ``,``, chosen as Canvas's ``identify_delimiter`` does (first three lines)."""
    lines = text.splitlines()[:3]
    counts: dict[str, int] = {}
    for sep in (";", ","):
        try:
            sizes = [len(next(csv.reader([line], delimiter=sep), [])) for line in lines]
        except csv.Error:
            sizes = [0, 1]
        counts[sep] = sizes[0] if sizes and len(set(sizes)) == 1 else 0
    return ";" if counts[";"] > counts[","] else ","


def _canvas_column(header: list[str], module_id: str, title: str) -> int:
    for i, name in enumerate(header):
        base = re.sub(r"\s*\(\d+\)\s*$", "", name).strip()
        if base.casefold() in (title.casefold(), module_id.casefold()):
            return i
    raise ExportError(f"the Canvas template has no column for module '{module_id}' (looked for "
                      f"'{title} (<id>)' or '{module_id} (<id>)'); create the assignment in "
                      "Canvas and export the gradebook again, or choose the modules to export "
                      "with --module")


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None


def write_canvas(request: ExportRequest) -> ExportResult:
    """The Canvas gradebook ``template`` with the modules' scores filled in, as Canvas wrote it.

    Students are matched by Canvas ID, SIS User ID or SIS Login ID: equal to our student id or
    to the roster's ``lms_id``/``sis_id``/``username``/``email``.
    """
    if request.template is None:
        raise ExportError("--format canvas needs --template: the gradebook CSV exported from "
                          "Canvas (Grades > Export > Export Entire Gradebook)")
    template = request.template
    raw = template.read_bytes()
    text = _decode(template)
    delimiter = _delimiter(text)
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = table[0] if table else []
    last_first = len(header) > 4 and header[0].strip() == "LastName" and (
        header[1].strip() == "FirstName") and "ID" in header[2]
    if not (last_first or (len(header) > 3 and "Student" in header[0] and "ID" in header[1])):
        raise ExportError(f"{template} is not a Canvas gradebook export (its header should "
                          "start with Student, ID or LastName, FirstName, ID)")
    names = [h.strip() for h in header]
    id_columns = [2 if last_first else 1] + [names.index(c) for c in ("SIS User ID",
                                                                      "SIS Login ID")
                                             if c in names]
    points = next((r for r in table[1:] if r and "Points Possible" in r[0]), None)
    decimal = "," if delimiter == ";" and points and any(
        re.fullmatch(r"\d+,\d+", c.strip()) for c in points) else "."
    modules = sorted({r.module for r in request.rows}, key=list(request.titles).index)
    columns = {m: _canvas_column(names, m, request.titles[m]) for m in modules}
    maxima: dict[str, float] = {}
    for m, col in columns.items():
        cell = points[col] if points and col < len(points) else ""
        if re.search(r"read\s+only", cell, re.IGNORECASE):
            raise ExportError(f"the Canvas column '{header[col]}' is read only; grades cannot "
                              "be imported into it")
        given = _maximum(request, m)
        possible = _number(cell) if cell.strip() else None
        if given is None and possible is None:
            raise ExportError(f"the Canvas template gives no Points Possible for "
                              f"'{header[col]}'; export the gradebook again, or give "
                              f"--max {m}=<points possible>")
        maxima[m] = given if given is not None else float(possible or 0)
    lookup: dict[str, set[str]] = {}
    for student in {r.student_id for r in request.rows}:
        entry = request.roster.get(student, {})
        for value in (student, *(entry.get(k, "") for k in ("lms_id", "sis_id", "username",
                                                              "email", "sis_login_id"))):
            if value:
                lookup.setdefault(value.strip().casefold(), set()).add(student)
    scores = {(r.student_id, r.module): r for r in request.rows}
    result = ExportResult("", encoding="utf-8-sig" if raw.startswith(b"\xef\xbb\xbf")
                          else "utf-8")
    placed: dict[str, int] = {}
    for number, line in enumerate(table[1:], start=2):
        if not line or line is points or all(MUTED_ROW.match(c) for c in line):
            continue
        ids = {line[c].strip().casefold() for c in id_columns if c < len(line) and line[c]}
        found = set().union(*(lookup.get(i, set()) for i in ids)) if ids else set()
        if len(found) > 1:
            result.skipped.append(f"Canvas row {number} ({line[0]}) matches several learners: "
                                  f"{', '.join(sorted(found))}; nothing written to it")
            continue
        if not found:
            continue
        student = found.pop()
        if student in placed:
            result.skipped.append(f"{_who(student, request.roster)} matches Canvas rows "
                                  f"{placed[student]} and {number}; only row {placed[student]} "
                                  "was written: correct the roster")
            continue
        placed[student] = number
        for m, col in columns.items():
            row = scores.get((student, m))
            if row is None:
                continue
            while len(line) <= col:
                line.append("")
            current = line[col].strip()
            if current and _number(current) is None:
                what = "excused (EX)" if current.casefold() == "ex" else f"'{current}'"
                result.skipped.append(f"{_who(student, request.roster)}: {request.titles[m]} is "
                                      f"{what} in Canvas; kept")
                continue
            value = fixed(scaled(row, maxima[m]), decimal=decimal)
            was = f" (was {current})" if current and _number(current) != _number(value) else ""
            line[col] = value
            result.written.append(f"{_who(student, request.roster)}: {request.titles[m]} "
                                  f"{value} of {fixed(maxima[m])}{was}")
    for student in sorted({r.student_id for r in request.rows} - set(placed)):
        result.skipped.append(f"{_who(student, request.roster)}: not in the Canvas gradebook "
                              "export (enrolled later, or no matching ID/SIS id in the roster)")
    for m in modules:
        own = max(r.max_score for r in request.rows if r.module == m)
        result.notes.append(f"{request.titles[m]}: scaled from {fixed(own)} points to "
                            f"{fixed(maxima[m])} points possible, {ROUNDING}")
    out = io.StringIO()
    ending = "\r\n" if b"\r\n" in raw else "\n"
    csv.writer(out, delimiter=delimiter, lineterminator=ending).writerows(table)
    result.text = out.getvalue()
    return result


# -- the registry -------------------------------------------------------------------------------
FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("csv", "one row per student and module, with the gradebook's points",
                 write_csv),
    ExportFormat("moodle", "Moodle's Import grades (CSV file): identifier and one column "
                           "per module", write_moodle),
    ExportFormat("canvas", "fills the gradebook CSV exported from Canvas (--template)",
                 write_canvas),
    ExportFormat("exercises", "one row per learner and exercise, titled as in the notebook",
                 write_exercises),
)}


def format_help() -> str:
    """Return the ``--format`` help text: every registered format with its description."""
    return "One of: " + "; ".join(f"{n}: {f.description}" for n, f in FORMATS.items()) + "."


def export(fmt: str, *, root: Path | None = None, course: Path | str | None = None,
           template: Path | None = None, roster: Path | None = None,
           modules: list[str] | None = None, moodle_identifier: str = "id_number",
           maximum: dict[str, float] | None = None, hold_unfinished: bool = False,
           leave_out_unknown: bool = False) -> ExportResult:
    """Export the grades of every module with submissions (or ``modules``) in format ``fmt``.

    With ``hold_unfinished``, learners whose manual (reflection) grading is not finished are
    left out; otherwise their provisional totals are written and listed in the notes.
    """
    from academy.curriculum import load_curriculum

    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}")
    curriculum = load_curriculum(root)
    for module_id in modules or []:
        curriculum.module(module_id)
    titles = {m.id: m.title for m in curriculum.modules}
    rows = gradebook_rows(root=curriculum.root, course=course, modules=modules)
    unknown = sorted(set(maximum or {}) - set(titles) - {"*"})
    if unknown:
        raise ExportError(f"--max names unknown modules: {', '.join(unknown)}")
    people = read_roster(roster)
    unfinished = [r for r in rows if r.needs_manual_grade]
    if hold_unfinished:
        rows = [r for r in rows if not r.needs_manual_grade]
    request = ExportRequest(rows, titles, people, template, dict(maximum or {}),
                            moodle_identifier, leave_out_unknown, curriculum.root, course)
    result = FORMATS[fmt].write(request)
    if unfinished and hold_unfinished:
        result.skipped += [f"{_who(r.student_id, people)}: {titles[r.module]}: reflection not "
                           "graded yet (held back)" for r in unfinished]
    elif unfinished:
        result.notes.append(
            f"{len(unfinished)} totals are provisional (reflection not graded yet): "
            + ", ".join(sorted({r.student_id for r in unfinished}))
            + "; use --hold-unfinished to leave them out")
    return result


def export_grades(*, fmt: str, root: Path | None = None, course: Path | str | None = None,
                  template: Path | None = None, roster: Path | None = None,
                  modules: list[str] | None = None,
                  moodle_identifier: str = "id_number") -> str:
    """Return the text of :func:`export` (the summary is dropped)."""
    return export(fmt, root=root, course=course, template=template, roster=roster,
                  modules=modules, moodle_identifier=moodle_identifier).text
