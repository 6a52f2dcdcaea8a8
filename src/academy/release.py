"""Release: nbgrader's student versions of the modules, from the source notebooks in modules/."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from academy.curriculum import Curriculum, load_curriculum
from academy.paths import course_dir as default_course_dir
from academy.paths import ensure_interpreter_bin_on_path

IGNORED_FILES = [".ipynb_checkpoints", "*.pyc", "__pycache__", "module.yml", "wrong_answers.yml",
                 "instructor.md", "*.bak"]


class ReleaseError(RuntimeError):
    """nbgrader could not generate a student version; the message carries nbgrader's log."""


@dataclass(frozen=True)
class CourseLayout:
    """Where the course's working state lives (generated, git-ignored)."""

    root: Path
    course: Path

    @property
    def release(self) -> Path:
        return self.course / "release"

    @property
    def submitted(self) -> Path:
        return self.course / "submitted"

    @property
    def autograded(self) -> Path:
        return self.course / "autograded"

    @property
    def feedback(self) -> Path:
        return self.course / "feedback"

    @property
    def gradebook(self) -> Path:
        return self.course / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook}"


def course_layout(root: Path, course: Path | str | None = None) -> CourseLayout:
    """Return the course layout for repository ``root`` and course folder ``course``."""
    return CourseLayout(root=root.resolve(), course=default_course_dir(root, course))


def nbgrader_config(layout: CourseLayout) -> Any:
    """Return a traitlets Config equal to nbgrader_config.py, for ``layout``'s course folder."""
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(layout.root)
    config.CourseDirectory.course_id = "global-classroom"
    config.CourseDirectory.source_directory = "modules"
    config.CourseDirectory.release_directory = str(layout.release)
    config.CourseDirectory.submitted_directory = str(layout.submitted)
    config.CourseDirectory.autograded_directory = str(layout.autograded)
    config.CourseDirectory.feedback_directory = str(layout.feedback)
    config.CourseDirectory.solution_directory = str(layout.course / "solution")
    config.CourseDirectory.db_url = layout.db_url
    config.CourseDirectory.ignore = IGNORED_FILES
    config.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    config.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    config.Exchange.course_id = "global-classroom"
    return config


def nbgrader_api(layout: CourseLayout) -> Any:
    """Return nbgrader's NbGraderAPI for ``layout`` (quiet logging)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    ensure_interpreter_bin_on_path()
    config = nbgrader_config(layout)
    layout.course.mkdir(parents=True, exist_ok=True)
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    api.log.setLevel(logging.WARNING)
    return api


def release_module(module_id: str, *, root: Path | None = None,
                   course: Path | str | None = None,
                   curriculum: Curriculum | None = None) -> Path:
    """Generate the student version of one module; return its release folder.

    Raises ReleaseError with nbgrader's log when generation fails.
    """
    curriculum = curriculum or load_curriculum(root)
    module = curriculum.module(module_id)
    layout = course_layout(curriculum.root, course)
    api = nbgrader_api(layout)
    _register_assignment(api, module.id)
    result = api.generate_assignment(module.id, force=True, create=True)
    if not result.get("success"):
        raise ReleaseError(f"nbgrader could not release '{module.id}':\n{result.get('error')}\n"
                           f"{result.get('log', '')}")
    out = layout.release / module.id
    missing = [nb for nb in module.notebooks if not (out / f"{nb}.ipynb").is_file()]
    if missing:
        raise ReleaseError(f"release of '{module.id}' lacks notebooks {missing} in {out}")
    return out


def _register_assignment(api: Any, module_id: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url) as gradebook:
        gradebook.update_or_create_assignment(module_id)


def release_all(*, root: Path | None = None, course: Path | str | None = None,
                modules: list[str] | None = None) -> list[Path]:
    """Generate the student versions of ``modules`` (default: all, in programme order)."""
    curriculum = load_curriculum(root)
    ids = modules or [m.id for m in curriculum.modules]
    return [release_module(i, course=course, curriculum=curriculum) for i in ids]
