"""Release: nbgrader's student versions of the modules, from the source notebooks in modules/."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from academy.curriculum import Curriculum, load_curriculum
from academy.paths import course_dir as default_course_dir
from academy.paths import ensure_interpreter_bin_on_path

IGNORED_FILES = [".ipynb_checkpoints", "*.pyc", "__pycache__", "module.yml", "wrong_answers.yml",
                 "instructor.md", "facilitation.yml", "*.bak"]


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


def nbgrader_config(layout: CourseLayout, exchange: Path | None = None) -> Any:
    """Return a traitlets Config equal to nbgrader_config.py, for ``layout``'s course folder.

    ``exchange`` sets nbgrader's exchange folder (release, submit, collect, feedback on a hub).
    """
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
    if exchange is not None:
        config.Exchange.root = str(exchange)
    return config


def nbgrader_api(layout: CourseLayout, exchange: Path | None = None) -> Any:
    """Return nbgrader's NbGraderAPI for ``layout`` (quiet logging), using ``exchange``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    ensure_interpreter_bin_on_path()
    config = nbgrader_config(layout, exchange)
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


def exchange_root(override: Path | str | None = None) -> Path:
    """Return nbgrader's exchange folder: ``override``, $ACADEMY_EXCHANGE, or nbgrader's setting.

    nbgrader's setting is Exchange.root from the nbgrader_config.py files on Jupyter's config
    path (e.g. /etc/jupyter/nbgrader_config.py, written by `academy hub init`).
    """
    chosen = override or os.environ.get("ACADEMY_EXCHANGE")
    if chosen:
        return Path(chosen).expanduser().resolve()
    from jupyter_core.paths import jupyter_config_path
    from nbgrader.apps.baseapp import NbGrader
    from nbgrader.exchange.default.exchange import Exchange

    app = NbGrader()
    app.config_file_paths.extend(jupyter_config_path())
    app.load_config_file()
    return Path(Exchange(config=app.config).root)


def release_to_exchange(module_id: str, *, root: Path | None = None,
                        course: Path | str | None = None, exchange: Path | str | None = None,
                        curriculum: Curriculum | None = None) -> Path:
    """Generate one module's student version and release it to nbgrader's exchange.

    Returns the module's folder in the exchange's outbound folder, from which learners fetch it.
    Releasing again replaces the earlier release. Raises ReleaseError with nbgrader's log.
    """
    curriculum = curriculum or load_curriculum(root)
    release_module(module_id, course=course, curriculum=curriculum)
    layout = course_layout(curriculum.root, course)
    folder = exchange_root(exchange)
    api = nbgrader_api(layout, folder)
    api.config.ExchangeReleaseAssignment.force = True  # releasing again replaces the release
    result = api.release_assignment(module_id)
    if not result.get("success"):
        raise ReleaseError(f"nbgrader could not release '{module_id}' to {folder}:\n"
                           f"{result.get('error')}\n{result.get('log', '')}")
    return folder / "global-classroom" / "outbound" / module_id


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
