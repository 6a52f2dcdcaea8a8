"""The Jupyter Book: pages generated from the curriculum, module chapters from the release."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from academy.curriculum import Curriculum, Module, load_curriculum

EDITIONS = ("learner", "instructor")


class BookError(RuntimeError):
    """The book could not be generated or built; the message carries the builder's errors."""


def toc(curriculum: Curriculum) -> dict[str, Any]:
    """Return the Jupyter Book table of contents: home, syllabus, map, modules in order."""
    return {
        "format": "jb-book",
        "root": "intro",
        "parts": [
            {"caption": "The programme",
             "chapters": [{"file": "syllabus"}, {"file": "curriculum-map"}]},
            {"caption": "Modules",
             "chapters": [{"file": f"modules/{m.id}"} for m in curriculum.modules]},
        ],
    }


def syllabus_markdown(curriculum: Curriculum) -> str:
    """Return the syllabus page: modules in order with hours, level, prerequisites and outcomes."""
    total = sum(m.hours for m in curriculum.modules)
    lines = [
        "# Syllabus", "", curriculum.summary, "",
        f"The programme runs over {curriculum.weeks} weeks and {len(curriculum.modules)} modules, "
        f"about {total:g} hours of learner work in all.", "",
        "| Week | Module | Level | Hours | Prerequisites |", "|---|---|---|---|---|",
    ]
    titles = {m.id: m.title for m in curriculum.modules}
    for m in curriculum.modules:
        prereq = ", ".join(titles[p] for p in m.prerequisites) or "none"
        lines.append(f"| {m.week} | [{m.title}](modules/{m.id}) | {m.level} | {m.hours:g} | "
                     f"{prereq} |")
    for m in curriculum.modules:
        lines += ["", f"## {m.title}", "", m.summary, "", "**Learning objectives**", ""]
        lines += [f"{i}. {o}" for i, o in enumerate(m.objectives, 1)]
        lines += ["", "**Key points**", ""] + [f"- {k}" for k in m.keypoints]
        lines += ["", "**Blended learning**", ""]
        labels = {"classroom": "In the classroom", "study_mission": "Study mission",
                  "mentoring": "Mentoring", "self_study": "Self-study"}
        lines += [f"- *{labels[k]}*: {v.strip()}" for k, v in m.activities.items()]
    return "\n".join(lines) + "\n"


def curriculum_map_markdown(curriculum: Curriculum) -> str:
    """Return the GCM/SDG coverage page: which module serves which objective and target."""
    lines = ["# Curriculum map", "",
             "Which Global Compact for Migration objectives and SDG targets each module serves.",
             "", "## GCM objectives", "", "| GCM objective | Modules |", "|---|---|"]
    for number, title in curriculum.gcm_objectives.items():
        modules = [m.title for m in curriculum.modules if number in m.gcm_objectives]
        lines.append(f"| {number}. {title} | {'; '.join(modules) or '—'} |")
    lines += ["", "## SDG targets", "", "| SDG target | Modules |", "|---|---|"]
    for target, title in curriculum.sdg_targets.items():
        modules = [m.title for m in curriculum.modules if target in m.sdg_targets]
        if modules:
            lines.append(f"| {target} {title} | {'; '.join(modules)} |")
    return "\n".join(lines) + "\n"


def module_page(module: Module, release_notebook: Path, data_version: str) -> Any:
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
    # The execution cache keys on code; this hidden cell ties it to the data and toolkit too.
    version = nbformat.v4.new_code_cell(f"# data and toolkit version {data_version}")
    version.metadata["tags"] = ["remove-cell"]
    notebook.cells.insert(0, version)
    return notebook


def _data_version(curriculum: Curriculum) -> str:
    digest = hashlib.sha256()
    paths = [*(curriculum.root / "datasets").glob("*"),
             *(curriculum.root / "src" / "academy").rglob("*.py")]
    for path in sorted(paths):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def generate_book_sources(curriculum: Curriculum, release_dir: Path, out: Path,
                          edition: str = "learner") -> Path:
    """Write the book's sources for ``edition`` into ``out``; return ``out``."""
    import nbformat

    if edition not in EDITIONS:
        raise BookError(f"Unknown edition '{edition}' (choose from {', '.join(EDITIONS)})")
    book_dir = curriculum.root / "book"
    out.mkdir(parents=True, exist_ok=True)
    for page in book_dir.iterdir():
        if page.is_file() and page.suffix in (".md", ".yml", ".bib", ".png", ".svg", ".css"):
            if page.name != "_toc.yml":
                _write_if_changed(out / page.name, page.read_bytes())
    _write_if_changed(out / "_toc.yml", yaml.safe_dump(toc(curriculum), sort_keys=False).encode())
    _write_if_changed(out / "syllabus.md", syllabus_markdown(curriculum).encode())
    _write_if_changed(out / "curriculum-map.md", curriculum_map_markdown(curriculum).encode())
    version = _data_version(curriculum)
    (out / "modules").mkdir(exist_ok=True)
    for module in curriculum.modules:
        released = release_dir / module.id / f"{module.notebooks[0]}.ipynb"
        if not released.is_file():
            raise BookError(f"{released}: no student version; run `academy release {module.id}`")
        page = module_page(module, released, version)
        _write_if_changed(out / "modules" / f"{module.id}.ipynb",
                          nbformat.writes(page).encode())
    return out


def _write_if_changed(path: Path, content: bytes) -> None:
    """Write only when the content differs, so the builder sees unchanged pages as unchanged."""
    if not path.is_file() or path.read_bytes() != content:
        path.write_bytes(content)


def build_book(*, root: Path | None = None, course: Path | str | None = None,
               edition: str = "learner") -> Path:
    """Generate and build the book (warnings as errors); return the path of its index.html."""
    from academy.paths import ensure_interpreter_bin_on_path
    from academy.release import course_layout

    curriculum = load_curriculum(root)
    layout = course_layout(curriculum.root, course)
    build_root = curriculum.root / "book" / "_build" / edition
    sources = generate_book_sources(curriculum, layout.release, build_root / "src", edition)
    ensure_interpreter_bin_on_path()
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(sources),
               "--warningiserror", "--nitpick", "--keep-going", "--quiet",
               "--path-output", str(build_root)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=curriculum.root)
    index = build_root / "_build" / "html" / "index.html"
    if result.returncode != 0 or not index.is_file():
        raise BookError(f"The {edition} book did not build:\n{result.stdout[-6000:]}\n"
                        f"{result.stderr[-6000:]}")
    return index

