"""The two editions, the generated pages, the ways in and the offline pack."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from test_release_and_book import _html_text, _leaks, _normalise, _notebook_text, secret_lines

from academy.book import generate_book_sources, toc
from academy.curriculum import load_curriculum
from academy.facilitation_pages import MODULE_PAGES
from academy.launch import LaunchSettings, launch_links, launch_settings
from academy.pages import (
    curriculum_map_markdown,
    heatmap_alt_text,
    schedule_markdown,
    syllabus_markdown,
)
from conftest import edit_yaml

# one worker builds the session fixture for every test of the group (pytest-xdist)
pytestmark = pytest.mark.xdist_group("released-course")


def _straight_quotes(text: str) -> str:
    """Return ``text`` with the typographic quotes that Sphinx puts in prose made straight."""
    return text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"',
                                         "\u201d": '"'}))


def _hidden_test_lines(notebook: Path) -> set[str]:
    lines, inside = set(), False
    for cell in json.loads(notebook.read_text())["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) >= 20:
                lines.add(_normalise(line))
    return lines


@pytest.mark.slow
def test_instructor_edition_shows_solutions_rubrics_and_notes_but_no_hidden_tests(
        curriculum, instructor_book, learner_book):
    assert instructor_book.parent.parent.name == "instructor"
    assert learner_book.parent.parent.name == "learner"
    for module in curriculum.modules:
        text = _html_text(instructor_book / "modules" / f"{module.id}.html")
        prose = _straight_quotes(text)
        solutions = secret_lines(module.notebook_path()) - _hidden_test_lines(
            module.notebook_path())
        shown = [line for line in solutions if line in text]
        assert len(shown) >= len(solutions) // 2 > 0, module.id
        assert [line for line in _hidden_test_lines(module.notebook_path())
                if line in text] == []
        assert _normalise(module.teaching_notes)[:80] in prose
        for criterion in module.rubric.criteria:
            for level in criterion.levels:
                assert _normalise(level.descriptor) in prose, (module.id, level.descriptor)
        chapter = (instructor_book / "modules" / f"{module.id}.html").read_text()
        for page in MODULE_PAGES:
            assert f'href="../facilitation/{module.id}/{page}.html"' in chapter, (module.id, page)
            assert (instructor_book / "facilitation" / module.id / f"{page}.html").is_file()


def _facilitation_secrets(curriculum) -> list[str]:
    """Distinctive passages of the facilitator's material (exemplars, cards, remedies)."""
    from academy.facilitation import load_all_facilitation

    passages: list[str] = []
    for kit in load_all_facilitation(curriculum):
        passages += [e.reflection for e in kit.exemplars] + [e.commentary for e in kit.exemplars]
        passages += [r.brief for r in kit.roles] + [m.address for m in kit.misconceptions]
        passages += [kit.scenario]
    return [_normalise(p)[:60] for p in passages]


def _facilitation_leaks(curriculum, texts: dict[Path, str]) -> list[str]:
    secrets = _facilitation_secrets(curriculum)
    return [f"{path}: {secret}" for path, text in texts.items()
            for secret in secrets if secret in _straight_quotes(text)]


@pytest.mark.slow
def test_instructor_edition_carries_every_facilitation_page_and_passage(curriculum,
                                                                        instructor_book):
    texts = {p: _html_text(p) for p in (instructor_book / "facilitation").rglob("*.html")}
    assert len(texts) == 1 + len(MODULE_PAGES) * len(curriculum.modules)
    assert len(_facilitation_leaks(curriculum, texts)) >= len(_facilitation_secrets(curriculum))


@pytest.mark.slow
def test_learner_edition_has_no_instructor_notes_and_ships_learner_notebooks(
        curriculum, learner_book):
    for module in curriculum.modules:
        page = _html_text(learner_book / "modules" / f"{module.id}.html")
        assert "Instructor notes" not in page
        assert _normalise(module.teaching_notes)[:80] not in page
    downloads = list((learner_book / "_downloads").rglob("*.ipynb"))
    assert {p.stem for p in downloads} >= {m.notebooks[0] for m in curriculum.modules}
    texts = {p: _notebook_text(p) for p in downloads}
    texts |= {p: _html_text(p) for p in learner_book.rglob("*.html")}
    assert _leaks(curriculum, texts) == []
    assert not (learner_book / "facilitation").exists()
    assert _facilitation_leaks(curriculum, texts) == []


