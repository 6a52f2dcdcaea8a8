"""The Jupyter Book: pages generated from the curriculum, module chapters from the notebooks.

Two editions are built from the same sources. The learner edition (the default) shows the
released student notebooks; the instructor edition shows the source notebooks with their
reference solutions (hidden tests stripped), each module's rubric and teaching notes. Both are
written under ``book/_build/<edition>/``.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from academy.curriculum import Curriculum, Module, load_curriculum
from academy.errors import AcademyError
from academy.i18n import (
    BOOK_DOMAIN,
    MODULES_DOMAIN,
    SOURCE_LANGUAGE,
    UI_DOMAIN,
    catalogue_path,
    check_language,
    locales_dir,
    translate_notebook,
    translations,
)
from academy.launch import LaunchSettings, launch_links, launch_settings, theme_config
from academy.pages import (
    HEATMAP_FILE,
    bib_titles,
    curriculum_map_markdown,
    further_reading_bib,
    heatmap_png,
    schedule_markdown,
    syllabus_markdown,
)

__all__ = ["EDITIONS", "BookError", "build_book", "curriculum_map_markdown",
           "generate_book_sources", "instructor_page", "module_page",
           "schedule_markdown", "syllabus_markdown", "toc"]

EDITIONS = ("learner", "instructor")
HAND_WRITTEN_SUFFIXES = (".md", ".bib", ".png", ".svg", ".css", ".js")
# The parts of the book a hand-written page (book/*.md) can join, by its front matter:
#   ---
#   part: start        (start | instructors | reference)
#   order: 2           (optional: position within the part, then the file name)
#   ---
PARTS = {"start": "Start here", "instructors": "For instructors", "reference": "Reference"}
ROOT_PAGE = "intro"
HAND_WRITTEN_BIB = "references.bib"
GENERATED_BIB = "further-reading.bib"
LOCALE_DIR = "_locales"  # in the generated sources: the language's book catalogues


class BookError(AcademyError, RuntimeError):
    """The book could not be generated or built; the message carries the builder's errors."""


def page_parts(book_dir: Path) -> dict[str, list[str]]:
    """Return the hand-written pages of ``book_dir`` by part, in order, read from each page's
    front matter; a page that names no part (or an unknown one) is an error naming the file."""
    import yaml

    found: dict[str, list[tuple[int, str]]] = {part: [] for part in PARTS}
    problems = []
    for page in sorted(book_dir.glob("*.md")):
        if page.stem == ROOT_PAGE:
            continue
        text = page.read_text(encoding="utf-8")
        meta: Any = {}
        if text.startswith("---\n") and "\n---" in text[4:]:
            try:
                meta = yaml.safe_load(text[4:text.index("\n---", 4)]) or {}
            except yaml.YAMLError as exc:
                problems.append(f"{page}: front matter is not valid YAML ({exc})")
                continue
        part = meta.get("part") if isinstance(meta, dict) else None
        if part not in PARTS:
            problems.append(f"{page}: say which part of the book it belongs to, with front matter "
                            f"'part: {' | '.join(PARTS)}' (found: {part!r})")
            continue
        found[part].append((int(meta.get("order", 100)), page.stem))
    if problems:
        raise BookError("\n".join(problems))
    return {part: [name for _, name in sorted(pages)] for part, pages in found.items()}


def _chapters(names: list[str]) -> list[dict[str, str]]:
    return [{"file": name} for name in names]


def toc(curriculum: Curriculum, book_dir: Path | None = None,
        edition: str = "learner") -> dict[str, Any]:
    """Return the Jupyter Book table of contents: guides, programme, modules, reference.

    The instructor edition also has the facilitator's pages (session plans, role cards, ...).
    """
    from academy.facilitation_pages import facilitation_toc_parts

    book_dir = curriculum.root / "book" if book_dir is None else book_dir
    pages = page_parts(book_dir)
    parts = [
        {"caption": PARTS["start"], "chapters": _chapters(pages["start"])},
        {"caption": "The programme",
         "chapters": [{"file": "syllabus"}, {"file": "schedule"}, {"file": "curriculum-map"}]},
        {"caption": "Modules",
         "chapters": [{"file": f"modules/{m.id}"} for m in curriculum.modules]},
        {"caption": PARTS["instructors"], "chapters": _chapters(pages["instructors"])},
        {"caption": PARTS["reference"], "chapters": _chapters(pages["reference"])},
    ]
    if edition == "instructor":
        parts[-1:-1] = facilitation_toc_parts(curriculum)
    return {"format": "jb-book", "root": "intro", "parts": [p for p in parts if p["chapters"]]}


