"""The exercise audit: its mutation operators, its shape adversary, a scenario module whose tests
are strong (passes) or weakened (fails), and every module of the programme (must pass)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml

from academy.audit import AuditTarget, audit_module, audit_target
from academy.audit.adversary import Adversary, apply, assigned_names
from academy.audit.mutants import blank_answer, mutants
from academy.check_cells import expected_problems
from academy.checks import Exercise
from conftest import REPO

PROGRAMME = yaml.safe_load((REPO / "curriculum" / "programme.yml").read_text())

SOLUTION = '''def share_above(values, threshold):
    """Return the percentage of values above threshold."""
    ### BEGIN SOLUTION
    above = [v for v in values if v > threshold]
    return 100 * len(above) / len(values)
    ### END SOLUTION
'''

STRONG_TESTS = '''from academy.checks import Exercise, attempt
q = Exercise("share-tests", points=3)
q.gate("a number", type(attempt(lambda: share_above([1.0, 2.0], 1.0))).__name__, "float",
       hint="share_above should return a number such as 50.0.")
q.self_check("the example", attempt(lambda: share_above([1.0, 2.0, 3.0, 4.0], 2.0)), 50.0,
             hint="Two of four values are above 2: that is 50 per cent.")
### BEGIN HIDDEN TESTS
q.check("at the threshold", attempt(lambda: share_above([5.0, 5.0, 6.0, 4.0], 5.0)), 25.0, weight=2)
q.check("none above", attempt(lambda: share_above([1.0, 2.0], 3.0)), 0.0)
q.check("all above", attempt(lambda: share_above([4.0, 5.0, 6.0], 0.5)), 100.0)
### END HIDDEN TESTS
q.score()
'''

# The same tests weakened as issue 11 found them in the modules: a type-only check given weight,
# and the visible example turned into a range check. Any number earns a share of the points.
WEAK_TESTS = STRONG_TESTS.replace(
    'q.gate("a number", type(attempt(lambda: share_above([1.0, 2.0], 1.0))).__name__, "float",\n'
    '       hint="share_above should return a number such as 50.0.")',
    'q.check("a number", type(attempt(lambda: share_above([1.0, 2.0], 1.0))).__name__, "float",'
    ' weight=4)').replace(
    'q.self_check("the example", attempt(lambda: share_above([1.0, 2.0, 3.0, 4.0], 2.0)), 50.0,',
    'q.gate("a percentage", attempt(lambda: 0 <= share_above([1.0, 2.0, 3.0, 4.0], 2.0) <= 100),'
    ' True,')

WRONG_ANSWERS = [
    {"answer": "share-answer", "tests": "share-tests", "why": "counts values at the threshold",
     "code": "def share_above(values, threshold):\n"
             "    return 100 * len([v for v in values if v >= threshold]) / len(values)\n"},
    {"answer": "share-answer", "tests": "share-tests", "why": "a fraction, not a percentage",
     "code": "def share_above(values, threshold):\n"
             "    return len([v for v in values if v > threshold]) / len(values)\n"},
    {"answer": "share-answer", "tests": "share-tests", "why": "counts instead of a share",
     "code": "def share_above(values, threshold):\n"
             "    return float(len([v for v in values if v > threshold]))\n"},
]


def scenario_module(folder: Path, tests: str) -> AuditTarget:
    """Write a one-exercise module (notebook, wrong answers) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)

    def cell(source: str, **nbgrader: object) -> nbformat.NotebookNode:
        made = nbformat.v4.new_code_cell(source)
        if nbgrader:
            made.metadata["nbgrader"] = {"schema_version": 3, "locked": False, **nbgrader}
        return made

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Shares above a threshold"),
        cell("values = [2.5, 5.0, 7.5, 10.0]"),
        cell(SOLUTION, grade_id="share-answer", solution=True, grade=False),
        cell(tests, grade_id="share-tests", solution=False, grade=True, points=3),
    ]
    nbformat.write(nb, folder / "scenario.ipynb")
    (folder / "wrong_answers.yml").write_text(yaml.safe_dump(WRONG_ANSWERS))
    return AuditTarget("scenario", "Scenario", folder, ("scenario",))


# -- the parts --------------------------------------------------------------------------------

def test_mutants_model_common_mistakes_inside_the_solution_only():
    made = {m.description.split(": ", 1)[-1] for m in mutants(SOLUTION)}
    assert "Gt -> GtE" in made  # comparison boundary
    assert "100 x100" in made and "100 +1" in made  # constants
    assert "Div -> Mult" in made  # arithmetic
    assert "len() -> ..." not in made
    assert any(d.startswith("returns above") for d in made)  # an intermediate variable
    for mutant in mutants(SOLUTION):
        assert mutant.source.startswith("def share_above(values, threshold):")


def test_mutants_drop_filters_swap_aggregations_and_sorts():
    source = ("### BEGIN SOLUTION\n"
              "latest = costs[costs['period'] == '2020Q3']\n"
              "top = sorted(latest.nlargest(5, 'cost')['name'].tolist())\n"
              "mean_cost = latest['cost'].sum()\n"
              "### END SOLUTION\n")
    made = {m.description.split(": ", 1)[-1] for m in mutants(source)}
    assert {"filter dropped", "missing sort", "sort order reversed", ".nlargest() -> .nsmallest()",
            ".sum() -> .mean()", "Eq -> NotEq"} <= made


