"""The offline course pack: the learner book, notebooks, data and toolkit in one zip.

For classrooms with poor connectivity. The pack unzips into ``global-classroom/``, a *learner
tree* with the repository's layout but the learner notebooks in place of the source notebooks:

- ``START-HERE.html`` and ``START-HERE.md``: the offline set-up guide;
- ``book/``: the learner edition of the book as HTML, which works opened from disk;
- ``modules/<id>/``: the learner notebooks (no solutions, no hidden tests) and ``module.yml``;
- ``curriculum/``, ``datasets/``, ``src/academy/``, ``pyproject.toml``, ``environment.yml``: what
  the notebooks need to run.

Instructors get a separate *instructor pack* (``assemble_instructor_pack``): the instructor
edition of the book with its facilitator's pages, which must never reach the learner tree.

The same tree, committed to the ``learner`` branch of a public repository, is what the book's
Binder, JupyterHub and Colab links launch.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from academy.course_core import COURSE_ID
from academy.curriculum import Curriculum, load_curriculum
from academy.errors import AcademyError

PACK_FOLDER = COURSE_ID
PACK_NAME = f"{COURSE_ID}-pack.zip"
SIZE_TARGET_BYTES = 50 * 1024 * 1024
BOOK_SKIP = (".buildinfo", "objects.inv", "*.map")  # source maps serve only developer tools
# templates/: the scaffold of `academy new module` (it carries a reference solution; learners
# never scaffold modules).
TOOLKIT_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "templates")

START_HERE = """\
# Global Classroom course pack

This folder is the whole Global Classroom course for working without a network: the book, the
learner notebooks, the datasets and the toolkit that the notebooks use.

## Read the book

Open `book/index.html` in a web browser (double-click it). Everything works from disk: the
navigation, the search, the figures. No internet connection is needed.

## Set up the notebooks (once)

You need Python 3.11. Open a terminal in this folder and run:

    python3.11 -m venv .venv
    .venv/bin/pip install -e .          (Windows: .venv\\Scripts\\pip install -e .)
    .venv/bin/jupyter lab               (Windows: .venv\\Scripts\\jupyter lab)

or, with conda: `conda env create -f environment.yml`, then `conda activate global-classroom` and
`jupyter lab`.

Installing needs the internet once, unless this pack was made with `academy pack --wheels`: then
its `wheels/` folder holds every package the course needs (for the computer named in
`wheels/PLATFORM.txt`), and the install works with no network at all:

    .venv/bin/pip install --no-index --find-links wheels -e .

## Work on a module

In JupyterLab, open `modules/<module>/<module>.ipynb`, run the cells from the top, write your
answers in the cells marked `YOUR CODE HERE` and `YOUR ANSWER HERE`, and use the self-checks.
Before you hand the notebook in, use *Kernel → Restart Kernel and Run All Cells* (or nbgrader's
**Validate** button) to make sure it runs from top to bottom. Hand in the `.ipynb` file as your
instructor asks. The book's *Learner guide* says more.

## What is in this pack

{contents}
"""

INSTRUCTOR_PACK_FOLDER = "global-classroom-instructor"
INSTRUCTOR_PACK_NAME = "global-classroom-instructor-pack.zip"
INSTRUCTOR_START_HERE = """\
# Global Classroom instructor pack

For instructors and facilitators only. This pack holds the instructor edition of the book: the
reference solutions, the rubrics, and the facilitator's pages (session plans, role cards,
exemplar reflections, misconceptions, printable handouts). Do not give it to learners; they have
the course pack.

Open `book/index.html` in a web browser (double-click it); it works without a network.

- **Running the programme**: `book/facilitation/global-classroom.html`, the weekly schedule and
  the dialogue across modules.
- **Each module's kit**: `book/facilitation/<module>/session-plan.html`, with links to its role
  cards, exemplars, misconceptions and handouts.
- **Printing**: open a role-card or handout page and print it on A4 (File → Print). Each role card
  and each handout comes out on its own page; the site's menus are not printed.