# The book's own interface strings (the generated parts of module chapters, the theme settings
# that _config.yml gives in English); translated from locales/<lang>/LC_MESSAGES/ui/book.po.
UI_MESSAGES = (
    "Search this book...",
    "Work on this module",
    "Download the learner notebook",
    "open it in JupyterLab together with the course toolkit and data (see the "
    "[learner guide](../learner-guide.md)), or take it from your class's offline course pack.",
    "Launch it online:",
    "Check your answers with the self-check cells, then press **Validate** before you submit.",
    "References",
    "Further reading for this module:",
    "Full entries are in the [bibliography](../bibliography.md).",
)
UI_CATALOGUE = "book"


def ui_translator(root: Path, language: str) -> Callable[[str], str]:
    """Return a function that translates the book's interface strings (English fallback)."""
    done = {} if language == SOURCE_LANGUAGE else translations(
        catalogue_path(root, language, UI_DOMAIN, UI_CATALOGUE))
    return lambda text: done.get(text, text)


def _same(text: str) -> str:
    return text


def _ways_in_markdown(module: Module, settings: LaunchSettings,
                      t: Callable[[str], str] = _same) -> str:
    """Return the 'work on this module' box: notebook download and launch links."""
    downloads = [f"{{download}}`{t('Download the learner notebook')} {nb}.ipynb "
                 f"<../downloads/{module.id}/{nb}.ipynb>`" for nb in module.notebooks]
    lines = [f":::{{admonition}} {t('Work on this module')}", ":class: tip", "",
             f"- {' · '.join(downloads)}: " + t(
                 "open it in JupyterLab together with the course toolkit and data (see the "
                 "[learner guide](../learner-guide.md)), or take it from your class's offline "
                 "course pack.")]
    links = launch_links(settings, f"modules/{module.id}/{module.notebooks[0]}.ipynb")
    if links:
        lines.append(f"- {t('Launch it online:')} " + " · ".join(
            f"[{service}]({url})" for service, url in links) + ".")
    lines += ["- " + t("Check your answers with the self-check cells, then press **Validate** "
                       "before you submit."), ":::"]
    return "\n".join(lines)


def _references_markdown(keys: list[str], t: Callable[[str], str] = _same) -> str:
    return (f"## {t('References')}\n\n{t('Further reading for this module:')} "
            + "; ".join(f"{{cite:t}}`{k}`" for k in keys)
            + ". " + t("Full entries are in the [bibliography](../bibliography.md)."))


def _finish_chapter(notebook: Any, module: Module, settings: LaunchSettings,
                    extra_markdown: list[str], data_version: str,
                    reference_keys: list[str], t: Callable[[str], str] = _same) -> Any:
    """Add the ways-in box (and ``extra_markdown``) after the title, references at the end."""
    import nbformat

    cells = [nbformat.v4.new_markdown_cell(_ways_in_markdown(module, settings, t))]
    cells += [nbformat.v4.new_markdown_cell(text) for text in extra_markdown]
    notebook.cells[1:1] = cells
    if reference_keys:
        notebook.cells.append(nbformat.v4.new_markdown_cell(
            _references_markdown(reference_keys, t)))
    # The execution cache keys on code; this hidden cell ties it to the data and toolkit too.
    version = nbformat.v4.new_code_cell(f"# data and toolkit version {data_version}")
    version.metadata["tags"] = ["remove-cell"]
    notebook.cells.insert(0, version)
    if notebook.nbformat_minor < 5:  # cell ids exist from nbformat 4.5 on
        for cell in notebook.cells:
            cell.pop("id", None)
    return notebook


