"""The audit scores variants as `academy grade` does: submissions built from audit variants, graded
for real in the sandbox, earn exactly what the audit reported."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from academy.audit import VariantResult, audit_module
from academy.grading.autograde import grade_module
from academy.grading.layout import grading_layout
from academy.release import release_module

from .conftest import MODULE, ROOT, gid

pytestmark = pytest.mark.slow


def pick(audit: Any) -> dict[str, tuple[str, VariantResult]]:
    """A few informative variants: partial credit, zero, and a wrong answer."""
    chosen: dict[str, tuple[str, VariantResult]] = {}
    for exercise in audit.exercises:
        for v in exercise.variants:
            if v.kind == "mutant" and not v.equivalent and 0 < v.score < exercise.points:
                chosen.setdefault("partial_mutant", (exercise.grade_id, v))
            if v.kind == "mutant" and not v.equivalent and v.score == 0 and v.status == "graded":
                chosen.setdefault("zero_mutant", (exercise.grade_id, v))
            if v.kind == "wrong-answer":
                chosen.setdefault("wrong_answer", (exercise.grade_id, v))
    return chosen


def test_variants_graded_for_real_earn_what_the_audit_says(tmp_path: Path) -> None:
    audit = audit_module(MODULE, root=ROOT, nbgrader=False)
    chosen = pick(audit)
    assert {"zero_mutant", "wrong_answer"} <= set(chosen), chosen
    layout = grading_layout(ROOT, tmp_path / "course")
    release_module(MODULE, root=ROOT, course=tmp_path / "course")
    source = json.loads((ROOT / "modules" / MODULE / f"{MODULE}.ipynb").read_text())
    solutions = {gid(c): "".join(c["source"]) for c in source["cells"]
                 if c["metadata"].get("nbgrader", {}).get("solution")}
    released = json.loads((layout.course.release / MODULE / f"{MODULE}.ipynb").read_text())

    def submit(student: str, replace: dict[str, str]) -> None:
        notebook = copy.deepcopy(released)
        for cell in notebook["cells"]:
            if gid(cell) in solutions:
                cell["source"] = replace.get(gid(cell), solutions[gid(cell)])
        folder = layout.submission(MODULE, student)
        folder.mkdir(parents=True)
        (folder / f"{MODULE}.ipynb").write_text(json.dumps(notebook))

    for student, (_, variant) in chosen.items():
        answer_id = _answer_cell(source, variant.original)
        submit(student, {answer_id: variant.source})
    summary = grade_module(MODULE, root=ROOT, course=tmp_path / "course", jobs=2)
    assert not summary.failed
    by_student = {r.student: {e.grade_id: e.score for e in r.exercises} for r in summary.results}
    points = {e.grade_id: e.points for e in audit.exercises}
    for student, (exercise_id, variant) in chosen.items():
        expected = {**points, exercise_id: variant.score}
        assert by_student[student] == pytest.approx(expected, abs=1e-6), (student, variant)


def _answer_cell(source: dict[str, Any], original: str) -> str:
    return next(gid(c) for c in source["cells"] if "".join(c["source"]) == original)