@pytest.mark.slow
def test_book_has_guides_glossary_bibliography_and_generated_pages(learner_book):
    for page in ("learner-guide", "instructor-guide", "glossary", "bibliography", "syllabus",
                 "schedule", "curriculum-map"):
        assert (learner_book / f"{page}.html").is_file(), page
    glossary = _html_text(learner_book / "glossary.html")
    for term in ("Remittance corridor", "Exchange-rate margin", "Diaspora bond",
                 "Reintegration", "Framing"):
        assert term in glossary
    bibliography = _html_text(learner_book / "bibliography.html")
    assert "Global Compact" in bibliography and "Remittance Prices Worldwide" in bibliography
    heatmap = (learner_book / "curriculum-map.html").read_text()
    assert 'alt="Heatmap of modules' in heatmap


def _change_curriculum(root: Path) -> None:
    module_yml = root / "modules" / "remittances" / "module.yml"

    def change(data):
        data["title"] = "Sending money home"
        data["minutes"]["exercises"] += 60
        data["gcm_objectives"].append(19)
        data["activities"]["classroom"] = "A debate on the price of sending money home."
        data["activities"]["mentoring"] = "A mentor from a diaspora bank reviews the brief."

    edit_yaml(module_yml, change)
    edit_yaml(root / "curriculum" / "programme.yml",
              lambda data: next(m for m in data["modules"] if m["id"] == "remittances").update(
                  week=2))


def test_syllabus_map_and_schedule_change_when_the_curriculum_changes(repo_copy):
    before = load_curriculum(repo_copy)
    pages_before = (syllabus_markdown(before), curriculum_map_markdown(before),
                    schedule_markdown(before))
    _change_curriculum(repo_copy)
    after = load_curriculum(repo_copy)
    syllabus, curriculum_map, schedule = (syllabus_markdown(after),
                                          curriculum_map_markdown(after),
                                          schedule_markdown(after))
    module = after.module("remittances")
    assert all(new != old for new, old in zip((syllabus, curriculum_map, schedule),
                                             pages_before, strict=True))
    assert f"| 2 | [Sending money home](modules/remittances) | introductory | " \
           f"{module.hours:g} |" in syllabus
    assert "Remittances and financial inclusion" not in syllabus
    assert "| 19. " in curriculum_map and "Sending money home" in curriculum_map.split(
        "| 19. ")[1].split("\n")[0]
    assert "**Objective 19 (Diasporas)**" in curriculum_map
    assert "GCM objectives 19, 20" in heatmap_alt_text(after)
    assert "A debate on the price of sending money home." in schedule
    assert "A mentor from a diaspora bank reviews the brief." in schedule
    week_rows = [line for line in schedule.splitlines() if line.startswith("| 2 |")]
    assert week_rows and "Sending money home" in week_rows[0]


def test_generated_sources_follow_the_edited_copy(repo_copy, released, tmp_path):
    _change_curriculum(repo_copy)
    (repo_copy / "book" / "hosting.md").write_text(
        "---\npart: instructors\norder: 2\n---\n# Hosting on JupyterHub\n")
    curriculum = load_curriculum(repo_copy)
    out = generate_book_sources(curriculum, released, tmp_path / "src")
    assert "Sending money home" in (out / "syllabus.md").read_text()
    assert "Sending money home" in (out / "schedule.md").read_text()
    assert "Sending money home" in (out / "curriculum-map.md").read_text()
    assert (out / "images" / "curriculum-map.png").read_bytes()[:4] == b"\x89PNG"
    assert {"file": "hosting"} in toc(curriculum)["parts"][3]["chapters"]
    assert (out / "hosting.md").is_file()


def test_hosting_page_is_in_the_toc_only_when_it_exists(curriculum, tmp_path):
    chapters = [c["file"] for part in toc(curriculum, tmp_path)["parts"]
                for c in part["chapters"]]
    assert "hosting" not in chapters and "instructor-guide" not in chapters
    (tmp_path / "hosting.md").write_text("---\npart: instructors\norder: 2\n---\n# Hosting\n")
    (tmp_path / "instructor-guide.md").write_text(
        "---\npart: instructors\norder: 1\n---\n# Guide\n")
    chapters = [c["file"] for part in toc(curriculum, tmp_path)["parts"]
                for c in part["chapters"]]
    assert chapters.index("instructor-guide") < chapters.index("hosting")