def module_page(module: Module, release_notebook: Path, data_version: str,
                settings: LaunchSettings | None = None,
                reference_keys: list[str] | None = None,
                t: Callable[[str], str] = _same) -> Any:
    """Return the learner chapter of a module: its released notebook, tagged for the book.

    Answer and test cells keep their (empty) code but not their outputs, which are the errors of
    unanswered exercises; interactive controls are not run (the static figure above them shows
    their default).
    """
    import nbformat

    notebook = nbformat.read(release_notebook, as_version=4)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("grade")):
            tags |= {"raises-exception", "remove-output"}
        if "interactive" in tags:
            tags |= {"skip-execution"}
        if cell.cell_type == "markdown" and meta.get("solution"):
            cell.source = "*Your answer goes here when you work in the notebook.*"
        if tags:
            cell.metadata["tags"] = sorted(tags)
        cell.metadata.pop("nbgrader", None)
    return _finish_chapter(notebook, module, settings or LaunchSettings(), [], data_version,
                           reference_keys or [], t)


def instructor_notes_markdown(module: Module) -> str:
    """Return the instructor box of a chapter: teaching notes, activities, points and rubric."""
    from academy.facilitation_pages import facilitation_links_markdown
    from academy.notebook import rubric_markdown
    from academy.pages import ACTIVITY_LABELS

    lines = [":::{admonition} Instructor notes", ":class: important", "",
             f"**Time**: {module.teaching_minutes} min guided, {module.exercise_minutes} min "
             f"exercises. **Points**: {module.autograded_points:g} autograded + "
             f"{module.manual_points:g} for the reflection (`{module.rubric.grade_id}`).", "",
             facilitation_links_markdown(module), "",
             "**Teaching notes**", "", module.teaching_notes.strip() or "—", "",
             "**Blended learning**", ""]
    lines += [f"- *{ACTIVITY_LABELS[k]}*: {v.strip()}" for k, v in module.activities.items()]
    lines += ["", f"**Reflection prompt**: {module.rubric.prompt.strip()}", "",
              rubric_markdown(module), "",
              "This edition shows the reference solutions, executed; the hidden tests that "
              "nbgrader runs when grading are not shown (they stay in `modules/` and are run by "
              "`academy grade`).", ":::"]
    return "\n".join(lines)


def instructor_page(module: Module, data_version: str, settings: LaunchSettings | None = None,
                    reference_keys: list[str] | None = None,
                    t: Callable[[str], str] = _same) -> Any:
    """Return the instructor chapter: the source notebook with solutions, without hidden tests."""
    import nbformat
    from nbgrader.preprocessors import ClearHiddenTests

    notebook = nbformat.read(module.notebook_path(), as_version=4)
    notebook, _ = ClearHiddenTests().preprocess(notebook, {})
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        tags = set(cell.metadata.get("tags", []))
        if "interactive" in tags:
            tags |= {"skip-execution"}
        if cell.cell_type == "markdown" and meta.get("solution") and meta.get("grade"):
            cell.source = ("*Learners write their reflection here; grade it against the rubric "
                           "in the instructor notes above (`academy rubric`).*")
        if tags:
            cell.metadata["tags"] = sorted(tags)
        cell.metadata.pop("nbgrader", None)
    return _finish_chapter(notebook, module, settings or LaunchSettings(),
                           [instructor_notes_markdown(module)], data_version,
                           reference_keys or [], t)