def test_blank_answer_is_the_released_stub():
    blank = blank_answer(SOLUTION)
    assert "raise NotImplementedError()" in blank and "100 *" not in blank
    assert blank.startswith("def share_above(values, threshold):")


def test_shape_adversary_keeps_type_and_shape_and_changes_contents():
    import pandas as pd

    names = assigned_names(["top = ['a', 'b']\nshare = 40.0\ntable['new'] = 1\n"
                            "def f(x):\n    return x\n"])
    assert names == ["top", "share", "table", "f"]
    namespace = {"top": ["India", "Mexico"], "share": 40.0, "f": lambda x: x,
                 "frame": pd.DataFrame({"country": ["Nepal", "Samoa"]})}
    namespace["f"].__module__ = "__main__"
    apply(namespace, "perturb", ["top", "share", "f"])
    assert namespace["share"] != 40.0 and isinstance(namespace["share"], float)
    assert namespace["f"](2.0) != 2.0
    assert Adversary("reorder", [])(["a", "b", "c"]) == ["c", "b", "a"]
    assert Adversary("replace", ["Nepal", "Samoa"])(["Samoa"]) == ["Nepal"]
    assert Adversary("empty", [])(["a"]) == []


def test_expected_values_computed_from_the_notebook_are_refused():
    cell = ("q.check('which', answer, sorted(costs['corridor']))\n"
            "q.check('share', share, 100 * 16 / 36)\n"
            "q.check('frame', table, pd.Series([1.0, 2.0], index=['a', 'b']))\n")
    problems = expected_problems(cell)
    assert len(problems) == 1 and "'which'" in problems[0]


def test_gates_must_pass_but_earn_nothing():
    q = Exercise("q", points=3)
    q.gate("a list", "list", "list")
    q.check("values", [1, 2], [1, 3])
    assert float(q.score()) == 0.0
    q = Exercise("q", points=3)
    q.gate("a list", "str", "list", hint="Make it a list.")
    q.check("values", [1, 3], [1, 3])
    with pytest.raises(AssertionError, match="Make it a list"):
        q.score()


def test_a_learner_copy_shows_which_self_checks_passed_not_a_score():
    q = Exercise("q", points=2)
    q.gate("a list", "list", "list")
    q.self_check("the example", 6.5, 6.5)
    shown = q.score()
    assert "not your grade" in repr(shown) and "of 2 points" not in shown._repr_html_()
    assert "the example" in shown._repr_html_()
    q.check("hidden", 1, 1)
    graded = q.score()
    assert float(graded) == 2.0 and repr(graded) == "2.0"


# -- a scenario module, strong and weakened -----------------------------------------------------

def test_strong_tests_pass_the_audit(tmp_path):
    audit = audit_target(scenario_module(tmp_path / "strong", STRONG_TESTS))
    exercise = audit.exercises[0]
    assert exercise.failures() == [], exercise.failures()
    assert audit.passed
    assert exercise.mutant_counts["killed"] >= 8
    assert [v.score for v in exercise.of("reference")] == [3.0]
    assert [v.score for v in exercise.of("blank")] == [0.0]
    assert all(v.nbgrader_score == pytest.approx(v.score) for v in exercise.variants
               if v.kind != "adversary")


def test_a_type_only_check_given_weight_fails_the_audit(tmp_path):
    audit = audit_target(scenario_module(tmp_path / "weak", WEAK_TESTS))
    failures = audit.exercises[0].failures()
    assert not audit.passed
    assert any("'a number' carries points" in f for f in failures), failures
    assert any(f.startswith("shape adversary") for f in failures), failures
    assert any("more than a third" in f for f in failures), failures


def test_a_wrong_answer_worth_more_than_a_third_fails_unless_marked_partial(tmp_path):
    target = scenario_module(tmp_path / "partial", STRONG_TESTS.replace(
        'q.check("none above"', 'q.check("none above (heavy)"').replace(
        '0.0)\nq.check("all above"', '0.0, weight=6)\nq.check("all above"'))
    entries = WRONG_ANSWERS + [{
        "answer": "share-answer", "tests": "share-tests",
        "why": "returns 0 or 50 whatever the values",
        "code": "def share_above(values, threshold):\n"
                "    return 0.0 if max(values) <= threshold else 50.0\n"}]
    (target.folder / "wrong_answers.yml").write_text(yaml.safe_dump(entries))
    first = audit_target(target, nbgrader=False).exercises[0].failures()
    assert any("returns 0 or 50" in f and "more than a third" in f for f in first), first
    entries[-1]["partial"] = "right on the empty case, which is a third of the task"
    (target.folder / "wrong_answers.yml").write_text(yaml.safe_dump(entries))
    second = audit_target(target, nbgrader=False).exercises[0].failures()
    assert not any("returns 0 or 50" in f for f in second), second


# -- the programme ------------------------------------------------------------------------------

@pytest.mark.parametrize("module_id", [entry["id"] for entry in PROGRAMME["modules"]])
def test_every_module_passes_the_audit(module_id):
    audit = audit_module(module_id, root=REPO)
    failures = [f"{e.grade_id}: {f}" for e in audit.exercises for f in e.failures()]
    assert audit.passed, "\n".join(audit.problems + failures)
