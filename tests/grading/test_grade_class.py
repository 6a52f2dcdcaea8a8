"""One `grade` run over a class with honest submissions and every bad case (see conftest)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from academy.grading.results import SubmissionResult

from .conftest import EXERCISES, MODULE, POINTS, ROOT

# one worker builds the session fixture for every test of the group (pytest-xdist)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("graded-class")]

FULL = float(sum(POINTS.values()))


def scores(result: SubmissionResult) -> dict[str, float]:
    return {e.grade_id: e.score for e in result.exercises}


def expect_only_zero(result: SubmissionResult, *zeroed: str) -> None:
    """Every exercise has full points except ``zeroed``, which have none."""
    got = scores(result)
    assert set(got) == set(EXERCISES)
    for ex in EXERCISES:
        assert got[ex] == (0.0 if ex in zeroed else POINTS[ex]), (ex, result.exercises)


def exercise(result: SubmissionResult, grade_id: str) -> Any:
    return next(e for e in result.exercises if e.grade_id == grade_id)


def test_batch_completes_for_every_student(graded_class: dict[str, Any]) -> None:
    summary = graded_class["summary"]
    assert not summary.failed
    assert sorted(graded_class["results"]) == sorted(graded_class["students"])


def test_honest_submissions_score_as_plain_nbgrader(graded_class: dict[str, Any],
                                                    plain_nbgrader_scores: dict[str, Any]) -> None:
    results = graded_class["results"]
    assert scores(results["correct"]) == {ex: float(p) for ex, p in POINTS.items()}
    for student, plain in plain_nbgrader_scores.items():
        assert scores(results[student]) == pytest.approx(plain, abs=1e-6), student
    assert 0 < results["partly_correct"].score < FULL
    assert results["blank"].score == 0


@pytest.mark.parametrize("student,zeroed,status", [
    ("infinite_loop_in_q2", ["corridors-tests"], None),
    ("loop_ignores_interrupt_in_q2", ["corridors-tests"], None),
    ("memory_bomb_in_q3", ["target-gap-tests"], None),
    ("fork_bomb_in_q4", ["savings-tests"], None),
    ("hundreds_of_processes_in_q4", ["savings-tests"], None),
    ("kernel_dies_after_q2", ["target-gap-tests"], None),
    ("segfault_in_q6", ["rankings-tests"], None),
])
def test_runaway_code_costs_only_its_exercise(graded_class: dict[str, Any], student: str,
                                              zeroed: list[str], status: str | None) -> None:
    result = graded_class["results"][student]
    expect_only_zero(result, *zeroed)
    assert result.needs_attention or any(exercise(result, z).reason for z in zeroed)


def test_timeouts_and_crashes_are_explained(graded_class: dict[str, Any]) -> None:
    results = graded_class["results"]
    assert any("timed out" in p for p in results["infinite_loop_in_q2"].problems)
    assert any("timed out" in p for p in results["loop_ignores_interrupt_in_q2"].problems)
    assert any("killed the kernel" in p for p in results["kernel_dies_after_q2"].problems)
    assert any("killed the kernel" in p for p in results["segfault_in_q6"].problems)


def test_kernel_crash_keeps_earlier_scores(graded_class: dict[str, Any]) -> None:
    result = graded_class["results"]["kernel_dies_after_q2"]
    assert exercise(result, "total-cost-tests").score == 3
    assert exercise(result, "corridors-tests").score == 3


def test_output_flood_is_cut_and_costs_nothing_else(graded_class: dict[str, Any]) -> None:
    result = graded_class["results"]["output_flood_in_q5"]
    for ex in EXERCISES:
        if ex != "flows-tests":
            assert exercise(result, ex).score == POINTS[ex]
    assert any("output" in p for p in result.problems)
    notebook = graded_class["course"] / "autograded" / "output_flood_in_q5" / "remittances"
    assert (notebook / "remittances.ipynb").stat().st_size < 5 * 2 ** 20


@pytest.mark.parametrize("student,why", [
    ("invalid_json", "not valid JSON"),
    ("empty_file", "empty"),
    ("not_a_notebook", "not valid JSON"),
    ("missing_notebook", "no notebook"),
])
def test_unreadable_or_missing_notebook_scores_zero_with_reason(
        graded_class: dict[str, Any], student: str, why: str) -> None:
    result = graded_class["results"][student]
    assert result.score == 0
    assert all(why in e.reason for e in result.exercises)
    assert result.needs_attention


@pytest.mark.parametrize("student,problem", [
    ("old_nbformat_v3", "old notebook format"),
    ("renamed_notebook", "renamed"),
    ("test_cell_deleted", "deleted"),
    ("cells_duplicated", "duplicated"),
    ("cells_reordered", "reordered"),
    ("cells_retyped", "retyped"),
])
def test_restorable_submissions_get_full_marks_and_a_note(graded_class: dict[str, Any],
                                                          student: str, problem: str) -> None:
    result = graded_class["results"][student]
    expect_only_zero(result)
    assert any(problem in p for p in result.problems), result.problems


@pytest.mark.parametrize("student,zeroed,problem", [
    ("test_cell_edited_to_pass", ["total-cost-tests"], "edited"),
    ("points_metadata_changed", ["total-cost-tests"], "metadata changed"),
])
def test_tampering_is_undone_and_reported(graded_class: dict[str, Any], student: str,
                                          zeroed: list[str], problem: str) -> None:
    result = graded_class["results"][student]
    expect_only_zero(result, *zeroed)
    assert result.max_score == FULL
    assert any(problem in p for p in result.problems), result.problems


# Before the checks had gates (issue 11), the right shape kept the visible checks' share of the
# points (1.125 of corridors-tests, 0.67 of flows-tests); now the shape earns nothing.
@pytest.mark.parametrize("student,affected", [
    ("traceback_display_patched", {"total-cost-tests": 0.0}),
    ("comparison_helpers_patched", {"total-cost-tests": 0.0, "corridors-tests": 0.0,
                                    "target-gap-tests": 0.0}),
    ("always_equal_object", {"corridors-tests": 0.0, "flows-tests": 0.0}),
    ("printed_fake_output", {"total-cost-tests": 0.0}),
])
def test_wrong_answer_dressed_up_to_pass_earns_nothing(graded_class: dict[str, Any],
                                                       student: str,
                                                       affected: dict[str, float]) -> None:
    got = scores(graded_class["results"][student])
    assert got == {ex: affected.get(ex, float(POINTS[ex])) for ex in EXERCISES}


def test_gradebook_holds_the_scores(graded_class: dict[str, Any]) -> None:
    from nbgrader.api import Gradebook

    course = graded_class["course"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, result in graded_class["results"].items():
            submission = gb.find_submission("remittances", student)
            auto = sum(g.auto_score or 0 for nb in submission.notebooks for g in nb.grades)
            assert auto == pytest.approx(result.score), student


def _probe(graded_class: dict[str, Any]) -> dict[str, str]:
    path = (graded_class["course"] / "autograded" / "probes_the_sandbox" / "remittances"
            / "remittances.ipynb")
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", ""))
            if text.startswith("PROBE "):
                found: dict[str, str] = json.loads(text.split("PROBE ", 1)[1])
                return found
    raise AssertionError("the probe did not run")


def test_sandbox_hides_solutions_gradebook_and_other_students(graded_class: dict[str, Any],
                                                              sandbox_mode: str) -> None:
    if sandbox_mode != "on":
        pytest.skip("bubblewrap is not available here: apt-get install bubblewrap (.ci/run does)")
    found = _probe(graded_class)
    for name in ("source notebook", "gradebook", "other student", "wrong answers",
                 "gradebook-write"):
        assert found[name].startswith("blocked"), (name, found)
    expect_only_zero(graded_class["results"]["probes_the_sandbox"])


def test_sandbox_has_no_network(graded_class: dict[str, Any], sandbox_mode: str) -> None:
    if sandbox_mode != "on":
        pytest.skip("bubblewrap is not available here: apt-get install bubblewrap (.ci/run does)")
    found = _probe(graded_class)
    for key in ("net 1.1.1.1", "net 127.0.0.1", "net pypi.org"):
        assert found[key].startswith("blocked"), (key, found)


def test_regrade_skips_completed_submissions(graded_class: dict[str, Any],
                                             sandbox_mode: str) -> None:
    from academy.grading.autograde import grade_module

    again = grade_module("remittances", course=graded_class["course"], jobs=2, timeout=20,
                         sandbox=sandbox_mode)
    assert again.graded == []
    assert sorted(again.skipped) == sorted(graded_class["students"])
    assert {r.student: r.score for r in again.results} == {
        s: r.score for s, r in graded_class["results"].items()}


def test_nbgrader_feedback_works_on_academy_grades(graded_class: dict[str, Any]) -> None:
    """The formgrader's "generate feedback" keeps working after `academy grade`."""
    from academy.course_core import course_layout, nbgrader_api

    course = graded_class["course"]
    api = nbgrader_api(course_layout(ROOT, course))
    outcome = api.generate_feedback(MODULE, "correct")
    assert outcome["success"], outcome.get("error", "") + outcome.get("log", "")
    html = (course / "feedback" / "correct" / MODULE / f"{MODULE}.html").read_text()
    manual = sum(c["metadata"]["nbgrader"]["points"] for c in json.loads(
        (ROOT / "modules" / MODULE / f"{MODULE}.ipynb").read_text())["cells"]
        if c["metadata"].get("nbgrader", {}).get("grade")
        and c["metadata"]["nbgrader"].get("solution"))
    assert f"{MODULE} (Score: {FULL:.1f} / {FULL + manual:.1f})" in html
    # the submission's other files travel with it, as with nbgrader's autograde
    kept = course / "autograded" / "missing_notebook" / MODULE / "notes.txt"
    assert kept.read_text() == "I forgot to upload it"
