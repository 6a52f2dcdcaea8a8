"""The course core: the course id, the course folder's layout and nbgrader's configuration.

Everything that needs to know where the course's working state lives, or how nbgrader is set up,
asks this module: the release, grading, hub, book and pack verbs, and the repository's own
``nbgrader_config.py`` (so plain ``nbgrader`` commands agree with ``academy`` commands). The
settings are written here once, as plain data (``nbgrader_settings``), and turned into a traitlets
``Config`` (``nbgrader_config``) or lines of an ``nbgrader_config.py`` (``nbgrader_config_lines``).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from academy.paths import course_dir as default_course_dir
from academy.paths import ensure_interpreter_bin_on_path

COURSE_ID = "global-classroom"
SOURCE_DIRECTORY = "modules"
# Files of a module folder that are not released to learners (nbgrader's CourseDirectory.ignore).
IGNORED_FILES = [".ipynb_checkpoints", "*.pyc", "__pycache__", "module.yml", "wrong_answers.yml",
                 "instructor.md", "facilitation.yml", "*.bak"]
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"

Settings = dict[str, dict[str, Any]]


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
    def solution(self) -> Path:
        return self.course / "solution"

    @property
    def gradebook(self) -> Path:
        return self.course / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook}"


def course_layout(root: Path, course: Path | str | None = None) -> CourseLayout:
    """Return the course layout for repository ``root`` and course folder ``course``."""
    return CourseLayout(root=root.resolve(), course=default_course_dir(root, course))


def nbgrader_settings(layout: CourseLayout, exchange: Path | None = None) -> Settings:
    """Return nbgrader's settings for ``layout`` as {section: {key: value}} (plain data).

    ``exchange`` sets nbgrader's exchange folder (release, submit, collect, feedback on a hub).
    """
    settings: Settings = {
        "CourseDirectory": {
            "root": str(layout.root),
            "course_id": COURSE_ID,
            "source_directory": SOURCE_DIRECTORY,
            "release_directory": str(layout.release),
            "submitted_directory": str(layout.submitted),
            "autograded_directory": str(layout.autograded),
            "feedback_directory": str(layout.feedback),
            "solution_directory": str(layout.solution),
            "db_url": layout.db_url,
            "ignore": list(IGNORED_FILES),
        },
        "ClearSolutions": {"code_stub": {"python": CODE_STUB}, "text_stub": TEXT_STUB},
        "Exchange": {},
    }
    if exchange is not None:
        settings["Exchange"]["root"] = str(exchange)
    return settings


def apply_settings(config: Any, settings: Settings) -> Any:
    """Copy ``settings`` into a traitlets config object (``c`` in an nbgrader_config.py)."""
    for section, values in settings.items():
        for key, value in values.items():
            setattr(config[section], key, value)
    return config


def nbgrader_config(layout: CourseLayout, exchange: Path | None = None) -> Any:
    """Return a traitlets Config with nbgrader's settings for ``layout`` (see nbgrader_settings)."""
    from traitlets.config import Config

    return apply_settings(Config(), nbgrader_settings(layout, exchange))


def nbgrader_config_lines(settings: Settings) -> list[str]:
    """Return ``settings`` as the assignment lines of an nbgrader_config.py (``c.X.y = ...``)."""
    return [f"c.{section}.{key} = {value!r}"
            for section, values in settings.items() for key, value in sorted(values.items())]


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


def outbound_folder(exchange: Path, module_id: str) -> Path:
    """Return where a released module waits in ``exchange`` for learners to fetch it."""
    return exchange / COURSE_ID / "outbound" / module_id
