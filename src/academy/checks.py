"""Self-checks and graded checks for exercise test cells, usable by nbgrader and by our grader.

A test cell in a source notebook looks like this::

    from academy.checks import Exercise
    q1 = Exercise("q1-total-cost", points=3)
    q1.self_check("USD 5 fee on USD 200, no margin", total_cost_pct(200, 5, 0.0), 2.5,
                  hint="A fee of 5 on 200 is 2.5% of the amount sent.")
    ### BEGIN HIDDEN TESTS
    q1.check("margin only", total_cost_pct(200, 0, 0.02), 2.0, tol=1e-6, weight=2)
    ### END HIDDEN TESTS
    q1.score()

``self_check`` lines are visible to learners: if any fails, ``score()`` raises an AssertionError
listing the hints, so the cell fails (and nbgrader gives 0). ``check`` lines carry partial credit:
``score()`` returns points x (weight passed / total weight), which nbgrader reads as the cell's
score. Values are compared as plain data (numbers, strings, lists, dicts, Series, DataFrames) after
an exact-type conversion, so an object that claims to equal everything does not pass.

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


@dataclass
class CheckResult:
    label: str
    passed: bool
    visible: bool
    weight: float
    hint: str = ""


def score_from_results(results: list[CheckResult], points: float) -> tuple[float, list[str]]:
    """Return (points earned, hints of failed self-checks) for a list of check results.

    Any failed self-check (visible) gives zero; otherwise points are shared by weight.
    """
    failed_visible = [r.hint or r.label for r in results if r.visible and not r.passed]
    if failed_visible or not results:
        return 0.0, failed_visible
    total = sum(r.weight for r in results)
    earned = sum(r.weight for r in results if r.passed)
    return round(points * earned / total, 6), []


class Score(float):
    """The points a test cell earned: text form is the number nbgrader reads as partial credit."""

    def __new__(cls, points: float, max_points: float) -> Score:
        obj = super().__new__(cls, points)
        obj.max_points = max_points
        return obj

    max_points: float

    def __repr__(self) -> str:
        return repr(float(self))

    def _repr_html_(self) -> str:
        return (f"<p><strong>Checks passed.</strong> Score for this exercise: {float(self):g} of "
                f"{self.max_points:g} points (hidden tests may change it when graded).</p>")


@dataclass
class Exercise:
    """The checks of one autograded exercise: see the module docstring for the cell pattern."""

    grade_id: str
    points: float
    results: list[CheckResult] = field(default_factory=list)

    def self_check(self, label: str, observed: Any, expected: Any, *, tol: float = 1e-9,
                   hint: str = "", weight: float = 1.0) -> bool:
        """Record a visible check; return whether ``observed`` matches ``expected``."""
        return self._record(label, observed, expected, tol, hint, weight, visible=True)

    def check(self, label: str, observed: Any, expected: Any, *, tol: float = 1e-9,
              hint: str = "", weight: float = 1.0) -> bool:
        """Record a graded (usually hidden) check carrying ``weight`` of the points."""
        return self._record(label, observed, expected, tol, hint, weight, visible=False)

    def _record(self, label: str, observed: Any, expected: Any, tol: float, hint: str,
                weight: float, visible: bool) -> bool:
        with warnings.catch_warnings():
            # nbgrader scores a test cell zero if anything reaches stderr.
            warnings.simplefilter("ignore")
            passed = matches(to_plain(observed), to_plain(expected), tol)
        self.results.append(CheckResult(label, passed, visible, weight, hint))
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
            lines = "\n".join(f"  - {hint}" for hint in failed)
            raise AssertionError(f"{len(failed)} self-check(s) failed for {self.grade_id}:\n"
                                 f"{lines}")
        return Score(earned, self.points)


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
