"""Recording: the batch's results written into nbgrader's gradebook, through the gradebook layer.

Only the grading process (never a learner's kernel) writes the gradebook, one batch of results at
a time, after each result is saved.
"""

from __future__ import annotations

from typing import Any

from academy.curriculum import Curriculum, Module
from academy.gradebook import AutogradedSubmission, record_autograded, released_notebooks
from academy.grading.layout import GradingLayout
from academy.grading.results import SubmissionResult


def ensure_released(curriculum: Curriculum, module: Module, layout: GradingLayout) -> None:
    """Make sure the gradebook knows the module's notebooks and cells (release it if not)."""
    from academy.release import release_module

    if not set(module.notebooks) <= released_notebooks(layout.course, module.id):
        release_module(module.id, course=layout.course.course, curriculum=curriculum)


def record_in_gradebook(layout: GradingLayout, results: list[SubmissionResult]) -> None:
    """Write autograded scores into nbgrader's gradebook (one writer: the calling process)."""
    record_autograded(layout.course, [
        AutogradedSubmission(
            module=r.module, student=r.student,
            timestamp=_timestamp(layout, r.module, r.student),
            scores=[(ex.notebook, ex.grade_id, ex.score) for ex in r.exercises],
            answers=[(a.notebook, a.grade_id, a.answered) for a in r.manual])
        for r in results])


def _timestamp(layout: GradingLayout, module: str, student: str) -> Any:
    from nbgrader.utils import parse_utc

    path = layout.submission(module, student) / "timestamp.txt"
    try:
        text = path.read_text().strip()
        return parse_utc(text) if text else None
    except (OSError, ValueError):
        return None
