"""Source notebooks are committed clean and carry what the round trip needs."""

from __future__ import annotations

import nbformat

from conftest import wrong_answers


def test_source_notebooks_are_committed_without_outputs(curriculum):
    for module in curriculum.modules:
        for name in module.notebooks:
            notebook = nbformat.read(module.notebook_path(name), as_version=4)
            dirty = [i for i, c in enumerate(notebook.cells)
                     if c.cell_type == "code" and (c.outputs or c.execution_count)]
            assert not dirty, f"{module.notebook_path(name)}: cells {dirty} have outputs"


def test_every_autograded_exercise_has_two_wrong_answers(curriculum):
    for module in curriculum.modules:
        notebook = nbformat.read(module.notebook_path(), as_version=4)
        test_ids = {c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
                    if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}
        counts = {grade_id: 0 for grade_id in test_ids}
        for wrong in wrong_answers(module):
            assert wrong["tests"] in test_ids, (module.id, wrong)
            counts[wrong["tests"]] += 1
        assert all(n >= 2 for n in counts.values()), (module.id, counts)


def test_test_cells_use_the_checks_library(curriculum):
    for module in curriculum.modules:
        notebook = nbformat.read(module.notebook_path(), as_version=4)
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade"):
                assert "Exercise(" in cell.source and cell.source.rstrip().endswith(".score()")
                assert f'"{meta["grade_id"]}"' in cell.source, meta["grade_id"]
