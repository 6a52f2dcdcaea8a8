"""`academy new module ID`: the new module passes every check of the project from the start, and
nothing that exists is ever overwritten."""

from __future__ import annotations

import difflib
from pathlib import Path

import nbformat
import pytest
import yaml
from click.testing import CliRunner

import test_curriculum
import test_notebooks
from academy.cli import main
from academy.curriculum import load_curriculum
from academy.scaffold import DATASET, ScaffoldError, new_module
from conftest import one_wrong_answer_per_exercise, run_round_trip

MODULE = "climate_mobility"


@pytest.fixture()
def scaffolded(repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch copy of the repository with module MODULE created by the scaffold; $ACADEMY_ROOT
    points at it, so notebooks, kernels and the CLI load that curriculum."""
    monkeypatch.setenv("ACADEMY_ROOT", str(repo_copy))
    new_module(repo_copy, MODULE, title="Climate and mobility")
    return repo_copy


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for folder in ("modules", "curriculum") for p in sorted((root / folder).rglob("*"))
            if p.is_file()}


def test_new_module_writes_its_four_files_and_the_programme_line(repo_copy):
    created = new_module(repo_copy, MODULE)
    folder = repo_copy / "modules" / MODULE
    assert created == [folder / "module.yml", folder / f"{MODULE}.ipynb",
                       folder / "wrong_answers.yml", folder / "facilitation.yml",
                       repo_copy / "curriculum" / "programme.yml"]
    assert all(path.is_file() for path in created)
    module = yaml.safe_load((folder / "module.yml").read_text())
    assert module["id"] == MODULE and module["title"] == "Climate mobility"
    assert module["notebooks"] == [MODULE] and DATASET in module["datasets"]


def test_scaffolded_module_passes_validate(scaffolded):
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    curriculum = load_curriculum(scaffolded)
    assert curriculum.modules[-1].id == MODULE
    assert f"OK: {len(curriculum.modules)} modules" in result.output


def test_scaffolded_module_has_a_valid_facilitation_kit(scaffolded):
    from academy.facilitation import (
        load_all_facilitation,
        load_facilitation,
        load_programme_facilitation,
    )
    from academy.facilitation_pages import (
        exemplars_markdown,
        handouts_markdown,
        session_plan_markdown,
    )

    curriculum = load_curriculum(scaffolded)
    assert [kit.module.id for kit in load_all_facilitation(curriculum)][-1] == MODULE
    load_programme_facilitation(curriculum)
    kit = load_facilitation(curriculum.module(MODULE))
    assert 90 <= kit.session_minutes <= 120
    assert "TODO" in session_plan_markdown(kit) and "## Proficient:" in exemplars_markdown(kit)
    images: list[str] = []
    handouts = handouts_markdown(kit, scaffolded, lambda name, _png: images.append(name))
    assert "India" in handouts and images  # the printout's table and its chart


def test_scaffolded_module_passes_the_notebook_and_curriculum_checks(scaffolded):
    """The very checks tests/test_curriculum.py and tests/test_notebooks.py run on every module
    (five exercises, points, stakeholders, clean notebooks, the checks library, wrong answers)."""
    curriculum = load_curriculum(scaffolded)
    assert MODULE in [m.id for m in curriculum.modules]
    for check in (test_curriculum.test_curriculum_validates,
                  test_curriculum.test_module_points_match_the_notebook,
                  test_curriculum.test_each_module_has_five_exercises_and_a_rubric_graded_reflection,
                  test_curriculum.test_each_module_shows_several_stakeholders,
                  test_notebooks.test_source_notebooks_are_committed_without_outputs,
                  test_notebooks.test_every_autograded_exercise_has_two_wrong_answers,
                  test_notebooks.test_test_cells_use_the_checks_library):
        check(curriculum)


def test_scaffolded_notebook_runs_from_top_to_bottom(scaffolded):
    from academy.execute import execute_notebook

    execute_notebook(scaffolded / "modules" / MODULE / f"{MODULE}.ipynb")


def test_scaffolded_module_passes_the_exercise_audit(scaffolded):
    from academy.audit import audit_module

    audit = audit_module(MODULE, root=scaffolded)
    assert audit.passed, [e.failures() for e in audit.exercises] + audit.problems
    assert len(audit.exercises) == 5
    for exercise in audit.exercises:
        assert exercise.mutant_counts["killed"] >= 5, exercise.grade_id
        assert len(exercise.of("wrong-answer")) >= 3, exercise.grade_id


def test_hidden_checks_compare_with_values_of_the_dataset(scaffolded):
    """The expected values are written out, and they are those of the table in datasets/."""
    from academy import data

    table = data.load(DATASET, root=scaffolded)
    notebook = nbformat.read(scaffolded / "modules" / MODULE / f"{MODULE}.ipynb", as_version=4)
    sources = "\n".join(cell.source for cell in notebook.cells)
    total = table["remittances_received_usd_m"].sum() / 1000
    assert f"{round(total, 6)}" in sources
    share = 100 * table["remittances_received_usd_m"] / table["gdp_usd_m"]
    top3 = table.assign(share=share).nlargest(3, "share")["country"].tolist()
    assert str(top3).replace("'", '"') in sources
    assert "{{" not in sources and "}}" not in sources  # every placeholder was filled


@pytest.mark.slow
def test_scaffolded_module_round_trips_through_nbgrader(scaffolded, tmp_path):
    """Real nbgrader: the reference earns full marks, the blank release zero, and a submission
    of wrong answers (one per exercise) at most a third of each exercise's points."""
    module = load_curriculum(scaffolded).module(MODULE)
    trip = run_round_trip(module, tmp_path / "course", root=scaffolded)
    assert trip.autograded_total("reference") == pytest.approx(module.autograded_points) == 10
    assert trip.autograded_total("blank") == 0
    for wrong in one_wrong_answer_per_exercise(module):
        score, max_score = trip.scores["wrong"][wrong["tests"]]
        assert score <= max_score / 3 + 1e-6, f"wrong answer '{wrong['why']}' earns {score}"


def _default_week(root: Path) -> int:
    """The week after the programme's last module, at most the programme's last week."""
    programme = yaml.safe_load((root / "curriculum" / "programme.yml").read_text())
    return min(max(m["week"] for m in programme["modules"]) + 1, programme["weeks"])


def test_programme_gains_one_line_and_keeps_its_comments(repo_copy):
    path = repo_copy / "curriculum" / "programme.yml"
    before = path.read_text()
    week = _default_week(repo_copy)
    new_module(repo_copy, MODULE)
    after = path.read_text()
    added = [line for line in difflib.ndiff(before.splitlines(), after.splitlines())
             if line.startswith(("+ ", "- "))]
    assert added == [f"+   - {{id: {MODULE}, week: {week}}}"]
    assert after.startswith("# The Global Classroom programme")


def test_a_module_placed_in_an_earlier_week_keeps_the_programme_in_week_order(repo_copy):
    new_module(repo_copy, MODULE, week=2)
    curriculum = load_curriculum(repo_copy)
    ids = [m.id for m in curriculum.modules]
    assert ids.index(MODULE) == ids.index("return_migration") + 1
    test_curriculum.test_curriculum_validates(curriculum)


@pytest.mark.parametrize("module_id", ["Climate", "2climate", "climate-mobility",
                                       "climate mobility", "", "../escape", "_climate"])
def test_an_invalid_id_is_refused_and_nothing_is_written(repo_copy, module_id):
    before = _snapshot(repo_copy)
    with pytest.raises(ScaffoldError, match="is not a valid module id"):
        new_module(repo_copy, module_id)
    assert _snapshot(repo_copy) == before


def test_an_existing_folder_is_refused_and_left_untouched(repo_copy):
    folder = repo_copy / "modules" / MODULE
    folder.mkdir()
    (folder / "notes.md").write_text("a draft the author is writing")
    before = _snapshot(repo_copy)
    with pytest.raises(ScaffoldError, match=f"modules/{MODULE} already exists"):
        new_module(repo_copy, MODULE)
    assert _snapshot(repo_copy) == before


def test_an_id_already_in_the_programme_is_refused(repo_copy):
    import shutil

    shutil.rmtree(repo_copy / "modules" / "narratives")  # listed, even without its folder
    before = _snapshot(repo_copy)
    for module_id in ("remittances", "narratives"):
        with pytest.raises(ScaffoldError, match=f"'{module_id}' is already in the programme"):
            new_module(repo_copy, module_id)
    assert _snapshot(repo_copy) == before
    assert not (repo_copy / "modules" / "narratives").exists()


def test_a_week_outside_the_programme_is_refused(repo_copy):
    weeks = yaml.safe_load((repo_copy / "curriculum" / "programme.yml").read_text())["weeks"]
    before = _snapshot(repo_copy)
    with pytest.raises(ScaffoldError, match=f"week {weeks + 1} is outside the programme"):
        new_module(repo_copy, MODULE, week=weeks + 1)
    assert _snapshot(repo_copy) == before


def test_a_programme_not_listed_one_module_per_line_is_refused_and_left_alone(repo_copy):
    path = repo_copy / "curriculum" / "programme.yml"
    week = _default_week(repo_copy)
    programme = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump(programme, sort_keys=False))  # block style, comments gone
    before = _snapshot(repo_copy)
    with pytest.raises(ScaffoldError,
                       match=f"add `- {{id: climate_mobility, week: {week}}}` by hand"):
        new_module(repo_copy, MODULE)
    assert _snapshot(repo_copy) == before


def test_cli_new_module_prints_the_files_it_created(repo_copy, monkeypatch):
    monkeypatch.setenv("ACADEMY_ROOT", str(repo_copy))
    result = CliRunner().invoke(main, ["new", "module", MODULE, "--title", "Climate and mobility",
                                       "--week", "5"])
    assert result.exit_code == 0, result.output
    for name in ("module.yml", f"{MODULE}.ipynb", "wrong_answers.yml", "facilitation.yml"):
        assert f"created: modules/{MODULE}/{name}" in result.output
        assert (repo_copy / "modules" / MODULE / name).is_file()
    assert "changed: curriculum/programme.yml" in result.output


def test_cli_refusal_is_one_plain_message(repo_copy, monkeypatch):
    monkeypatch.setenv("ACADEMY_ROOT", str(repo_copy))
    result = CliRunner().invoke(main, ["new", "module", "remittances"])
    assert result.exit_code == 1
    assert "'remittances' is already in the programme" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, ScaffoldError)