def _data_version(curriculum: Curriculum) -> str:
    digest = hashlib.sha256()
    paths = [*(curriculum.root / "datasets").glob("*"),
             *(curriculum.root / "src" / "academy").rglob("*.py")]
    for path in sorted(paths):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _write_if_changed(path: Path, content: bytes) -> None:
    """Write only when the content differs, so the builder sees unchanged pages as unchanged."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != content:
        path.write_bytes(content)


def _read_config(book_dir: Path) -> dict[str, Any]:
    config = yaml.safe_load((book_dir / "_config.yml").read_text(encoding="utf-8")) or {}
    if not isinstance(config, dict):
        raise BookError(f"{book_dir / '_config.yml'}: expected a mapping")
    return config


def copy_hand_written_pages(book_dir: Path, out: Path) -> None:
    """Copy the hand-written pages, bibliography, images and _static/ of book/ into the sources."""
    for page in book_dir.rglob("*"):
        relative = page.relative_to(book_dir)
        generated = relative.parts[0].startswith("_") and relative.parts[0] != "_static"
        if generated or not page.is_file():
            continue
        if page.suffix in HAND_WRITTEN_SUFFIXES:
            _write_if_changed(out / relative, page.read_bytes())


def write_book_config(config: dict[str, Any], out: Path, language: str = SOURCE_LANGUAGE,
                      gettext: bool = False, root: Path | None = None) -> None:
    """Write the builder's _config.yml: launch keys removed, no CDN or live-code scripts.

    Another ``language`` sets Sphinx's ``language`` (``<html lang>``, the theme's own strings)
    and its catalogues (``_locales/``, see ``copy_catalogues``). ``gettext`` is for extracting
    messages: notebooks are not executed, and the catalogues carry no line numbers.
    """
    from jupyter_book.config import get_default_sphinx_config

    built = theme_config(config)
    sphinx = dict(built.get("sphinx") or {})
    sphinx_config = dict(sphinx.get("config") or {})
    # Widgets are not run in the book (their static figure is shown), so no CDN script is needed.
    sphinx_config.setdefault("nb_ipywidgets_js", {})
    # Live code (thebe) needs a CDN and a Binder; its script also declares a constant twice,
    # an error in every page's console. The book links to Binder instead.
    extensions = get_default_sphinx_config()["extensions"]
    sphinx_config["extensions"] = [e for e in extensions if e != "sphinx_thebe"]
    if built.get("bibtex_bibfiles"):  # jupyter-book adds it to the list replaced here
        sphinx_config["extensions"].append("sphinxcontrib.bibtex")
    sphinx_config["extensions"].append("academy.book_html")
    # Formulas as MathML, rendered by the browser: no MathJax from a CDN, readable offline.
    sphinx_config.setdefault("html_math_renderer", "mathml")
    if language != SOURCE_LANGUAGE:
        sphinx_config["language"] = language
        sphinx_config["locale_dirs"] = [LOCALE_DIR]
        from academy.paths import project_root

        t = ui_translator(root or project_root(), language)
        sphinx_config["html_theme_options"] = {
            **(sphinx_config.get("html_theme_options") or {}),
            "search_bar_text": t("Search this book...")}
        if built.get("title"):
            built["title"] = t(str(built["title"]))
    if gettext:
        built["execute"] = {**(built.get("execute") or {}), "execute_notebooks": "off"}
        sphinx_config["gettext_location"] = False
        sphinx_config["gettext_uuid"] = False
    sphinx["recursive_update"] = True
    sphinx["config"] = sphinx_config
    built["sphinx"] = sphinx
    _write_if_changed(out / "_config.yml",
                      yaml.safe_dump(built, sort_keys=False, allow_unicode=True).encode())


def write_generated_pages(curriculum: Curriculum, out: Path, edition: str = "learner") -> None:
    """Write the table of contents, syllabus, schedule, curriculum map and its heatmap, and in
    the instructor edition the facilitator's pages (the learner edition's sources have none)."""
    import shutil

    from academy.facilitation import FacilitationError
    from academy.facilitation_pages import FACILITATION_DIR, write_facilitation_pages

    book_dir = curriculum.root / "book"
    _write_if_changed(out / "_toc.yml", yaml.safe_dump(toc(curriculum, book_dir, edition),
                                                       sort_keys=False).encode())
    if edition == "instructor":
        try:
            write_facilitation_pages(curriculum, out, _write_if_changed)
        except (FacilitationError, KeyError) as exc:
            raise BookError(f"The facilitator's pages could not be generated:\n{exc}") from None
    else:
        shutil.rmtree(out / FACILITATION_DIR, ignore_errors=True)
    _write_if_changed(out / "syllabus.md", syllabus_markdown(curriculum).encode())
    _write_if_changed(out / "schedule.md", schedule_markdown(curriculum).encode())
    _write_if_changed(out / "curriculum-map.md", curriculum_map_markdown(curriculum).encode())
    _write_if_changed(out / HEATMAP_FILE, heatmap_png(curriculum))


def write_bibliography(curriculum: Curriculum, out: Path) -> dict[str, list[str]]:
    """Write the modules' further reading as BibTeX; return each module's citation keys."""
    hand_written = curriculum.root / "book" / HAND_WRITTEN_BIB
    known = bib_titles(hand_written.read_text(encoding="utf-8")) if hand_written.is_file() else {}
    bibtex, keys = further_reading_bib(curriculum.modules, known)
    _write_if_changed(out / GENERATED_BIB, (bibtex or "% no further reading\n").encode())
    return keys


def copy_learner_notebooks(curriculum: Curriculum, release_dir: Path, out: Path,
                           language: str = SOURCE_LANGUAGE) -> None:
    """Copy every released (student) notebook into downloads/<module>/ for the download links."""
    option = "" if language == SOURCE_LANGUAGE else f" --language {language}"
    for module in curriculum.modules:
        for name in module.notebooks:
            released = release_dir / module.id / f"{name}.ipynb"
            if not released.is_file():
                raise BookError(f"{released}: no student version; run "
                                f"`academy release{option} {module.id}`")
            _write_if_changed(out / "downloads" / module.id / f"{name}.ipynb",
                              released.read_bytes())


def write_module_chapters(curriculum: Curriculum, release_dir: Path, out: Path, edition: str,
                          settings: LaunchSettings, keys: dict[str, list[str]],
                          language: str = SOURCE_LANGUAGE) -> None:
    """Write one chapter per module: the learner or the instructor version (the learner
    version comes translated from its release; the instructor's is translated here)."""
    import nbformat

    version = _data_version(curriculum)
    if language != SOURCE_LANGUAGE:  # executed outputs show the catalogues' text: tie them
        digest = hashlib.sha256()
        for po in sorted((locales_dir(curriculum.root) / language).rglob("*.po")):
            digest.update(po.read_bytes())
        version = f"{version}-{language}-{digest.hexdigest()[:12]}"
    t = ui_translator(curriculum.root, language)
    for module in curriculum.modules:
        if edition == "instructor":
            page = instructor_page(module, version, settings, keys.get(module.id), t)
            if language != SOURCE_LANGUAGE:
                page = translate_notebook(page, translations(catalogue_path(
                    curriculum.root, language, MODULES_DOMAIN, module.id)), language)
        else:
            released = release_dir / module.id / f"{module.notebooks[0]}.ipynb"
            page = module_page(module, released, version, settings, keys.get(module.id), t)
        _write_if_changed(out / "modules" / f"{module.id}.ipynb", nbformat.writes(page).encode())


def generate_book_sources(curriculum: Curriculum, release_dir: Path, out: Path,
                          edition: str = "learner", language: str = SOURCE_LANGUAGE,
                          gettext: bool = False) -> Path:
    """Write the book's sources for ``edition`` in ``language`` into ``out``; return ``out``.

    ``release_dir`` holds the student versions in that language (``academy release
    --language``); the pages are translated by Sphinx from the copied catalogues.
    """
    if edition not in EDITIONS:
        raise BookError(f"Unknown edition '{edition}' (choose from {', '.join(EDITIONS)})")
    check_language(language)
    book_dir = curriculum.root / "book"
    config = _read_config(book_dir)
    out.mkdir(parents=True, exist_ok=True)
    copy_hand_written_pages(book_dir, out)
    write_book_config(config, out, language, gettext, curriculum.root)
    copy_catalogues(curriculum.root, out, language)
    write_generated_pages(curriculum, out, edition)
    keys = write_bibliography(curriculum, out)
    copy_learner_notebooks(curriculum, release_dir, out, language)
    write_module_chapters(curriculum, release_dir, out, edition, launch_settings(config), keys,
                          language)
    return out


def copy_catalogues(root: Path, out: Path, language: str) -> None:
    """Copy the book's .po files of ``language`` to where Sphinx reads them (``_locales/``);
    Sphinx compiles them. English has none."""
    import shutil

    target = out / LOCALE_DIR
    shutil.rmtree(target, ignore_errors=True)
    if language == SOURCE_LANGUAGE:
        return
    source = locales_dir(root) / language / "LC_MESSAGES" / BOOK_DOMAIN
    for po in sorted(source.glob("*.po")):
        _write_if_changed(target / language / "LC_MESSAGES" / po.name, po.read_bytes())


def build_dir(root: Path, edition: str, language: str = SOURCE_LANGUAGE) -> Path:
    """Return where an edition is built: book/_build/<edition>, or <edition>-<language>."""
    name = edition if language == SOURCE_LANGUAGE else f"{edition}-{language}"
    return root / "book" / "_build" / name


def build_book(*, root: Path | None = None, course: Path | str | None = None,
               edition: str = "learner", language: str = SOURCE_LANGUAGE) -> Path:
    """Generate and build the book (warnings as errors); return the path of its index.html.

    Another ``language`` builds that language's site (``book/_build/<edition>-<language>/``)
    from its catalogues and its student versions (``academy release --language``).
    """
    from filelock import FileLock

    from academy.course_core import course_layout
    from academy.i18n import language_release_dir

    check_language(language)
    curriculum = load_curriculum(root)
    layout = course_layout(curriculum.root, course)
    build_root = build_dir(curriculum.root, edition, language)
    build_root.mkdir(parents=True, exist_ok=True)
    # Sphinx cannot share an output folder: a second build of the same edition (another
    # terminal, another test worker) waits for the first instead of corrupting it.
    with FileLock(build_root / ".build.lock"):
        return _build_locked(curriculum, language_release_dir(layout.release, language),
                             build_root, edition, language)


def _build_locked(curriculum: Curriculum, release: Path, build_root: Path, edition: str,
                  language: str = SOURCE_LANGUAGE) -> Path:
    from academy.paths import ensure_interpreter_bin_on_path

    toc_file = build_root / "src" / "_toc.yml"
    toc_before = toc_file.read_bytes() if toc_file.is_file() else b""
    sources = generate_book_sources(curriculum, release, build_root / "src", edition, language)
    ensure_interpreter_bin_on_path()
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(sources),
               "--warningiserror", "--nitpick", "--keep-going", "--quiet",
               "--path-output", str(build_root)]
    if toc_file.read_bytes() != toc_before:
        # Sphinx rewrites only changed pages, so every other page would keep the old
        # navigation; executed notebooks still come from the execution cache.
        command.append("--all")
    # the notebooks run in the book's language: their self-checks and headers speak it
    env = None if language == SOURCE_LANGUAGE else {**os.environ, "ACADEMY_LANGUAGE": language}
    result = subprocess.run(command, capture_output=True, text=True, cwd=curriculum.root,
                            env=env)
    index = build_root / "_build" / "html" / "index.html"
    if result.returncode != 0 or not index.is_file():
        edition_name = edition if language == SOURCE_LANGUAGE else f"{edition} ({language})"
        raise BookError(f"The {edition_name} book did not build:\n{result.stdout[-6000:]}\n"
                        f"{result.stderr[-6000:]}")
    return index



