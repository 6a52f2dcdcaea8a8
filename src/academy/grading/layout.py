"""Where grading keeps its working state inside the course folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from academy.course_core import CourseLayout, course_layout


@dataclass(frozen=True)
class GradingLayout:
    """The course layout plus grading's own folders (results, reference runs, reports)."""

    course: CourseLayout

    @property
    def root(self) -> Path:
        return self.course.course / "grading"

    def module_dir(self, module: str) -> Path:
        return self.root / module

    def results(self, module: str) -> Path:
        return self.module_dir(module) / "results"

    def result_path(self, module: str, student: str) -> Path:
        return self.results(module) / f"{student}.json"

    def reference_path(self, module: str) -> Path:
        return self.module_dir(module) / "reference.json"

    def submission(self, module: str, student: str) -> Path:
        return self.course.submitted / student / module

    def autograded(self, module: str, student: str) -> Path:
        return self.course.autograded / student / module

    def feedback(self, module: str, student: str) -> Path:
        return self.course.feedback / student / module

    def report(self, module: str) -> Path:
        return self.module_dir(module) / "report.html"

    def students(self, module: str) -> list[str]:
        """Return the ids of learners with a submission folder for ``module``, sorted."""
        base = self.course.submitted
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir()
                      if (p / module).is_dir() and not p.name.startswith("."))


def grading_layout(root: Path, course: Path | str | None = None) -> GradingLayout:
    """Return the grading layout of repository ``root`` and course folder ``course``."""
    return GradingLayout(course_layout(root, course))
