"""Real nbgrader round trip per module: reference full marks, blank zero, wrong answers lose."""

from __future__ import annotations

import pytest
import yaml

from conftest import REPO, one_wrong_answer_per_exercise, run_round_trip, wrong_answers

# One test per module, sharing nothing: xdist spreads the modules over the workers (a shared
# fixture in one xdist group kept every round trip on one worker, one after the other).
pytestmark = pytest.mark.slow

PROGRAMME = yaml.safe_load((REPO / "curriculum" / "programme.yml").read_text())


@pytest.mark.parametrize("module_id", [entry["id"] for entry in PROGRAMME["modules"]])
def test_nbgrader_gives_the_reference_full_marks_the_blank_zero_and_wrong_answers_little(
        module_id, curriculum, tmp_path):
    """Release, submit and autograde with plain nbgrader: the reference earns every autograded
    point, the blank release none, and a submission with one wrong answer per exercise
    (wrong_answers.yml) at most a third of each exercise's points unless marked partial, as the
    audit says of each wrong answer on its own."""
    module = curriculum.module(module_id)
    round_trip = run_round_trip(module, tmp_path)
    assert round_trip.autograded_total("reference") == pytest.approx(module.autograded_points)
    assert round_trip.autograded_total("blank") == 0
    sampled = one_wrong_answer_per_exercise(module)
    assert {w["tests"] for w in sampled} == {w["tests"] for w in wrong_answers(module)}
    for wrong in sampled:
        score, max_score = round_trip.scores["wrong"][wrong["tests"]]
        assert score < max_score, f"wrong answer '{wrong['why']}' kept all {max_score} points"
        if not wrong.get("partial"):
            assert score <= max_score / 3 + 1e-6, (
                f"wrong answer '{wrong['why']}' earns {score} of {max_score} in nbgrader")