def test_launch_links_open_the_learner_notebook_on_the_learner_branch():
    config = {"launch_buttons": {"binderhub_url": "https://mybinder.org/",
                                 "jupyterhub_url": "", "colab_url":
                                     "https://colab.research.google.com",
                                 "notebook_interface": "jupyterlab"},
              "repository": {"url": "", "branch": "learner"}}
    assert launch_links(launch_settings(config, {}), "modules/m/m.ipynb") == []
    settings = launch_settings(config, {"ACADEMY_REPOSITORY_URL": "https://github.com/gmda/gc.git",
                                        "ACADEMY_JUPYTERHUB_URL": "https://hub.example.org/"})
    links = dict(launch_links(settings, "modules/remittances/remittances.ipynb"))
    assert links["Binder"] == ("https://mybinder.org/v2/gh/gmda/gc/learner?urlpath="
                               "lab/tree/modules/remittances/remittances.ipynb")
    assert links["JupyterHub"] == (
        "https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A//github.com/gmda/gc"
        "&branch=learner&urlpath=lab/tree/gc/modules/remittances/remittances.ipynb")
    assert links["Colab"] == ("https://colab.research.google.com/github/gmda/gc/blob/learner/"
                              "modules/remittances/remittances.ipynb")
    gitlab = LaunchSettings(repository_url="https://gitlab.com/gmda/gc", colab_url="https://c",
                            binderhub_url="https://b")
    assert dict(launch_links(gitlab, "x.ipynb")) == {
        "Binder": "https://b/v2/gl/gmda%2Fgc/learner?urlpath=lab/tree/x.ipynb"}


def test_module_pages_carry_the_launch_links_when_a_repository_is_set(
        curriculum, released, tmp_path, monkeypatch):
    monkeypatch.setenv("ACADEMY_REPOSITORY_URL", "https://github.com/gmda/gc")
    out = generate_book_sources(curriculum, released, tmp_path / "src")
    for module in curriculum.modules:
        page = (out / "modules" / f"{module.id}.ipynb").read_text()
        assert f"../downloads/{module.id}/{module.notebooks[0]}.ipynb" in page
        assert "mybinder.org/v2/gh/gmda/gc/learner" in page
        assert "colab.research.google.com/github/gmda/gc/blob/learner/" in page
    config = (out / "_config.yml").read_text()
    assert "mybinder.org" not in config and "sphinx_thebe" not in config


@pytest.mark.slow
def test_offline_pack_holds_the_book_notebooks_data_and_no_secrets(curriculum, released,
                                                                  learner_book, tmp_path,
                                                                  capsys):
    from academy.pack import assemble_pack, format_size

    report = assemble_pack(curriculum, released, learner_book, tmp_path / "gc.zip")
    with capsys.disabled():
        print(f"\noffline pack: {format_size(report.size_bytes)} zipped "
              f"({report.size_bytes:,} bytes), {report.files} files")
    assert report.within_target
    names = set(zipfile.ZipFile(report.path).namelist())
    for required in ("START-HERE.html", "START-HERE.md", "book/index.html", "environment.yml",
                     "pyproject.toml", "datasets/datapackage.yaml", "src/academy/__init__.py"):
        assert f"global-classroom/{required}" in names, required
    for module in curriculum.modules:
        assert f"global-classroom/modules/{module.id}/{module.notebooks[0]}.ipynb" in names
        assert f"global-classroom/modules/{module.id}/wrong_answers.yml" not in names
    tree_curriculum = load_curriculum(report.tree)
    assert [m.id for m in tree_curriculum.modules] == [m.id for m in curriculum.modules]
    texts = {p: _normalise(p.read_text(errors="replace")) for p in report.tree.rglob("*")
             if p.is_file() and p.suffix in (".ipynb", ".html", ".js", ".md", ".txt", ".yml")}
    assert _leaks(curriculum, texts) == []
    assert _facilitation_leaks(curriculum, texts) == []
    assert not [n for n in names if n.endswith("facilitation.yml")
                or "/book/facilitation/" in n or n.endswith("/programme.yml")
                and "/facilitation/" in n]