def extract_ui_template(*, root: Path | None = None) -> Path:
    """Write ``locales/templates/ui/book.pot``: the book's title and its interface strings."""
    from babel.messages.catalog import Catalog

    from academy.i18n import template_path, write_catalog

    curriculum_root = load_curriculum(root).root
    title = str(_read_config(curriculum_root / "book").get("title") or "")
    catalog = Catalog(project="Global Classroom: book interface", charset="utf-8", fuzzy=False)
    for message in [title, *UI_MESSAGES] if title else UI_MESSAGES:
        catalog.add(message, locations=[("book/_config.yml" if message == title
                                          else "src/academy/book.py", 0)])
    path = template_path(curriculum_root, UI_DOMAIN, UI_CATALOGUE)
    write_catalog(catalog, path)
    return path


def extract_notebook_ui_template(*, root: Path | None = None) -> Path:
    """Write ``locales/templates/ui/notebook.pot``: the fixed sentences of the notebooks' display
    helpers, the GCM objectives' and SDG targets' titles they show (a GCM title is
    translated only with its official title, from locales/glossary.yml when verified) and the
    explorers' titles, labels, alt texts and control labels (marked ``_()`` in their code)."""
    from babel.messages.catalog import Catalog

    from academy.i18n import explorer_messages, template_path, write_catalog
    from academy.notebook import NOTEBOOK_MESSAGES

    curriculum = load_curriculum(root)
    catalog = Catalog(project="Global Classroom: notebook interface", charset="utf-8",
                      fuzzy=False)
    for message in NOTEBOOK_MESSAGES:
        catalog.add(message, locations=[("src/academy/notebook.py", 0)])
    for number, title in curriculum.gcm_objectives.items():
        catalog.add(title, locations=[(f"curriculum/gcm_objectives.yml#{number}", 0)])
    for target, title in curriculum.sdg_targets.items():
        if catalog.get(title) is None:
            catalog.add(title, locations=[(f"curriculum/sdg_targets.yml#{target}", 0)])
    for where, marked, comments in explorer_messages():
        existing = catalog.get(marked)
        if existing is None:
            catalog.add(marked, locations=[(where, 0)], auto_comments=comments)
            continue
        if (where, 0) not in existing.locations:
            existing.locations.append((where, 0))
        existing.auto_comments += [c for c in comments if c not in existing.auto_comments]
    path = template_path(curriculum.root, UI_DOMAIN, "notebook")
    write_catalog(catalog, path)
    return path