"""


# Where the packages of a pack with wheels are meant to run: pip's platform tags for each name.
PLATFORMS: dict[str, list[str]] = {
    "windows": ["win_amd64"],
    "macos-arm64": ["macosx_11_0_arm64", "macosx_12_0_arm64", "macosx_14_0_arm64"],
    "macos-x86_64": ["macosx_10_9_x86_64", "macosx_10_13_x86_64", "macosx_11_0_x86_64"],
    "linux-x86_64": ["manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64"],
}
BUILD_REQUIREMENTS = ["setuptools>=69", "wheel"]  # to install the toolkit itself (-e .)


class PackError(AcademyError, RuntimeError):
    """The course pack could not be assembled; the message names the missing piece."""


@dataclass(frozen=True)
class PackReport:
    """Where the pack is, how big it is, and what it holds (uncompressed bytes per part)."""

    path: Path
    tree: Path
    size_bytes: int
    files: int
    parts: dict[str, int] = field(default_factory=dict)
    wheels_platform: str = ""

    @property
    def within_target(self) -> bool:
        return self.size_bytes < SIZE_TARGET_BYTES


def _folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def copy_learner_book(book_html: Path, tree: Path) -> None:
    """Copy the built learner book (HTML) into ``tree/book``."""
    if not (book_html / "index.html").is_file():
        raise PackError(f"{book_html}: no built learner book; run `academy book` first")
    shutil.copytree(book_html, tree / "book", ignore=shutil.ignore_patterns(*BOOK_SKIP))


def copy_learner_notebooks(curriculum: Curriculum, release_dir: Path, tree: Path) -> None:
    """Copy each module's released files and its module.yml into ``tree/modules/<id>``."""
    for module in curriculum.modules:
        released = release_dir / module.id
        for name in module.notebooks:
            if not (released / f"{name}.ipynb").is_file():
                raise PackError(f"{released / name}.ipynb: no student version; run "
                                f"`academy release {module.id}`")
        shutil.copytree(released, tree / "modules" / module.id,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        shutil.copy2(module.folder / "module.yml", tree / "modules" / module.id / "module.yml")


def copy_toolkit_and_data(root: Path, tree: Path) -> None:
    """Copy the curriculum, datasets, toolkit source and environment files into ``tree``."""
    shutil.copytree(root / "curriculum", tree / "curriculum")
    shutil.copytree(root / "datasets", tree / "datasets")
    shutil.copytree(root / "src" / "academy", tree / "src" / "academy", ignore=TOOLKIT_SKIP)
    for name in ("pyproject.toml", "environment.yml", "README.md"):
        if (root / name).is_file():
            shutil.copy2(root / name, tree / name)


def _write_start_pages(tree: Path, text: str, title: str) -> None:
    """Write ``text`` as START-HERE.md and as START-HERE.html, a page that opens from disk."""
    from markdown_it import MarkdownIt

    (tree / "START-HERE.md").write_text(text, encoding="utf-8")
    body = MarkdownIt("commonmark").render(text.replace("`book/index.html`",
                                                        "[book/index.html](book/index.html)"))
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{title}</title>"
            "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;padding:0 1em;"
            "line-height:1.5;color:#222}code,pre{background:#f3f3f3}</style></head>\n"
            f"<body><main>\n{body}</main></body></html>\n")
    (tree / "START-HERE.html").write_text(page, encoding="utf-8")


def copy_translated_notebooks(curriculum: Curriculum, release_dir: Path, tree: Path,
                              language: str) -> None:
    """Copy each module's notebooks in ``language`` into ``tree/modules/<id>/<language>/``
    (same file names as in English, so a learner hands in the same file in any language)."""
    from academy.i18n import language_release_dir
    from academy.notebook_language import LANGUAGE_FILE

    translated = language_release_dir(release_dir, language)
    for module in curriculum.modules:
        for name in module.notebooks:
            path = translated / module.id / f"{name}.ipynb"
            if not path.is_file():
                raise PackError(f"{path}: no student version in '{language}'; run "
                                f"`academy release --language {language} {module.id}`")
            target = tree / "modules" / module.id / language / f"{name}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        marker = translated / module.id / LANGUAGE_FILE
        if marker.is_file():
            shutil.copy2(marker, tree / "modules" / module.id / language / LANGUAGE_FILE)


