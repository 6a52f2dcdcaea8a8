"""Release: nbgrader's student versions of the modules, from the source notebooks in modules/."""

from __future__ import annotations

from pathlib import Path

from academy.course_core import course_layout, exchange_root, nbgrader_api, outbound_folder
from academy.curriculum import Curriculum, load_curriculum
from academy.errors import AcademyError
from academy.gradebook import register_assignment


class ReleaseError(AcademyError, RuntimeError):
    """nbgrader could not generate a student version; the message carries nbgrader's log."""


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
    register_assignment(layout, module.id)
    result = api.generate_assignment(module.id, force=True, create=True)
    if not result.get("success"):
        raise ReleaseError(f"nbgrader could not release '{module.id}':\n{result.get('error')}\n"
                           f"{result.get('log', '')}")
    out = layout.release / module.id
    missing = [nb for nb in module.notebooks if not (out / f"{nb}.ipynb").is_file()]
    if missing:
        raise ReleaseError(f"release of '{module.id}' lacks notebooks {missing} in {out}")
    return out


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
    return outbound_folder(folder, module_id)


def release_all(*, root: Path | None = None, course: Path | str | None = None,
                modules: list[str] | None = None) -> list[Path]:
    """Generate the student versions of ``modules`` (default: all, in programme order)."""
    curriculum = load_curriculum(root)
    ids = modules or [m.id for m in curriculum.modules]
    return [release_module(i, course=course, curriculum=curriculum) for i in ids]
