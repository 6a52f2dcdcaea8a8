"""Scoring: a test cell's score from its run, compared with the reference values.

Scoring happens outside the learner's kernel, from plain data: the observations the rewritten
test cell displayed and the execute reply's status. Nothing the kernel says about itself is
trusted beyond that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from academy.checks import CheckResult, matches, score_from_results
from academy.grading import results as R
from academy.grading.kernel import DIED, ERROR, NOT_RUN, TIMEOUT, CellRun
from academy.grading.results import CheckOutcome, ExerciseResult
from academy.grading.transform import CheckSpec

Observations = dict[tuple[str, int], Any]


@dataclass(frozen=True)
class GradedCell:
    """One autograded test cell: its checks as written and its rewritten source."""

    notebook: str
    grade_id: str
    points: float
    specs: tuple[CheckSpec, ...]
    rewritten: str


def _keys(specs: tuple[CheckSpec, ...]) -> list[tuple[tuple[str, int], CheckSpec]]:
    seen: dict[str, int] = {}
    out = []
    for spec in specs:
        n = seen.get(spec.label, 0)
        seen[spec.label] = n + 1
        out.append(((spec.label, n), spec))
    return out


def _observations(run: CellRun, role: str) -> Observations:
    """Return a cell's observations of ``role`` by (label, occurrence); first one wins."""
    seen: dict[str, int] = {}
    out: Observations = {}
    for payload in run.observations:
        if not isinstance(payload, dict) or payload.get("role", "observed") != role:
            continue
        label = payload.get("label")
        if not isinstance(label, str):
            continue
        n = seen.get(label, 0)
        seen[label] = n + 1
        out[(label, n)] = payload.get("value")
    return out


def score_exercise(test: GradedCell, run: CellRun, expected: Observations) -> ExerciseResult:
    """Return the score of one test cell from its run, compared with the reference values.

    Same formula as ``Exercise.score()`` in the kernel: a failed visible check or an error in
    the cell gives zero, else the points are shared by weight among passed checks.
    """
    observed = _observations(run, "observed")
    checks: list[CheckOutcome] = []
    results: list[CheckResult] = []
    for key, spec in _keys(test.specs):
        reached = key in observed
        passed = reached and key in expected and matches(observed[key], expected[key], spec.tol)
        checks.append(CheckOutcome(spec.label, spec.visible, passed,
                                   spec.hint if spec.visible else "", reached))
        results.append(CheckResult(spec.label, passed, spec.visible, spec.weight, spec.hint,
                                   spec.kind))
    base = ExerciseResult(test.notebook, test.grade_id, test.points, 0.0, checks=checks)
    if run.status == NOT_RUN:
        base.status, base.reason = R.NOT_RUN, run.reason or "not run"
        return base
    if run.status == TIMEOUT:
        base.status, base.reason = R.TIMEOUT, f"the test cell timed out: {run.evalue}"
        return base
    if run.status == DIED:
        base.status, base.reason = R.DIED, f"the kernel died while testing ({run.evalue})"
        return base
    if run.status == ERROR:
        base.status = R.ERROR
        if all(c.reached for c in checks if c.visible):
            # the error came from a hidden test: its message could quote hidden test code
            base.reason = f"a hidden test stopped with {run.ename}"
        else:
            base.reason = f"checking stopped with {run.ename}: {run.evalue}"[:500]
        return base
    if any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in run.outputs):
        base.status = R.ERROR
        base.reason = "the test cell wrote to stderr (e.g. a warning); nbgrader scores that zero"
        return base
    score, failed = score_from_results(results, test.points)
    base.score = score
    if failed:
        base.reason = "self-checks failed: " + "; ".join(failed)
    return base
