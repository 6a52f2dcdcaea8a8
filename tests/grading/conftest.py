"""A class of scenario submissions of the remittances module, graded once for the whole session.

Each scenario is a notebook named for what it does (``kernel_dies_after_q2.ipynb``), built from
the released notebook with the solutions filled in and a small edit. The learner's id is the
scenario's name, so a result reads as ``results["kernel_dies_after_q2"]``.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from academy.paths import project_root

MODULE = "remittances"
ROOT = project_root(Path(__file__).parent)
SOURCE = ROOT / "modules" / MODULE / f"{MODULE}.ipynb"
Notebook = dict[str, Any]


def _autograded_points() -> dict[str, float]:
    """The module's autograded test cells and their points, in notebook order."""
    cells = json.loads(SOURCE.read_text())["cells"]
    return {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"]
            for c in cells if c["cell_type"] == "code"
            and c["metadata"].get("nbgrader", {}).get("grade")
            and not c["metadata"]["nbgrader"].get("solution")}


POINTS = _autograded_points()
EXERCISES = list(POINTS)


def gid(cell: dict[str, Any]) -> str:
    return str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))


def solutions() -> dict[str, str]:
    source = json.loads(SOURCE.read_text())
    return {gid(c): "".join(c["source"]) for c in source["cells"]
            if c["metadata"].get("nbgrader", {}).get("solution")}


def wrong_answer(answer: str, why_contains: str) -> str:
    entries = yaml.safe_load((ROOT / "modules" / MODULE / "wrong_answers.yml").read_text())
    return next(e["code"] for e in entries if e["answer"] == answer and why_contains in e["why"])


def answered(release: Notebook, answers: dict[str, str]) -> Notebook:
    """Return the released notebook with ``answers`` (by grade_id) in its answer cells."""
    notebook = copy.deepcopy(release)
    for cell in notebook["cells"]:
        if gid(cell) in answers:
            cell["source"] = answers[gid(cell)]
    return notebook


def cell(notebook: Notebook, grade_id: str) -> dict[str, Any]:
    return next(c for c in notebook["cells"] if gid(c) == grade_id)


def prepend(notebook: Notebook, grade_id: str, code: str) -> Notebook:
    target = cell(notebook, grade_id)
    target["source"] = code + "\n" + "".join(target["source"])
    return notebook


# -- the scenarios ------------------------------------------------------------------------------
MIMETYPE = "application/vnd.academy.observation+json"
SIGINT_LOOP = ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
               "while True:\n    pass\n")


