"""Per-submission grading results: what each exercise scored and why, stored as JSON.

One file per learner and module (``<course>/grading/<module>/results/<student>.json``), written
atomically; it is the record a re-run trusts, and what feedback, reports and exports read.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from academy.errors import AcademyError
from academy.grading.layout import GradingLayout

GRADED, ERROR, TIMEOUT, DIED, NOT_RUN, MISSING, UNREADABLE = (
    "graded", "error", "timeout", "died", "not-run", "missing", "unreadable")


@dataclass
class CheckOutcome:
    """One check of an exercise; hidden checks are reported without their code."""

    label: str
    visible: bool
    passed: bool
    hint: str = ""
    reached: bool = True


@dataclass
class ExerciseResult:
    """The score of one autograded test cell and the reason when it is not full marks."""

    notebook: str
    grade_id: str
    points: float
    score: float
    status: str = GRADED
    reason: str = ""
    checks: list[CheckOutcome] = field(default_factory=list)


@dataclass
class ManualAnswer:
    """A manually graded answer (the reflection): its text and whether it was answered."""

    notebook: str
    grade_id: str
    points: float
    answered: bool
    text: str = ""


@dataclass
class SubmissionResult:
    """Everything autograding found out about one learner's submission of a module."""

    student: str
    module: str
    key: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    manual: list[ManualAnswer] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notebooks: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def needs_attention(self) -> list[str]:
        """Return the reasons an instructor should look at this submission."""
        reasons = list(self.problems)
        for name, status in self.notebooks.items():
            if status != GRADED:
                reasons.append(f"notebook {name}: {status}")
        for ex in self.exercises:
            if ex.status in (TIMEOUT, DIED, NOT_RUN):
                reasons.append(f"{ex.grade_id}: {ex.reason}")
        return reasons

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SubmissionResult:
        result = cls(**{k: v for k, v in data.items() if k not in ("exercises", "manual")})
        result.exercises = [ExerciseResult(**{**e, "checks": [CheckOutcome(**c)
                                                               for c in e["checks"]]})
                            for e in data.get("exercises", [])]
        result.manual = [ManualAnswer(**m) for m in data.get("manual", [])]
        return result


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` so that readers see the old file or the new, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_result(layout: GradingLayout, result: SubmissionResult) -> Path:
    """Store ``result`` atomically; return its path."""
    path = layout.result_path(result.module, result.student)
    write_json_atomic(path, result.to_json())
    return path


def load_result(layout: GradingLayout, module: str, student: str) -> SubmissionResult | None:
    """Return the stored result of one submission, or None if there is none (or it is broken)."""
    path = layout.result_path(module, student)
    try:
        return SubmissionResult.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError):
        return None


class NoResultsError(AcademyError):
    """A command needs graded submissions of a module and there are none."""


def graded_results(layout: GradingLayout, module: str) -> list[SubmissionResult]:
    """Return the stored results of a module; raise NoResultsError if there are none."""
    results = load_results(layout, module)
    if not results:
        raise NoResultsError(f"No graded submissions of '{module}' in {layout.course.course}; "
                             f"run `academy collect {module} FOLDER` and `academy grade {module}` "
                             "first.")
    return results


def load_results(layout: GradingLayout, module: str) -> list[SubmissionResult]:
    """Return the stored results of a module, by student id."""
    folder = layout.results(module)
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        result = load_result(layout, module, path.stem)
        if result is not None:
            out.append(result)
    return out
