"""Self-checks and graded checks for exercise test cells, usable by nbgrader and by our grader.

A test cell in a source notebook looks like this::

    from academy.checks import Exercise
    q1 = Exercise("q1-total-cost", points=3)
    q1.gate("a number", type(total_cost_pct(200, 5, 0.0)).__name__, "float",
            hint="total_cost_pct should return a number, e.g. 2.5.")
    q1.self_check("USD 5 fee on USD 200, no margin", total_cost_pct(200, 5, 0.0), 2.5,
                  hint="A fee of 5 on 200 is 2.5% of the amount sent.")
    ### BEGIN HIDDEN TESTS
    q1.check("margin only", total_cost_pct(200, 0, 0.02), 2.0, tol=1e-6, weight=2)
    ### END HIDDEN TESTS
    q1.score()

Three kinds of check, and only one kind earns points:

- ``gate``: a visible check of type, shape, range or presence. It must pass (if it fails, the
  exercise earns zero and the learner sees its hint) but it carries **no points**: the right shape
  is not the right answer.
- ``self_check``: a visible check that compares a value with the reference value. It carries
  ``weight`` and, if it fails, the exercise earns zero and the learner sees its hint.
- ``check``: a hidden check that compares a value with the reference value; it carries ``weight``.

``score()`` returns points x (weight of passed value checks / weight of all value checks). The
expected value of every check is written out in the cell (a literal, arithmetic on literals, or a
``pd.Series``/``pd.DataFrame`` built from literals), never computed from the notebook's variables:
``academy audit`` enforces this. In a learner's copy the hidden checks are gone, so ``score()``
shows which self-checks passed and says the grade also depends on hidden tests; it shows a score
only when hidden checks ran. Values are compared as plain data (numbers, strings, lists, dicts,
Series, DataFrames) after an exact-type conversion, so an object that claims to equal everything
does not pass.

The instructor's grader (``academy grade``) does not trust any of this in the learner's kernel: it
rewrites test cells into ``observe`` calls that carry no expected values, and compares the observed
plain data with a reference run outside the kernel (see ``academy.grading``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MIMETYPE = "application/vnd.academy.observation+json"


class Raised:
    """Marker for an observation whose computation raised an exception."""

    def __init__(self, exc: BaseException) -> None:
        self.kind = type(exc).__name__
        self.message = str(exc)

    def __repr__(self) -> str:
        return f"<raised {self.kind}: {self.message}>"


def attempt(compute: Callable[[], Any]) -> Any:
    """Return ``compute()``, or a Raised marker if it raises, so one failing case costs only
    its own check."""
    try:
        return compute()
    except Exception as exc:  # the learner's code may raise anything
        return Raised(exc)


def to_plain(value: Any) -> Any:
    """Return ``value`` as plain JSON-compatible data, checking exact types.

    Unsupported types become ``{"unsupported": "<type name>"}``, which equals nothing expected.
    """
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return value
    if kind is float:
        return _plain_float(value)
    if kind is Raised:
        return {"raised": value.kind}
    if kind in (list, tuple):
        return [to_plain(v) for v in value]
    if kind is dict:
        return {str(k): to_plain(v) for k, v in value.items()}
    module = getattr(kind, "__module__", "")
    if module.startswith("numpy"):
        import numpy as np

        if kind is np.bool_:
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return _plain_float(float(value))
        if isinstance(value, np.ndarray):
            return [to_plain(v) for v in value.tolist()]
    if module.startswith("pandas"):
        import pandas as pd

        if kind is pd.Series:
            return {"series": {"index": [to_plain(_scalar(i)) for i in value.index],
                               "values": [to_plain(_scalar(v)) for v in value.tolist()]}}
        if kind is pd.DataFrame:
            return {"frame": {
                "columns": [str(c) for c in value.columns],
                "index": [to_plain(_scalar(i)) for i in value.index],
                "data": [[to_plain(_scalar(v)) for v in row] for row in value.itertuples(
                    index=False, name=None)],
            }}
        if value is pd.NA or kind is type(pd.NaT):
            return None
    return {"unsupported": f"{module}.{kind.__qualname__}"}


def _scalar(value: Any) -> Any:
    """Return numpy/pandas scalars as Python scalars (for index labels and cells)."""
    item = getattr(value, "item", None)
    if item is not None and type(value).__module__.startswith("numpy"):
        return item()
    if type(value).__module__.startswith("pandas") and str(value) in ("<NA>", "NaT"):
        return None
    return value


def _plain_float(value: float) -> Any:
    if math.isnan(value):
        return {"float": "nan"}
    if math.isinf(value):
        return {"float": "inf" if value > 0 else "-inf"}
    return value


def matches(observed: Any, expected: Any, tol: float = 1e-9) -> bool:
    """Return True if two plain values agree: numbers within ``tol`` (absolute or relative),
    everything else exactly; lists, dicts, series and frames element by element."""
    if type(expected) is bool or type(observed) is bool:
        return type(observed) is type(expected) and bool(observed == expected)
    if type(expected) in (int, float) and type(observed) in (int, float):
        difference = abs(float(observed) - float(expected))
        return difference <= tol or difference <= tol * abs(float(expected))
    if type(expected) is list and type(observed) is list:
        return len(observed) == len(expected) and all(
            matches(o, e, tol) for o, e in zip(observed, expected, strict=True))
    if type(expected) is dict and type(observed) is dict:
        return observed.keys() == expected.keys() and all(
            matches(observed[k], expected[k], tol) for k in expected)
    return type(observed) is type(expected) and bool(observed == expected)


GATE, VALUE = "gate", "value"


@dataclass
class CheckResult:
    label: str
    passed: bool
    visible: bool
    weight: float
    hint: str = ""
    kind: str = VALUE

    @property
    def earns(self) -> float:
        """The weight this check carries towards the points (gates carry none)."""
        return 0.0 if self.kind == GATE else self.weight


def score_from_results(results: list[CheckResult], points: float) -> tuple[float, list[str]]:
    """Return (points earned, hints of failed visible checks) for a list of check results.

    Any failed visible check (gate or self-check) gives zero. Otherwise the points are shared by
    weight among the value checks that passed; gates carry no points, so an exercise whose value
    checks did not run earns nothing.
    """
    failed_visible = [r.hint or r.label for r in results if r.visible and not r.passed]
    total = sum(r.earns for r in results)
    if failed_visible or total <= 0:
        return 0.0, failed_visible
    earned = sum(r.earns for r in results if r.passed)
    return round(points * earned / total, 6), []


# The checks' fixed sentences, shown in the learner's language (messages of the notebook
# interface catalogue, ui/notebook.po; see academy.notebook_language).
NOT_A_GRADE = ("This is not your grade: hidden tests also check your answer when your work is "
               "graded.")
PASSED_LIST = "Self-checks passed ({count}): {labels}."
PASSED_HEADING = "Self-checks passed"
CHECKS_PASSED = "Checks passed."
SCORE_LINE = "Score for this exercise: {points} of {max_points} points."
FAILED_LINE = "{count} self-check(s) failed for {exercise}:"
CHECK_MESSAGES = (NOT_A_GRADE, PASSED_LIST, PASSED_HEADING, CHECKS_PASSED, SCORE_LINE,
                  FAILED_LINE)


class Score(float):
    """The points a test cell earned: text form is the number nbgrader reads as partial credit.

    When no hidden check ran (a learner's copy), the number is not a grade and is not shown: the
    text says which self-checks passed instead.
    """

    def __new__(cls, points: float, max_points: float, passed: tuple[str, ...] = (),
                graded: bool = True) -> Score:
        obj = super().__new__(cls, points)
        obj.max_points = max_points
        obj.passed = passed
        obj.graded = graded
        return obj

    max_points: float
    passed: tuple[str, ...]
    graded: bool

    def __repr__(self) -> str:
        if self.graded:
            return repr(float(self))
        return (_learner_text(PASSED_LIST).format(count=len(self.passed),
                                                  labels=", ".join(self.passed))
                + " " + _learner_text(NOT_A_GRADE))

    def _repr_html_(self) -> str:
        import html

        t = _learner_text
        if self.graded:
            score = t(SCORE_LINE).format(points=f"{float(self):g}",
                                         max_points=f"{self.max_points:g}")
            return (f"<p><strong>{html.escape(t(CHECKS_PASSED))}</strong> "
                    f"{html.escape(score)}</p>")
        items = "".join(f"<li>&#10003; {html.escape(label)}</li>" for label in self.passed)
        return (f"<p><strong>{html.escape(t(PASSED_HEADING))}</strong> ({len(self.passed)}):"
                f"</p><ul>{items}</ul><p>{html.escape(t(NOT_A_GRADE))}</p>")


@dataclass
class Exercise:
    """The checks of one autograded exercise: see the module docstring for the cell pattern."""

    grade_id: str
    points: float
    results: list[CheckResult] = field(default_factory=list)

    def gate(self, label: str, observed: Any, expected: Any, *, tol: float = 1e-9,
             hint: str = "") -> bool:
        """Record a visible check of type, shape, range or presence: it must pass, it earns
        no points."""
        return self._record(label, observed, expected, tol, hint, 0.0, visible=True, kind=GATE)

    def self_check(self, label: str, observed: Any, expected: Any, *, tol: float = 1e-9,
                   hint: str = "", weight: float = 1.0) -> bool:
        """Record a visible value check carrying ``weight``; it must pass."""
        return self._record(label, observed, expected, tol, hint, weight, visible=True)

    def check(self, label: str, observed: Any, expected: Any, *, tol: float = 1e-9,
              hint: str = "", weight: float = 1.0) -> bool:
        """Record a hidden value check carrying ``weight`` of the points."""
        return self._record(label, observed, expected, tol, hint, weight, visible=False)

    def _record(self, label: str, observed: Any, expected: Any, tol: float, hint: str,
                weight: float, visible: bool, kind: str = VALUE) -> bool:
        with warnings.catch_warnings():
            # nbgrader scores a test cell zero if anything reaches stderr.
            warnings.simplefilter("ignore")
            passed = matches(to_plain(observed), to_plain(expected), tol)
        self.results.append(CheckResult(label, passed, visible, weight, hint, kind))
        return passed

    def observe(self, label: str, observed: Any, *, visible: bool,
                role: str = "observed") -> None:
        """Publish ``observed`` as plain data for the instructor's grader (no comparison here).

        ``role`` is "expected" only in the grader's reference run of the source notebook.
        """
        from IPython.display import display

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            payload = {"grade_id": self.grade_id, "label": label, "visible": visible,
                       "role": role, "value": to_plain(observed)}
        display({MIMETYPE: payload, "text/plain": f"[{role} {label}]"}, raw=True)

    def score(self) -> Score:
        """Return the points earned; raise AssertionError naming failed self-checks."""
        earned, failed = score_from_results(self.results, self.points)
        if failed:
            lines = "\n".join(f"  - {_learner_text(hint)}" for hint in failed)
            heading = _learner_text(FAILED_LINE).format(count=len(failed),
                                                        exercise=self.grade_id)
            raise AssertionError(f"{heading}\n{lines}")
        graded = any(not r.visible for r in self.results)
        passed = tuple(_learner_text(r.label) for r in self.results if r.visible and r.passed)
        return Score(earned, self.points, passed, graded)


def _learner_text(text: str) -> str:
    """Return a label or hint in the learner's language (see ``academy.notebook_language``)."""
    from academy.notebook_language import translate

    return translate(text)


_PRISTINE: dict[str, Any] = {}


def guard() -> None:
    """Remember this kernel's builtins and this module's functions before any learner code runs.

    The instructor's grader calls it first; ``restore()`` at the top of each graded test cell puts
    them back, so a submission that replaced ``float``, ``len`` or ``to_plain`` does not change how
    its answers are observed. (Values are still compared outside the kernel.)
    """
    import builtins

    if not _PRISTINE:
        _PRISTINE["builtins"] = dict(vars(builtins))
        _PRISTINE["module"] = {name: globals()[name] for name in (
            "to_plain", "_scalar", "_plain_float", "attempt", "Raised", "Exercise")}
        _PRISTINE["observe"] = Exercise.observe


def restore() -> None:
    """Put back what ``guard()`` remembered (see there)."""
    import builtins

    if not _PRISTINE:
        return
    saved_builtins: dict[str, Any] = _PRISTINE["builtins"]
    current = vars(builtins)
    for name in [n for n in current if n not in saved_builtins]:
        del current[name]
    current.update(saved_builtins)
    globals().update(_PRISTINE["module"])
    Exercise.observe = _PRISTINE["observe"]  # type: ignore[method-assign]
