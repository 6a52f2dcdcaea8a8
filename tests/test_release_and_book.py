"""Student versions and the learner book: complete, in programme order, and free of secrets."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import pytest

# one worker builds the session fixture for every test of the group (pytest-xdist)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("released-course")]

MARKERS = [("### BEGIN SOLUTION", "### END SOLUTION"),
           ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")]


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def secret_lines(notebook_path: Path) -> set[str]:
    """Return the solution and hidden-test lines of a source notebook that appear nowhere else."""
    notebook = nbformat.read(notebook_path, as_version=4)
    secret: set[str] = set()
    public: set[str] = set()
    for cell in notebook.cells:
        inside = False
        for line in cell.source.splitlines():
            stripped = _normalise(line)
            if any(stripped == _normalise(begin) for begin, _ in MARKERS):
                inside = True
                continue
            if any(stripped == _normalise(end) for _, end in MARKERS):
                inside = False
                continue
            (secret if inside else public).add(stripped)
    # a line the notebook also shows outside its solutions (a hint quoting a loop header, say)
    # is not a secret, even when it appears there inside a longer sentence
    public_text = "\n".join(public)
    return {line for line in secret - public if len(line) >= 20 and line not in public_text}


def _notebook_text(path: Path) -> str:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in notebook.get("cells", []):
        parts.append("".join(cell.get("source", "")))
        for output in cell.get("outputs", []):
            parts.append(json.dumps(output, ensure_ascii=False))
    return _normalise("\n".join(parts))


def _html_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    return _normalise(html.unescape(re.sub(r"<[^>]+>", "", raw)))


def _leaks(curriculum, texts: dict[Path, str]) -> list[str]:
    found = []
    for module in curriculum.modules:
        for name in module.notebooks:
            for line in secret_lines(module.notebook_path(name)):
                for path, text in texts.items():
                    if line in text:
                        found.append(f"{path}: {line}")
    return found


def test_every_module_is_released_with_its_notebooks(curriculum, released):
    for module in curriculum.modules:
        for name in module.notebooks:
            assert (released / module.id / f"{name}.ipynb").is_file()
        assert not (released / module.id / "wrong_answers.yml").exists()
        assert not (released / module.id / "module.yml").exists()
        assert not (released / module.id / "facilitation.yml").exists()


def test_secret_lines_are_found_in_the_source(curriculum):
    for module in curriculum.modules:
        assert len(secret_lines(module.notebook_path())) >= 5, module.id


def test_release_contains_no_solution_or_hidden_test_code(curriculum, released):
    texts = {p: _notebook_text(p) for p in released.rglob("*.ipynb")}
    texts |= {p: _normalise(p.read_text(errors="replace")) for p in released.rglob("*")
              if p.is_file() and p.suffix != ".ipynb"}
    assert texts
    assert _leaks(curriculum, texts) == []


def test_learner_book_contains_no_solution_or_hidden_test_code(curriculum, learner_book):
    texts = {p: _html_text(p) for p in learner_book.rglob("*.html")}
    texts |= {p: _notebook_text(p) for p in learner_book.rglob("*.ipynb")}
    texts |= {p: _normalise(p.read_text(errors="replace")) for p in learner_book.rglob("*.js")
              if "searchindex" in p.name}
    assert _leaks(curriculum, texts) == []


def test_book_has_one_chapter_per_module_in_programme_order(curriculum, learner_book):
    index = (learner_book / "intro.html").read_text()  # index.html redirects here
    linked = list(dict.fromkeys(re.findall(r'href="modules/([a-z0-9_]+)\.html"', index)))
    assert linked == [m.id for m in curriculum.modules]
    for module in curriculum.modules:
        page = (learner_book / "modules" / f"{module.id}.html").read_text()
        assert html.escape(module.title) in page or module.title in page


def test_module_chapters_show_executed_figures_with_alt_text(curriculum, learner_book):
    for module in curriculum.modules:
        page = (learner_book / "modules" / f"{module.id}.html").read_text()
        images = re.findall(r"<img [^>]*>", page)
        assert images, f"{module.id}: no figure in the chapter"
        assert all('alt="' in img and 'alt=""' not in img for img in images), module.id


def test_syllabus_lists_every_module_with_its_hours(curriculum, learner_book):
    text = _html_text(learner_book / "syllabus.html")
    for module in curriculum.modules:
        assert module.title in text and f"{module.hours:g}" in text


TEACHING_TRACEBACK = "teaching-traceback"  # a cell that shows a traceback on purpose


def _cell_outputs(page: Path) -> list[str]:
    """The text of every cell output shown on a book page."""
    html = page.read_text(encoding="utf-8")
    return [re.sub(r"<[^>]+>", "", block) for block in re.findall(
        r'<div class="output [^"]*"><div class="highlight"><pre>(.*?)</pre>', html, re.S)]


def test_no_execution_errors_are_shown_in_the_book(curriculum, learner_book):
    """No cell output shows an error, except the tracebacks a module shows on purpose (the
    on-ramp teaches how to read one), in cells tagged teaching-traceback."""
    on_purpose = {f"{m.id}.html": sum(TEACHING_TRACEBACK in c.metadata.get("tags", [])
                                      for nb in m.notebooks
                                      for c in nbformat.read(m.notebook_path(nb), 4).cells)
                  for m in curriculum.modules}
    for page in learner_book.rglob("*.html"):
        outputs = _cell_outputs(page)
        tracebacks = sum("Traceback (most recent call last)" in o for o in outputs)
        assert tracebacks <= on_purpose.get(page.name, 0), page
        assert not [o for o in outputs if "NameError" in o], page