# Pages whose text is not translated from the book's catalogues: the module chapters come
# translated from the notebooks' catalogues, and the facilitator's pages are instructors' only.
NOT_EXTRACTED = ("modules", "facilitation")


def extract_book_templates(*, root: Path | None = None, course: Path | str | None = None) -> list[
        Path]:
    """Extract the book's messages with Sphinx's gettext builder into
    ``locales/templates/book/<page>.pot`` (one per page; notebooks are not executed); return the
    templates written. Needs the English release (for the module chapters' sources)."""
    import shutil

    from academy.course_core import course_layout
    from academy.i18n import templates_dir
    from academy.paths import ensure_interpreter_bin_on_path

    curriculum = load_curriculum(root)
    layout = course_layout(curriculum.root, course)
    build_root = curriculum.root / "book" / "_build" / "gettext"
    sources = generate_book_sources(curriculum, layout.release, build_root / "src", "learner",
                                    gettext=True)
    ensure_interpreter_bin_on_path()
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(sources),
               "--builder", "custom", "--custom-builder", "gettext", "--all", "--quiet",
               "--path-output", str(build_root)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=curriculum.root)
    extracted = build_root / "_build" / "gettext"
    if result.returncode != 0 or not extracted.is_dir():
        raise BookError(f"The book's messages could not be extracted:\n"
                        f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    target = templates_dir(curriculum.root) / BOOK_DOMAIN
    shutil.rmtree(target, ignore_errors=True)
    written = []
    for pot in sorted(extracted.glob("*.pot")):
        if pot.stem in NOT_EXTRACTED:
            continue
        text = re.sub(r'"POT-Creation-Date: [^"]*\\n"\n', "", pot.read_text(encoding="utf-8"))
        _write_if_changed(target / pot.name, text.encode())
        written.append(target / pot.name)
    return written


def site_pages(html: Path) -> set[str]:
    """Return the pages of a built site (relative paths), without the theme's and Sphinx's
    support files (``_static/``, ``_sources/``, ...)."""
    return {p.relative_to(html).as_posix() for p in html.rglob("*.html")
            if not p.relative_to(html).parts[0].startswith("_")}


# A page's links to the theme's files: href="../_static/styles/theme.css?digest=..."
THEME_URL = re.compile(r'\b(href|src)="((?:\.\./)*)_static/([^"?#]+)')


def point_to_shared_theme(html: str, shared: set[str]) -> str:
    """Return a page of a language's folder with its links to the theme files in ``shared``
    (paths inside ``_static/``) pointing one folder up: to the site's root ``_static/``."""
    def up(match: re.Match[str]) -> str:
        attribute, parents, path = match.groups()
        if path not in shared:
            return match.group(0)
        return f'{attribute}="{parents}../_static/{path}'

    return THEME_URL.sub(up, html)


def share_theme_files(site: Path, language: str) -> int:
    """Drop from a language's folder of the site the theme files that are the same as the
    English ones at its root, and point its pages at those: a learner who switches language
    loads only the files that differ (the theme's translations, the search's stemmer). Return
    the bytes dropped."""
    import filecmp

    root, static = site / "_static", site / language / "_static"
    shared = {p.relative_to(static).as_posix() for p in static.rglob("*")
              if p.is_file() and (root / p.relative_to(static)).is_file()
              and filecmp.cmp(p, root / p.relative_to(static), shallow=False)}
    for page in site_pages(site / language):
        path = site / language / page
        html = path.read_text(encoding="utf-8")
        fixed = point_to_shared_theme(html, shared)
        if fixed != html:
            path.write_text(fixed, encoding="utf-8")
    dropped = 0
    for name in shared:
        dropped += (static / name).stat().st_size
        (static / name).unlink()
    for folder in sorted((p for p in static.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return dropped


SWITCHER_CSS = """
.academy-languages ul { list-style: none; display: flex; gap: 1em; margin: 0 0 1em; padding: 0;
  justify-content: flex-end; font-size: 0.9em; }
.academy-languages [aria-current] { font-weight: bold; }
"""


def assemble_site(*, root: Path | None = None, edition: str = "learner",
                  languages: list[str] | None = None) -> Path:
    """Put the built languages of an edition into one site, ``book/_build/<edition>-site/``:
    English at its root, each other language in its own folder, every page with a language
    switcher to the same page in the other languages, and the theme files that are the same in
    every language only once, at the root. Return the English index.html.

    ``languages`` defaults to every language whose site is built; English must be built.
    """
    import shutil

    from academy.i18n import LANGUAGES, add_language_switcher, site_path

    curriculum_root = load_curriculum(root).root
    wanted = [SOURCE_LANGUAGE, *[lang for lang in (languages or LANGUAGES)
                                  if lang != SOURCE_LANGUAGE]]
    html = {lang: build_dir(curriculum_root, edition, lang) / "_build" / "html" for lang in wanted}
    missing = [lang for lang, folder in html.items() if not (folder / "index.html").is_file()]
    if SOURCE_LANGUAGE in missing or (languages and missing):
        option = {lang: "" if lang == SOURCE_LANGUAGE else f" --language {lang}"
                  for lang in missing}
        raise BookError("Build these first: " + "; ".join(
            f"`academy book --edition {edition}{option[lang]}`" for lang in missing))
    built = [lang for lang in wanted if lang not in missing]
    available = {lang: site_pages(html[lang]) for lang in built}
    site = curriculum_root / "book" / "_build" / f"{edition}-site"
    shutil.rmtree(site, ignore_errors=True)
    for lang in built:
        target = site / site_path(lang, "")
        shutil.copytree(html[lang], target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(*[lng for lng in built if lng != lang]))
        for page in sorted(available[lang]):
            path = target / page
            path.write_text(add_language_switcher(path.read_text(encoding="utf-8"), page, lang,
                                                  available), encoding="utf-8")
        css = target / "_static" / "academy.css"
        if css.is_file():
            css.write_text(css.read_text(encoding="utf-8") + SWITCHER_CSS, encoding="utf-8")
    for lang in built:
        if lang != SOURCE_LANGUAGE:
            share_theme_files(site, lang)
    return site / "index.html"
