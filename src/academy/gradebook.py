"""The gradebook layer: every read and write of nbgrader's gradebook (gradebook.db) goes here.

Release registers modules; grading records autograded scores; the rubric sheet sets manual
scores; feedback and export read them back. Each function opens the gradebook once, does its
work and commits, and speaks in plain data so that callers never hold nbgrader's database objects.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from academy.course_core import CourseLayout
from academy.errors import AcademyError


class MissingGradeError(AcademyError, LookupError):
    """The gradebook has no grade for a learner's cell (the submission was never graded)."""

    def __init__(self, student: str, notebook: str, grade_id: str) -> None:
        super().__init__(f"no grade for '{student}', notebook '{notebook}', cell '{grade_id}'")
        self.student, self.notebook, self.grade_id = student, notebook, grade_id


@dataclass(frozen=True)
class AutogradedSubmission:
    """What grading found in one submission, to be recorded in the gradebook."""

    module: str
    student: str
    timestamp: datetime | None = None
    # (notebook, grade_id, score) of each autograded test cell
    scores: list[tuple[str, str, float]] = field(default_factory=list)
    # (notebook, grade_id, answered) of each manually graded answer cell
    answers: list[tuple[str, str, bool]] = field(default_factory=list)


@dataclass(frozen=True)
class ManualGrade:
    """A manual score and comment given to one learner's answer cell."""

    student: str
    notebook: str
    grade_id: str
    score: float
    comment: str


@dataclass(frozen=True)
class SubmissionTotals:
    """A submission's totals as nbgrader computes them (manual scores override automatic)."""

    student: str
    module: str
    score: float
    max_score: float
    auto_score: float
    manual_score: float
    needs_manual_grade: bool


@contextmanager
def _opened(layout: CourseLayout) -> Iterator[Any]:
    from nbgrader.api import Gradebook

    layout.course.mkdir(parents=True, exist_ok=True)
    with Gradebook(layout.db_url) as gradebook, warnings.catch_warnings():
        # nbgrader's own session handling warns (SAWarning) when it creates a submission
        warnings.simplefilter("ignore")
        yield gradebook


def register_assignment(layout: CourseLayout, module_id: str) -> None:
    """Create the module's assignment in the gradebook if it is not there."""
    with _opened(layout) as gb:
        gb.update_or_create_assignment(module_id)


def register_students(layout: CourseLayout, students: Iterable[str]) -> None:
    """Create the learners in the gradebook if they are not there."""
    with _opened(layout) as gb:
        for student in students:
            gb.update_or_create_student(student)


def released_notebooks(layout: CourseLayout, module_id: str) -> set[str]:
    """Return the names of the module's notebooks the gradebook knows (empty if none)."""
    from nbgrader.api import MissingEntry

    if not layout.gradebook.is_file():
        return set()
    with _opened(layout) as gb:
        try:
            return {nb.name for nb in gb.find_assignment(module_id).notebooks}
        except MissingEntry:
            return set()


def record_autograded(layout: CourseLayout, submissions: Iterable[AutogradedSubmission]) -> None:
    """Write autograded scores into the gradebook (one writer: the calling process).

    Manual grades already given are kept; a cell with one is flagged for review, as nbgrader
    does. Unanswered manual cells score zero with the comment "No response.". Cells the gradebook
    does not know (not in the released version) are skipped.
    """
    from nbgrader.api import MissingEntry

    submissions = list(submissions)
    if not submissions:
        return
    with _opened(layout) as gb:
        for sub in submissions:
            gb.update_or_create_student(sub.student)
            gb.update_or_create_submission(sub.module, sub.student,
                                           **({"timestamp": sub.timestamp}
                                              if sub.timestamp else {}))
            for notebook, grade_id, score in sub.scores:
                try:
                    grade = gb.find_grade(grade_id, notebook, sub.module, sub.student)
                except MissingEntry:
                    continue
                grade.auto_score = score
                grade.needs_manual_grade = grade.manual_score is not None
            for notebook, grade_id, answered in sub.answers:
                try:
                    grade = gb.find_grade(grade_id, notebook, sub.module, sub.student)
                    comment = gb.find_comment(grade_id, notebook, sub.module, sub.student)
                except MissingEntry:
                    continue
                grade.auto_score = None if answered else 0.0
                grade.needs_manual_grade = answered or grade.manual_score is not None
                comment.auto_comment = None if answered else "No response."
        gb.db.commit()


def set_manual_grades(layout: CourseLayout, module_id: str, grades: Iterable[ManualGrade]) -> None:
    """Set manual scores and comments; all or nothing.

    Raises MissingGradeError (and changes nothing) if a learner's cell has no grade yet.
    """
    from nbgrader.api import MissingEntry

    with _opened(layout) as gb:
        try:
            for given in grades:
                try:
                    grade = gb.find_grade(given.grade_id, given.notebook, module_id,
                                          given.student)
                    note = gb.find_comment(given.grade_id, given.notebook, module_id,
                                           given.student)
                except MissingEntry:
                    raise MissingGradeError(given.student, given.notebook,
                                            given.grade_id) from None
                grade.manual_score = given.score
                grade.needs_manual_grade = False
                note.manual_comment = given.comment or None
        except MissingGradeError:
            gb.db.rollback()
            raise
        gb.db.commit()


def cell_grades(layout: CourseLayout, module_id: str,
                cells: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str],
                                                                tuple[float | None, str | None]]:
    """Return (score, comment) per (student, notebook, grade_id) asked for, where graded.

    The score is the manual score if one was given, else the automatic one; the comment likewise.
    """
    from nbgrader.api import MissingEntry

    out: dict[tuple[str, str, str], tuple[float | None, str | None]] = {}
    if not layout.gradebook.is_file():
        return out
    with _opened(layout) as gb:
        for student, notebook, grade_id in cells:
            try:
                grade = gb.find_grade(grade_id, notebook, module_id, student)
                comment = gb.find_comment(grade_id, notebook, module_id, student)
            except MissingEntry:
                continue
            score = grade.manual_score if grade.manual_score is not None else grade.auto_score
            text = comment.manual_comment or comment.auto_comment
            out[(student, notebook, grade_id)] = (None if score is None else float(score), text)
    return out


def notebook_scores(layout: CourseLayout, module_id: str, notebook: str,
                    student: str) -> dict[str, tuple[float, float]]:
    """Return (score, max score) per grade id of one learner's notebook."""
    with _opened(layout) as gb:
        submission = gb.find_submission_notebook(notebook, module_id, student)
        return {g.name: (float(g.score), float(g.max_score)) for g in submission.grades}


def submission_totals(layout: CourseLayout, modules: Iterable[str]) -> list[SubmissionTotals]:
    """Return the totals of every submission of ``modules`` in the gradebook, by module, student."""
    from nbgrader.api import MissingEntry

    rows: list[SubmissionTotals] = []
    if not layout.gradebook.is_file():
        return rows
    with _opened(layout) as gb:
        for module_id in modules:
            try:
                assignment = gb.find_assignment(module_id)
            except MissingEntry:
                continue
            for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
                grades = [g for nb in submission.notebooks for g in nb.grades]
                manual = sum(g.manual_score or 0.0 for g in grades if g.manual_score is not None)
                auto = sum(g.auto_score or 0.0 for g in grades if g.manual_score is None)
                rows.append(SubmissionTotals(
                    student=submission.student.id, module=module_id,
                    score=round(float(submission.score), 6),
                    max_score=float(submission.max_score), auto_score=round(auto, 6),
                    manual_score=round(manual, 6),
                    needs_manual_grade=bool(submission.needs_manual_grade)))
    return rows