def build_scenarios(release: Notebook, probe_paths: dict[str, str]) -> dict[str, bytes]:
    """Return {scenario file name: file content} for the whole class."""
    sol = solutions()
    good = answered(release, sol)

    def variant(edit: Callable[[Notebook], Any]) -> Notebook:
        notebook = copy.deepcopy(good)
        edit(notebook)
        return notebook

    def with_answers(**answers: str) -> Notebook:
        return answered(release, {**sol, **{k.replace("_", "-"): v
                                             for k, v in answers.items()}})

    partly = with_answers(total_cost_answer=wrong_answer("total-cost-answer", "ignores"),
                          target_gap_answer=wrong_answer("target-gap-answer", "relative gap"))
    wrong = with_answers(
        total_cost_answer=wrong_answer("total-cost-answer", "forgets to multiply"),
        corridors_answer=wrong_answer("corridors-answer", "every quarter"),
        savings_answer=wrong_answer("savings-answer", "whole world"),
        flows_answer=wrong_answer("flows-answer", "FDI only"),
        rankings_answer=wrong_answer("rankings-answer", "GDP instead"),
        providers_answer=wrong_answer("providers-answer", "points instead"))
    q1_wrong = wrong_answer("total-cost-answer", "ignores")

    def test_cell_deleted(nb: Notebook) -> None:
        nb["cells"].remove(cell(nb, "corridors-tests"))

    def cells_duplicated(nb: Notebook) -> None:
        i = nb["cells"].index(cell(nb, "total-cost-answer"))
        nb["cells"][i:i] = [copy.deepcopy(nb["cells"][i]), copy.deepcopy(nb["cells"][i + 1])]

    def cells_reordered(nb: Notebook) -> None:
        cells = nb["cells"]
        a, t = cells.index(cell(nb, "flows-answer")), cells.index(cell(nb, "flows-tests"))
        cells[a], cells[t] = cells[t], cells[a]

    def cells_retyped(nb: Notebook) -> None:
        test = cell(nb, "savings-tests")
        test["cell_type"] = "markdown"
        test.pop("outputs", None)
        test.pop("execution_count", None)
        answer = cell(nb, "providers-answer")
        answer["cell_type"] = "raw"
        answer.pop("outputs", None)
        answer.pop("execution_count", None)

    def test_cell_edited_to_pass(nb: Notebook) -> None:
        cell(nb, "total-cost-answer")["source"] = q1_wrong
        cell(nb, "total-cost-tests")["source"] = "3.0"

    def points_metadata_changed(nb: Notebook) -> None:
        cell(nb, "total-cost-answer")["source"] = q1_wrong
        meta = cell(nb, "total-cost-tests")["metadata"]["nbgrader"]
        meta["points"] = 300
        answer = cell(nb, "total-cost-answer")["metadata"]["nbgrader"]
        answer.update({"grade": True, "points": 50})
        cell(nb, "target-gap-tests")["metadata"]["nbgrader"]["grade"] = False

    patch_traceback = ("ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\n"
                       "ip._showtraceback = lambda *a, **k: None\n")
    patch_helpers = (
        "import math, builtins, numpy.testing, pandas.testing, academy.checks\n"
        "math.isclose = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "pandas.testing.assert_frame_equal = lambda *a, **k: None\n"
        "academy.checks.matches = lambda *a, **k: True\n"
        "academy.checks.score_from_results = lambda results, points: (points, [])\n"
        "builtins.len = lambda *a: 16\n"
        "builtins.float = lambda *a: 3.36\n"
        "builtins.isinstance = lambda *a: True\n")
    always_equal = (
        "class AlwaysEqual(float):\n"
        "    def __eq__(self, other): return True\n"
        "    def __ne__(self, other): return False\n"
        "    __hash__ = float.__hash__\n"
        "class AlwaysEqualList(list):\n"
        "    def __eq__(self, other): return True\n"
        "    def __contains__(self, item): return True\n"
        "    def __len__(self): return 16\n"
        "ratio_to_fdi_plus_oda = AlwaysEqual(0.5)\n"
        "expensive_2020q3 = AlwaysEqualList(['South Africa → Malawi'])\n"
        "share_expensive_2020q3 = 44.0\n")
    fake_output = (
        "from IPython.display import display\n"
        "print('3.0')\n"
        "display({'text/plain': '3.0'}, raw=True)\n"
        f"display({{'{MIMETYPE}': {{'grade_id': 'total-cost-tests', 'label': 'margin only', "
        "'visible': False, 'role': 'observed', 'value': 1.5}, 'text/plain': '3'}, raw=True)\n"
        "def total_cost_pct(amount, fee, margin_pct):\n"
        "    return 100 * fee / amount\n")
    probe = (
        "import json, os, socket\n"
        f"targets = {json.dumps(probe_paths)}\n"
        "found = {}\n"
        "for name, path in targets.items():\n"
        "    try:\n"
        "        with open(path, 'rb') as handle:\n"
        "            handle.read(10)\n"
        "        found[name] = 'READ'\n"
        "    except OSError as exc:\n"
        "        found[name] = 'blocked: ' + type(exc).__name__\n"
        "try:\n"
        "    open(targets['gradebook'], 'ab').close()\n"
        "    found['gradebook-write'] = 'WRITTEN'\n"
        "except OSError as exc:\n"
        "    found['gradebook-write'] = 'blocked: ' + type(exc).__name__\n"
        "for host, port in [('1.1.1.1', 53), ('127.0.0.1', 22), ('pypi.org', 443)]:\n"
        "    try:\n"
        "        socket.create_connection((host, port), timeout=3).close()\n"
        "        found[f'net {host}'] = 'CONNECTED'\n"
        "    except OSError as exc:\n"
        "        found[f'net {host}'] = 'blocked: ' + type(exc).__name__\n"
        "print('PROBE ' + json.dumps(found))\n")

    notebooks: dict[str, Notebook] = {
        "correct": good,
        "partly_correct": partly,
        "wrong": wrong,
        "blank": release,
        "infinite_loop_in_q2": variant(lambda nb: prepend(nb, "corridors-answer",
                                                          "while True:\n    pass\n")),
        "loop_ignores_interrupt_in_q2": variant(lambda nb: prepend(nb, "corridors-answer",
                                                                   SIGINT_LOOP)),
        "memory_bomb_in_q3": variant(lambda nb: prepend(
            nb, "target-gap-answer", "hog = bytearray(16 * 1024 ** 3)\n")),
        "fork_bomb_in_q4": variant(lambda nb: prepend(
            nb, "savings-answer", "import os\nwhile True:\n    os.fork()\n")),
        # hundreds of processes that outlive the cell: the process limit is reached, and the
        # kernel's messages can come back malformed
        "hundreds_of_processes_in_q4": variant(lambda nb: prepend(
            nb, "savings-answer", "import subprocess\nchildren = [subprocess.Popen(['sleep', "
                                  "'600']) for _ in range(400)]\n")),
        "output_flood_in_q5": variant(lambda nb: prepend(
            nb, "flows-answer", "for i in range(200000):\n    print('spam ' * 40)\n")),
        "kernel_dies_after_q2": variant(lambda nb: prepend(
            nb, "target-gap-answer", "import os\nos._exit(1)\n")),
        "segfault_in_q6": variant(lambda nb: prepend(
            nb, "rankings-answer", "import ctypes\nctypes.string_at(0)\n")),
        "test_cell_deleted": variant(test_cell_deleted),
        "cells_duplicated": variant(cells_duplicated),
        "cells_reordered": variant(cells_reordered),
        "cells_retyped": variant(cells_retyped),
        "test_cell_edited_to_pass": variant(test_cell_edited_to_pass),
        "points_metadata_changed": variant(points_metadata_changed),
        "traceback_display_patched": with_answers(
            total_cost_answer=patch_traceback + "def total_cost_pct(a, f, m):\n"
                                                "    raise ValueError('hidden')\n"),
        "comparison_helpers_patched": with_answers(
            total_cost_answer=patch_helpers + q1_wrong,
            corridors_answer="expensive_2020q3 = ['South Africa → Malawi']\n"
                             "share_expensive_2020q3 = 10.0\n",
            target_gap_answer="gap_2025q3 = 'unknown'\ndecline_since_2011_pct = 'unknown'\n"),
        "always_equal_object": with_answers(flows_answer=always_equal,
                                            corridors_answer=always_equal),
        "printed_fake_output": with_answers(total_cost_answer=fake_output),
        "probes_the_sandbox": variant(lambda nb: prepend(nb, "total-cost-answer", probe)),
    }
    files = {f"{name}.ipynb": json.dumps(nb).encode() for name, nb in notebooks.items()}
    import nbformat
    from nbformat.v4 import convert as v4_convert

    v4 = nbformat.reads(json.dumps(good), as_version=4)
    files["old_nbformat_v3.ipynb"] = json.dumps(v4_convert.downgrade(v4)).encode()
    files["invalid_json.ipynb"] = json.dumps(good).encode()[:5000]
    files["empty_file.ipynb"] = b""
    files["not_a_notebook.ipynb"] = b"def total_cost_pct(a, f, m):\n    return 0\n"
    return files


