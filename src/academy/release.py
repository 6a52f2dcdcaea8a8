"""Release: nbgrader's student versions of the modules, from the source notebooks in modules/."""

from __future__ import annotations

from pathlib import Path

from academy.course_core import course_layout, exchange_root, nbgrader_api, outbound_folder
from academy.curriculum import Curriculum, load_curriculum
from academy.errors import AcademyError
from academy.gradebook import register_assignment
from academy.i18n import (
    MODULES_DOMAIN,
    SOURCE_LANGUAGE,
    catalogue_path,
    check_language,
    language_release_dir,
    translate_notebook,
    translations,
)
from academy.notebook_language import LANGUAGE_FILE


class ReleaseError(AcademyError, RuntimeError):
    """nbgrader could not generate a student version; the message carries nbgrader's log."""


def release_module(module_id: str, *, root: Path | None = None,
                   course: Path | str | None = None,
                   curriculum: Curriculum | None = None, language: str = "en") -> Path:
    """Generate the student version of one module; return its release folder.

    With a ``language`` other than English, the student version is then translated from the
    module's catalogue into ``release-<language>/<module>/`` (see ``translate_release``).
    Raises ReleaseError with nbgrader's log when generation fails.
    """
    check_language(language)
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
    if language != SOURCE_LANGUAGE:
        return translate_release(curriculum, module.id, out, language_release_dir(
            layout.release, language) / module.id, language)
    return out


def translate_release(curriculum: Curriculum, module_id: str, english: Path, out: Path,
                      language: str) -> Path:
    """Copy the English release folder of a module to ``out`` with its notebooks translated from
    ``locales/<language>/LC_MESSAGES/modules/<module>.po`` (untranslated text stays English).

    Only Markdown text changes: cells, grade ids, points and the graded cells' checksums are
    those of the English release, so the same gradebook grades every language.
    """
    import shutil

    import nbformat

    module = curriculum.module(module_id)
    catalogue = translations(catalogue_path(curriculum.root, language, MODULES_DOMAIN,
                                            module.id))
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(english, out)
    for name in module.notebooks:
        path = out / f"{name}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        nbformat.write(translate_notebook(notebook, catalogue, language), path)
    # the self-checks read it to show their labels and hints in this language
    (out / LANGUAGE_FILE).write_text(f"{language}\n", encoding="utf-8")
    return out


def release_to_exchange(module_id: str, *, root: Path | None = None,
                        course: Path | str | None = None, exchange: Path | str | None = None,
                        curriculum: Curriculum | None = None, language: str = "en") -> Path:
    """Generate one module's student version (in ``language``) and release it to nbgrader's
    exchange.

    Returns the module's folder in the exchange's outbound folder, from which learners fetch it.
    A class fetches one language: releasing again (in any language) replaces the earlier
    release; every language is graded by the same gradebook. Raises ReleaseError with
    nbgrader's log.
    """
    curriculum = curriculum or load_curriculum(root)
    released = release_module(module_id, course=course, curriculum=curriculum,
                              language=language)
    layout = course_layout(curriculum.root, course)
    folder = exchange_root(exchange)
    api = nbgrader_api(layout, folder)
    api.config.ExchangeReleaseAssignment.force = True  # releasing again replaces the release
    # nbgrader releases <course>/<release_directory>/<module>: the translated folder if any
    api.coursedir.release_directory = str(released.parent)
    result = api.release_assignment(module_id)
    if not result.get("success"):
        raise ReleaseError(f"nbgrader could not release '{module_id}' to {folder}:\n"
                           f"{result.get('error')}\n{result.get('log', '')}")
    return outbound_folder(folder, module_id)


def release_all(*, root: Path | None = None, course: Path | str | None = None,
                modules: list[str] | None = None, language: str = "en") -> list[Path]:
    """Generate the student versions of ``modules`` (default: all, in programme order), in
    ``language`` (see ``release_module``)."""
    curriculum = load_curriculum(root)
    ids = modules or [m.id for m in curriculum.modules]
    return [release_module(i, course=course, curriculum=curriculum, language=language)
            for i in ids]
