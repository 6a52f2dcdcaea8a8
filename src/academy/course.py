"""The main job, as a visible pipeline: validate, execute, release, build the book."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from academy.curriculum import CurriculumError, load_curriculum
from academy.errors import AcademyError


class CourseError(AcademyError, RuntimeError):
    """One step of the course pipeline failed; the message names the step and the problem."""


@dataclass(frozen=True)
class CourseReport:
    book_index: Path
    release_dir: Path


def build_course(*, root: Path | None = None, course: Path | str | None = None,
                 echo: Callable[[str], None] = print) -> CourseReport:
    """Run every step of the course set-up and return where the book and the release are."""
    from academy.book import BookError, build_book
    from academy.course_core import course_layout
    from academy.data import DatasetError, validate_package
    from academy.execute import ExecutionError, execute_modules
    from academy.release import ReleaseError, release_all

    def step(name: str) -> float:
        echo(f"==> {name}")
        return time.perf_counter()

    try:
        start = step("Validate the curriculum and the data package")
        curriculum = load_curriculum(root)
        problems = validate_package(curriculum.root)
        if problems:
            raise CourseError("The data package is invalid:\n" + "\n".join(problems))
        echo(f"    {len(curriculum.modules)} modules ({time.perf_counter() - start:.1f} s)")

        start = step("Execute the source notebooks (cached when unchanged)")
        for result in execute_modules(
            curriculum, cache_file=curriculum.root / ".academy-cache" / "executed.json"
        ):
            state = "unchanged, not re-executed" if result.cached else f"{result.seconds:.1f} s"
            echo(f"    {result.notebook.relative_to(curriculum.root)}: {state}")

        start = step("Release the student versions (nbgrader)")
        folders = release_all(root=curriculum.root, course=course)
        echo(f"    {len(folders)} modules released ({time.perf_counter() - start:.1f} s)")

        start = step("Build the learner book (Jupyter Book, warnings as errors)")
        index = build_book(root=curriculum.root, course=course, edition="learner")
        echo(f"    built ({time.perf_counter() - start:.1f} s)")
    except (CurriculumError, DatasetError, ExecutionError, ReleaseError, BookError) as exc:
        raise CourseError(str(exc)) from None
    return CourseReport(book_index=index,
                        release_dir=course_layout(curriculum.root, course).release)