@pytest.mark.slow
def test_instructor_pack_carries_the_facilitators_pages_and_warns_it_is_not_for_learners(
        curriculum, instructor_book, tmp_path):
    from academy.pack import PackError, assemble_instructor_pack

    report = assemble_instructor_pack(curriculum, instructor_book, tmp_path / "instructor.zip")
    names = set(zipfile.ZipFile(report.path).namelist())
    folder = "global-classroom-instructor"
    assert f"{folder}/book/facilitation/global-classroom.html" in names
    for module in curriculum.modules:
        for page in MODULE_PAGES:
            assert f"{folder}/book/facilitation/{module.id}/{page}.html" in names
    assert "Do not give it to learners" in (report.tree / "START-HERE.md").read_text()
    with pytest.raises(PackError, match="academy book --edition instructor"):
        assemble_instructor_pack(curriculum, tmp_path / "nothing", tmp_path / "x.zip")


@pytest.mark.slow
def test_pack_command_builds_the_instructor_pack_from_the_built_edition(instructor_book,
                                                                        course_dir, tmp_path):
    from click.testing import CliRunner

    from academy.cli import main

    out = tmp_path / "instructor.zip"
    result = CliRunner().invoke(main, ["pack", "--edition", "instructor", "--no-build", "-o",
                                       str(out), "--course-dir", str(course_dir)])
    assert result.exit_code == 0, result.output
    assert "not for learners" in result.output and out.is_file()
    refused = CliRunner().invoke(main, ["pack", "--edition", "instructor", "--wheels",
                                        "--no-build", "-o", str(out)])
    assert refused.exit_code == 1 and "learners' pack" in refused.output


@pytest.mark.slow
def test_pack_command_writes_the_zip_and_reports_its_size(learner_book, course_dir, tmp_path):
    from click.testing import CliRunner

    from academy.cli import main

    output = tmp_path / "pack.zip"
    result = CliRunner().invoke(main, ["pack", "--no-build", "--course-dir", str(course_dir),
                                       "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert output.is_file() and "zipped (target: under 50.0 MB)" in result.output
    assert "learner tree" in result.output


def test_further_reading_cites_each_distinct_work_by_its_own_key(curriculum, repo_root):
    from dataclasses import replace

    from academy.curriculum import Citation
    from academy.pages import bib_titles, further_reading_bib

    objective_19 = Citation("Global Compact for Safe, Orderly and Regular Migration, Objective 19",
                            "United Nations", 2018, "https://undocs.org/A/RES/73/195")
    objective_20 = replace(objective_19, title=objective_19.title.replace("19", "20"))
    migration_lab = Citation("A different way of working: the Migration Laboratory",
                             "Global Leadership Academy and GIZ", 2018, "https://www.giz.de")
    first = replace(curriculum.modules[0], id="first", further_reading=(objective_19,
                                                                       objective_20))
    second = replace(curriculum.modules[0], id="second", further_reading=(objective_20,
                                                                         migration_lab))
    known = bib_titles((repo_root / "book" / "references.bib").read_text())
    bibtex, keys = further_reading_bib([first, second], known)
    assert len(set(keys["first"])) == 2
    assert keys["second"] == [keys["first"][1], "gla2018migrationlab"]
    assert bibtex.count("@misc{") == 2 and "Objective 19" in bibtex and "Objective 20" in bibtex


def test_formulas_become_mathml_that_needs_no_script():
    from academy.book_html import latex_to_mathml

    block = latex_to_mathml(r"\kappa = \frac{p_o - p_e}{1 - p_e}", "block")
    assert block.startswith("<math") and 'display="block"' in block and "<mfrac>" in block
    assert 'display="inline"' in latex_to_mathml(r"\sum_{t=0}^{T} x_t", "inline")


@pytest.mark.slow
def test_learner_book_loads_no_mathjax_and_shows_its_formula_as_mathml(learner_book):
    assert "<mfrac>" in (learner_book / "glossary.html").read_text()
    for page in learner_book.rglob("*.html"):
        assert "mathjax@" not in page.read_text() and "tex-mml-chtml" not in page.read_text()


def test_a_changed_table_of_contents_rebuilds_every_page(repo_copy, released, course_dir,
                                                          monkeypatch):
    import subprocess

    from academy import book

    commands: list[list[str]] = []

    def fake_build(command, **kwargs):
        commands.append(command)
        html = Path(command[command.index("--path-output") + 1]) / "_build" / "html"
        html.mkdir(parents=True, exist_ok=True)
        (html / "index.html").write_text("<html></html>")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(book.subprocess, "run", fake_build)
    for _ in range(2):
        book.build_book(root=repo_copy, course=course_dir, edition="instructor")
    (repo_copy / "book" / "hosting.md").unlink()
    book.build_book(root=repo_copy, course=course_dir, edition="instructor")
    assert ["--all" in c for c in commands] == [True, False, True]
