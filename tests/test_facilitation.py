"""The facilitator's edition: every module's kit is complete, checked and instructor-only."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from academy.book import BookError, generate_book_sources, instructor_notes_markdown, toc
from academy.curriculum import load_curriculum
from academy.facilitation import (
    FacilitationError,
    load_all_facilitation,
    load_facilitation,
    load_programme_facilitation,
    module_wrong_answers,
)
from academy.facilitation_pages import (
    MODULE_PAGES,
    PROGRAMME_PAGE,
    exemplars_markdown,
    global_classroom_markdown,
    handouts_markdown,
    misconceptions_markdown,
    module_page_path,
    printout_table,
    role_cards_markdown,
    session_plan_markdown,
)
from conftest import edit_yaml


def _facilitation_file(root: Path, module_id: str) -> Path:
    return root / "modules" / module_id / "facilitation.yml"


def _problems(root: Path) -> str:
    with pytest.raises(FacilitationError) as error:
        load_all_facilitation(load_curriculum(root))
    return str(error.value)


def test_every_module_in_the_programme_has_its_complete_facilitators_kit(curriculum):
    kits = load_all_facilitation(curriculum)
    programme = load_programme_facilitation(curriculum)
    assert [k.module.id for k in kits] == [m.id for m in curriculum.modules]
    for kit in kits:
        assert 90 <= kit.session_minutes <= 120, kit.module.id
        plan = session_plan_markdown(kit)
        for section in ("## Before the session", "## In the classroom, minute by minute",
                        "## After the session", "## Variant: a class without computers",
                        "## Variant: a fully online cohort"):
            assert section in plan, (kit.module.id, section)
        cards = role_cards_markdown(kit, programme, curriculum.founding_publication)
        assert cards.count("```{container} role-card") == len(kit.roles) >= 3
        assert "## Debrief guide" in cards and "## Ground rules: Professional Dialogue" in cards
        exemplars = exemplars_markdown(kit)
        levels = {lv.label for c in kit.module.rubric.criteria for lv in c.levels}
        assert all(f"## {label}:" in exemplars for label in levels), kit.module.id
        assert len(kit.misconceptions) >= 3


def test_a_module_without_facilitation_material_fails_naming_the_file(repo_copy):
    _facilitation_file(repo_copy, "narratives").unlink()
    problems = _problems(repo_copy)
    assert "modules/narratives/facilitation.yml: file not found" in problems
    assert "remittances" not in problems


def test_a_module_added_to_the_programme_later_fails_until_it_has_its_kit(repo_copy):
    shutil.copytree(repo_copy / "modules" / "remittances", repo_copy / "modules" / "remittances_2")
    (repo_copy / "modules" / "remittances_2" / "remittances.ipynb").rename(
        repo_copy / "modules" / "remittances_2" / "remittances_2.ipynb")
    edit_yaml(repo_copy / "modules" / "remittances_2" / "module.yml",
              lambda d: d.update(id="remittances_2", notebooks=["remittances_2"]))
    edit_yaml(repo_copy / "curriculum" / "programme.yml",
              lambda d: d["modules"].append({"id": "remittances_2", "week": 5}))
    assert load_all_facilitation(load_curriculum(repo_copy))[-1].module.id == "remittances_2"
    _facilitation_file(repo_copy, "remittances_2").unlink()
    assert "modules/remittances_2/facilitation.yml: file not found" in _problems(repo_copy)


@pytest.mark.parametrize("change, field", [
    (lambda d: d["misconceptions"][0].update(exercises=["no-such-answer"]),
     "misconceptions[0].exercises[0]: no exercise 'no-such-answer'"),
    (lambda d: d["role_play"]["roles"][0]["evidence"][0].update(exercise="gone-answer"),
     "role_play.roles[0].evidence[0].exercise: no exercise 'gone-answer'"),
    (lambda d: d["exemplars"].pop(), "exemplars: expected one exemplar per rubric level"),
    (lambda d: d["exemplars"][0]["scores"].update({"Use of evidence": 1.5}),
     "exemplars[0].scores.Use of evidence: 1.5 is not a level"),
    (lambda d: d["session"]["classroom"][0].update(minutes=60),
     "session.classroom: the steps last"),
    (lambda d: d["session"]["classroom"].pop(4), "session.classroom: no step of kind 'role_play'"),
    (lambda d: d["role_play"]["roles"][0].update(stakeholder="local authorities"),
     "role_play.roles[0].stakeholder: 'local authorities' is not among"),
    (lambda d: d["role_play"]["roles"][0].pop("interests"),
     "role_play.roles[0]: 'interests' is a required property"),
    (lambda d: d["printouts"][0].update(dataset="emigrant_stocks"),
     "printouts[0].dataset: 'emigrant_stocks' is not one of the module's datasets"),
    (lambda d: [p.pop("chart", None) for p in d["printouts"]],
     "printouts: none has a chart; a class without computers needs at least one figure"),
])
def test_facilitation_that_disagrees_with_its_module_is_refused_naming_the_field(
        repo_copy, change, field):
    path = _facilitation_file(repo_copy, "remittances")
    edit_yaml(path, change)
    problems = _problems(repo_copy)
    assert f"{path}: {field}" in problems


def test_instructor_book_sources_stop_with_a_clear_message_when_a_kit_is_missing(
        repo_copy, released, tmp_path):
    _facilitation_file(repo_copy, "return_migration").unlink()
    curriculum = load_curriculum(repo_copy)
    with pytest.raises(BookError, match="return_migration/facilitation.yml: file not found"):
        generate_book_sources(curriculum, released, tmp_path / "instructor", "instructor")
    learner = generate_book_sources(curriculum, released, tmp_path / "learner", "learner")
    assert (learner / "syllabus.md").is_file()


def test_exercise_titles_are_read_from_the_notebook_when_the_pages_are_built(repo_copy):
    notebook_path = repo_copy / "modules" / "remittances" / "remittances.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and "Exercise 2 —" in cell.source:
            cell.source = re.sub(r"Exercise 2 — [^(\n]*", "Exercise 2 — Corridors over the line ",
                                 cell.source)
    nbformat.write(notebook, notebook_path)
    kit = load_facilitation(load_curriculum(repo_copy).module("remittances"))
    assert kit.exercises["corridors-answer"].title == "Exercise 2 — Corridors over the line"
    plan = session_plan_markdown(kit)
    assert "*Exercise 2 — Corridors over the line* (`corridors-answer`)" in plan
    assert "Corridors above the 5% line" not in plan


def test_misconceptions_page_lists_every_wrong_answer_of_the_audit_and_the_hints(curriculum):
    for kit in load_all_facilitation(curriculum):
        page = misconceptions_markdown(kit)
        for grade_id, whys in module_wrong_answers(kit.module).items():
            for why in whys:
                assert f"Plausible mistake: {why}" in page, (kit.module.id, grade_id)
        hints = [h for e in kit.exercises.values() for h in e.self_check_hints]
        assert hints and all(" ".join(h.split()).replace("|", "\\|") in page for h in hints)
        for item in kit.misconceptions:
            assert " ".join(item.address.split()) in " ".join(page.split())


def test_handout_tables_are_computed_from_the_module_data(repo_copy):
    csv = repo_copy / "datasets" / "rpw_corridor_costs.csv"
    text = csv.read_text()
    row = next(line for line in text.splitlines() if ",2020Q3," in line)
    csv.write_text(text.replace(row, re.sub(r",[\d.]+,([^,]*)$", r",31.25,\1", row)))
    kit = load_facilitation(load_curriculum(repo_copy).module("remittances"))
    table = printout_table(kit.printouts[0], repo_copy)
    assert table["total_cost_pct"].iloc[0] == 31.25
    images: dict[str, bytes] = {}
    page = handouts_markdown(kit, repo_copy, images.__setitem__)
    assert "| 31.25 |" in page and "31.25" in page.split(":alt:")[1].split("\n")[0]
    assert images["handout-1.png"][:4] == b"\x89PNG"


def test_role_cards_teach_the_professional_dialogue_and_cite_the_publication(curriculum):
    programme = load_programme_facilitation(curriculum)
    kit = load_all_facilitation(curriculum)[0]
    page = role_cards_markdown(kit, programme, curriculum.founding_publication)
    publication = curriculum.founding_publication
    assert publication is not None
    assert f"{publication.publisher} ({publication.year}), *{publication.title}*" in page
    for skill in ("Speaking your view", "Listening", "Respecting", "Disagreeing constructively"):
        assert f"**{skill}**" in page


def test_no_sentence_is_copied_from_the_migration_laboratory_publication(curriculum, repo_root):
    seed = repo_root.parent / "shared" / "seed" / "migration-laboratory-publication.txt"
    if not seed.is_file():
        pytest.skip(f"the founding publication's text is not at {seed}: clone the project "
                    "beside its shared/ folder (the seed is not shipped with the course)")
    source = " ".join(seed.read_text().split()).lower()
    ours = [path.read_text() for path in repo_root.glob("modules/*/facilitation.yml")]
    ours.append((repo_root / "facilitation" / "programme.yml").read_text())
    words = " ".join(" ".join(ours).split()).lower().split()
    copied = {" ".join(words[i:i + 8]) for i in range(len(words) - 8)
              if " ".join(words[i:i + 8]) in source}
    assert copied == set()


def test_programme_page_has_a_schedule_of_every_week_with_a_study_mission(curriculum):
    kits = load_all_facilitation(curriculum)
    page = global_classroom_markdown(curriculum, kits, load_programme_facilitation(curriculum))
    rows = [line for line in page.splitlines() if re.match(r"\| \d+ \| ", line)]
    first = min([1, *(m.week for m in curriculum.modules)])  # week 0: the on-ramp module
    assert [int(r.split("|")[1]) for r in rows][:curriculum.weeks + 1 - first] == list(
        range(first, curriculum.weeks + 1))
    assert "Study mission" in page
    for module in curriculum.modules:
        assert f"({module.id}/session-plan.md)" in page


def test_a_week_without_module_or_plan_is_refused(repo_copy):
    last_week = load_curriculum(repo_copy).weeks  # the closing Lab, the entry removed below
    edit_yaml(repo_copy / "facilitation" / "programme.yml", lambda d: d["weeks"].pop())
    with pytest.raises(FacilitationError, match=f"week {last_week} has no module and no entry"):
        load_programme_facilitation(load_curriculum(repo_copy))


def test_facilitation_pages_are_in_the_instructor_toc_only(curriculum, tmp_path):
    def files(edition: str) -> list[str]:
        parts = toc(curriculum, edition=edition)["parts"]
        out = []
        for part in parts:
            for chapter in part["chapters"]:
                out.append(chapter["file"])
                out += [s["file"] for s in chapter.get("sections", [])]
        return out

    assert not [f for f in files("learner") if f.startswith("facilitation")]
    instructor = files("instructor")
    assert PROGRAMME_PAGE in instructor
    for module in curriculum.modules:
        for page in MODULE_PAGES:
            assert module_page_path(module.id, page) in instructor


def test_instructor_chapter_links_the_modules_kit(curriculum):
    for module in curriculum.modules:
        notes = instructor_notes_markdown(module)
        for page in MODULE_PAGES:
            assert f"(../facilitation/{module.id}/{page}.md)" in notes


def test_learner_sources_hold_no_facilitation_pages(curriculum, released, tmp_path):
    out = tmp_path / "src"
    generate_book_sources(curriculum, released, out, "instructor")
    assert (out / "facilitation" / "remittances" / "role-cards.md").is_file()
    generate_book_sources(curriculum, released, out, "learner")  # the same folder, reused
    assert not (out / "facilitation").exists()
    assert "facilitation" not in (out / "_toc.yml").read_text()
    for chapter in (out / "modules").glob("*.ipynb"):
        assert "Facilitator" not in chapter.read_text()


def test_facilitation_schema_rejects_unknown_keys(repo_copy):
    path = _facilitation_file(repo_copy, "narratives")
    data = yaml.safe_load(path.read_text())
    data["answers"] = "not allowed"
    path.write_text(yaml.safe_dump(data))
    assert "(top level): Additional properties are not allowed" in _problems(repo_copy)