def write_class(course: Path, release: Notebook, probe_paths: dict[str, str]) -> list[str]:
    """Write every scenario as a submission (student id = scenario name); return the ids."""
    students = []
    for filename, content in build_scenarios(release, probe_paths).items():
        student = filename.removesuffix(".ipynb")
        folder = course / "submitted" / student / MODULE
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{MODULE}.ipynb").write_bytes(content)
        students.append(student)
    good = json.dumps(answered(release, solutions()))
    renamed = course / "submitted" / "renamed_notebook" / MODULE
    renamed.mkdir(parents=True, exist_ok=True)
    (renamed / "my remittances work.ipynb").write_text(good)
    missing = course / "submitted" / "missing_notebook" / MODULE
    missing.mkdir(parents=True, exist_ok=True)
    (missing / "notes.txt").write_text("I forgot to upload it")
    return [*students, "renamed_notebook", "missing_notebook"]


def released_notebook(course: Path) -> Notebook:
    from academy.release import release_module

    folder = release_module(MODULE, course=course)
    return json.loads((folder / f"{MODULE}.ipynb").read_text())


@pytest.fixture(scope="session")
def sandbox_mode() -> str:
    from academy.grading.sandbox import bubblewrap_works

    return "on" if bubblewrap_works() else "off"


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory: pytest.TempPathFactory, sandbox_mode: str) -> dict[str, Any]:
    """Grade the whole scenario class in one run; return results by student and the course."""
    from academy.grading.autograde import grade_module

    course = tmp_path_factory.mktemp("course")
    release = released_notebook(course)
    probe_paths = {
        "source notebook": str(SOURCE),
        "gradebook": str(course / "gradebook.db"),
        "other student": str(course / "submitted" / "correct" / MODULE / f"{MODULE}.ipynb"),
        "wrong answers": str(ROOT / "modules" / MODULE / "wrong_answers.yml"),
    }
    students = write_class(course, release, probe_paths)
    # The slowest honest cell takes about 1 s alone, a few on a busy CI machine: 20 s keeps them
    # clear of the timeout, and the runaway scenarios burn 20 CPU-seconds each, not 60.
    summary = grade_module(MODULE, course=course, jobs=2, timeout=20, sandbox=sandbox_mode)
    return {"course": course, "students": students, "summary": summary,
            "results": {r.student: r for r in summary.results}, "release": release}


@pytest.fixture(scope="session")
def plain_nbgrader_scores(tmp_path_factory: pytest.TempPathFactory,
                          graded_class: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Autograde the honest submissions with plain nbgrader; return its scores per exercise."""
    from nbgrader.api import Gradebook

    from academy.course_core import course_layout, nbgrader_api

    course = tmp_path_factory.mktemp("plain")
    honest = ["correct", "partly_correct", "wrong", "blank"]
    released_notebook(course)
    for student in honest:
        shutil.copytree(graded_class["course"] / "submitted" / student,
                        course / "submitted" / student)
    api = nbgrader_api(course_layout(ROOT, course))
    scores: dict[str, dict[str, float]] = {}
    for student in honest:
        outcome = api.autograde(MODULE, student, force=True, create=True)
        assert outcome["success"], outcome.get("log")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in honest:
            scores[student] = {ex: float(gb.find_grade(ex, MODULE, MODULE, student).score)
                               for ex in EXERCISES}
    return scores