def write_start_here(tree: Path, languages: list[str] | None = None) -> None:
    """Write the offline set-up guide as Markdown and as a page that opens from disk."""
    from academy.i18n import LANGUAGE_NAMES

    rows = [("book/", "the book (open book/index.html)"),
            ("modules/", "the learner notebooks, one folder per module"),
            ("datasets/", "the course datasets and their sources (datapackage.yaml)"),
            ("curriculum/", "the programme, GCM objectives and SDG targets"),
            ("src/academy/", "the course toolkit used by the notebooks"),
            ("environment.yml, pyproject.toml", "the Python environment")]
    for language in languages or []:
        rows.insert(1, (f"book/{language}/, modules/<module>/{language}/",
                        f"the book and the notebooks in {LANGUAGE_NAMES[language]} "
                        "(every page links to the same page in the other languages)"))
    contents = "\n".join(f"- `{name}`: {what}" for name, what in rows)
    _write_start_pages(tree, START_HERE.format(contents=contents),
                       "Global Classroom course pack")


def course_requirements(root: Path) -> list[str]:
    """Return the packages the course needs to run: the toolkit's dependencies (pyproject.toml)
    and what installing the toolkit itself needs."""
    import tomllib

    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return [*project["project"]["dependencies"], *BUILD_REQUIREMENTS]


