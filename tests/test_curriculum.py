"""The curriculum files validate, and each kind of mistake is reported by file and field."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from academy.curriculum import CurriculumError, load_curriculum
from conftest import edit_yaml


def test_curriculum_validates(curriculum):
    assert curriculum.modules, "the programme lists no module"
    assert [m.week for m in curriculum.modules] == sorted(m.week for m in curriculum.modules)


def test_gcm_objectives_are_the_23_of_the_compact(curriculum):
    assert sorted(curriculum.gcm_objectives) == list(range(1, 24))
    assert "remittances" in curriculum.gcm_objectives[20].lower()


def _error(root: Path) -> str:
    with pytest.raises(CurriculumError) as info:
        load_curriculum(root)
    return str(info.value)


def test_unknown_gcm_objective_names_file_and_field(repo_copy):
    path = repo_copy / "modules" / "remittances" / "module.yml"
    edit_yaml(path, lambda d: d["gcm_objectives"].append(24))
    message = _error(repo_copy)
    assert str(path) in message and "gcm_objectives[1]" in message


def test_unknown_dataset_names_file_and_field(repo_copy):
    path = repo_copy / "modules" / "remittances" / "module.yml"
    edit_yaml(path, lambda d: d["datasets"].append("no_such_table"))
    message = _error(repo_copy)
    assert str(path) in message and "datasets[" in message and "no_such_table" in message


def test_unknown_sdg_target_is_reported(repo_copy):
    path = repo_copy / "modules" / "remittances" / "module.yml"
    edit_yaml(path, lambda d: d["sdg_targets"].append("3.9"))
    assert "sdg_targets[" in _error(repo_copy)


def test_module_folder_missing_from_programme_is_reported(repo_copy):
    extra = repo_copy / "modules" / "orphan"
    extra.mkdir()
    (extra / "module.yml").write_text((repo_copy / "modules/remittances/module.yml").read_text())
    message = _error(repo_copy)
    assert "programme.yml" in message and "modules/orphan is not listed" in message


def test_duplicate_module_ids_are_reported(repo_copy):
    path = repo_copy / "curriculum" / "programme.yml"
    edit_yaml(path, lambda d: d["modules"].append(dict(d["modules"][0])))
    assert "duplicate module id" in _error(repo_copy)


def test_objective_without_measurable_verb_is_reported(repo_copy):
    path = repo_copy / "modules" / "remittances" / "module.yml"
    edit_yaml(path, lambda d: d["objectives"].append("Understand why remittances matter."))
    message = _error(repo_copy)
    assert "objectives[" in message and "understand" in message


def test_schema_error_names_file_and_field(repo_copy):
    path = repo_copy / "modules" / "remittances" / "module.yml"
    edit_yaml(path, lambda d: d["minutes"].update(teaching="an hour"))
    message = _error(repo_copy)
    assert str(path) in message and "minutes.teaching" in message


def test_broken_yaml_names_the_file(repo_copy):
    path = repo_copy / "curriculum" / "programme.yml"
    path.write_text("modules: [unclosed\n")
    message = _error(repo_copy)
    assert str(path) in message and "not valid YAML" in message


def test_rubric_must_add_up_to_manual_points(repo_copy):
    path = repo_copy / "modules" / "remittances" / "module.yml"
    edit_yaml(path, lambda d: d["points"].update(manual=99))
    assert "points.manual" in _error(repo_copy)


def _grade_cells(module):
    notebook = nbformat.read(module.notebook_path(), as_version=4)
    return [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]


def test_module_points_match_the_notebook(curriculum):
    for module in curriculum.modules:
        cells = _grade_cells(module)
        auto = sum(c.metadata["nbgrader"]["points"] for c in cells if c.cell_type == "code")
        manual = sum(c.metadata["nbgrader"]["points"] for c in cells if c.cell_type == "markdown")
        assert auto == module.autograded_points, module.id
        assert manual == module.manual_points, module.id


def test_each_module_has_five_exercises_and_a_rubric_graded_reflection(curriculum):
    for module in curriculum.modules:
        cells = _grade_cells(module)
        assert sum(c.cell_type == "code" for c in cells) >= 5, module.id
        manual = [c for c in cells if c.cell_type == "markdown"]
        assert [c.metadata["nbgrader"]["grade_id"] for c in manual] == [module.rubric.grade_id]


def test_each_module_shows_several_stakeholders(curriculum):
    for module in curriculum.modules:
        assert len(module.stakeholders) >= 2, module.id