def download_wheels(root: Path, tree: Path, platform: str | None = None,
                    run: Any = None) -> Path:
    """Put every package the course needs into ``tree/wheels`` for ``platform`` (a name of
    PLATFORMS; None for this computer), with pip; return the folder."""
    import subprocess
    import sys

    folder = tree / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
               "--only-binary=:all:", "--dest", str(folder)]
    if platform is not None:
        if platform not in PLATFORMS:
            raise PackError(f"unknown platform '{platform}' (known: {', '.join(PLATFORMS)})")
        command += ["--python-version", "3.11", "--implementation", "cp"]
        for tag in PLATFORMS[platform]:
            command += ["--platform", tag]
    result = (run or subprocess.run)([*command, *course_requirements(root)],
                                     capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PackError("pip could not download the course's packages (is this computer "
                        f"online?):\n{result.stderr.strip()[-2000:]}")
    described = platform or f"this computer ({sys.platform}, Python "\
                            f"{sys.version_info.major}.{sys.version_info.minor})"
    (folder / "PLATFORM.txt").write_text(
        f"These packages are for {described}.\nInstall offline with:\n"
        "  pip install --no-index --find-links wheels -e .\n", encoding="utf-8")
    return folder


def zip_tree(tree: Path, archive: Path) -> int:
    """Write ``tree`` (as its folder name) into the zip ``archive``; return the file count."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(tree.rglob("*")):
            if path.is_file():
                zf.write(path, Path(tree.name) / path.relative_to(tree))
                count += 1
    return count


def assemble_pack(curriculum: Curriculum, release_dir: Path, book_html: Path,
                  output: Path, wheels: str | None = None,
                  languages: list[str] | None = None) -> PackReport:
    """Assemble the learner tree next to ``output`` and zip it; return the pack's report.

    ``wheels`` adds every package the course needs: "here" for this computer, or a name of
    PLATFORMS. ``languages`` adds the notebooks in those languages (``book_html`` is then the
    multilingual site, see ``academy.book.assemble_site``).
    """
    tree = output.parent / PACK_FOLDER
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    copy_learner_book(book_html, tree)
    copy_learner_notebooks(curriculum, release_dir, tree)
    for language in languages or []:
        copy_translated_notebooks(curriculum, release_dir, tree, language)
    copy_toolkit_and_data(curriculum.root, tree)
    write_start_here(tree, languages)
    if wheels is not None:
        download_wheels(curriculum.root, tree, None if wheels == "here" else wheels)
    files = zip_tree(tree, output)
    parts = {name: _folder_size(tree / name)
             for name in ("book", "modules", "datasets", "src", "curriculum", "wheels")
             if (tree / name).exists()}
    return PackReport(path=output, tree=tree, size_bytes=output.stat().st_size, files=files,
                      parts=parts, wheels_platform=wheels or "")


def assemble_instructor_pack(curriculum: Curriculum, instructor_html: Path,
                             output: Path) -> PackReport:
    """Zip the built instructor edition, with its facilitator's pages, for offline teaching.

    A separate pack from the learners' one: it holds reference solutions, rubrics and exemplar
    reflections, so it is never committed to the learner branch or given to learners.
    """
    from academy.facilitation_pages import MODULE_PAGES, PROGRAMME_PAGE, module_page_path

    expected = [PROGRAMME_PAGE] + [module_page_path(m.id, page) for m in curriculum.modules
                                   for page in MODULE_PAGES]
    missing = [p for p in expected if not (instructor_html / f"{p}.html").is_file()]
    if not (instructor_html / "index.html").is_file() or missing:
        raise PackError(f"{instructor_html}: no built instructor edition with the facilitator's "
                        f"pages (missing: {', '.join(missing[:3]) or 'index.html'}); run "
                        "`academy book --edition instructor` first")
    tree = output.parent / INSTRUCTOR_PACK_FOLDER
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    shutil.copytree(instructor_html, tree / "book", ignore=shutil.ignore_patterns(*BOOK_SKIP))
    _write_start_pages(tree, INSTRUCTOR_START_HERE, "Global Classroom instructor pack")
    files = zip_tree(tree, output)
    return PackReport(path=output, tree=tree, size_bytes=output.stat().st_size, files=files,
                      parts={"book": _folder_size(tree / "book")})


def build_pack(*, root: Path | None = None, course: Path | str | None = None,
               output: Path | None = None, build: bool = True,
               wheels: str | None = None, languages: list[str] | None = None) -> PackReport:
    """Release the modules and build the learner book (unless ``build`` is False), then the
    offline pack; return its report. ``languages`` (es, fr) adds those languages' books and
    notebooks, with English."""
    from academy.book import assemble_site, build_book
    from academy.course_core import course_layout
    from academy.release import release_all

    curriculum = load_curriculum(root)
    layout = course_layout(curriculum.root, course)
    book_html = curriculum.root / "book" / "_build" / "learner" / "_build" / "html"
    if build:
        release_all(root=curriculum.root, course=course)
        book_html = build_book(root=curriculum.root, course=course, edition="learner").parent
        for language in languages or []:
            release_all(root=curriculum.root, course=course, language=language)
            build_book(root=curriculum.root, course=course, edition="learner",
                       language=language)
    if languages:
        book_html = assemble_site(root=curriculum.root, languages=languages).parent
    output = (output or curriculum.root / "dist" / PACK_NAME).resolve()
    return assemble_pack(curriculum, layout.release, book_html, output, wheels, languages)


def build_instructor_pack(*, root: Path | None = None, course: Path | str | None = None,
                          output: Path | None = None, build: bool = True) -> PackReport:
    """Build the instructor edition of the book (unless ``build`` is False), then the instructor
    pack with the facilitator's pages; return its report."""
    from academy.book import build_book

    curriculum = load_curriculum(root)
    html = curriculum.root / "book" / "_build" / "instructor" / "_build" / "html"
    if build:
        html = build_book(root=curriculum.root, course=course, edition="instructor").parent
    output = (output or curriculum.root / "dist" / INSTRUCTOR_PACK_NAME).resolve()
    return assemble_instructor_pack(curriculum, html, output)


def format_size(size: int) -> str:
    """Return a size in bytes as a short human-readable string (kB, MB)."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024:.0f} kB"
