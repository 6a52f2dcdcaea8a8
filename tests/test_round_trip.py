"""Real nbgrader round trip per module: reference full marks, blank zero, wrong answers lose."""

from __future__ import annotations

import pytest
import yaml

from conftest import REPO, one_wrong_answer_per_exercise, run_round_trip, wrong_answers

# One worker runs every round trip, so each module's (module-scoped) round trip is built once; in
# the full run of 2026-12-02 xdist spread them over both workers and some were built twice.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("round-trip")]


PROGRAMME = yaml.safe_load((REPO / "curriculum" / "programme.yml").read_text())


@pytest.fixture(scope="module", params=[entry["id"] for entry in PROGRAMME["modules"]])
def round_trip(request, curriculum, tmp_path_factory):
    return run_round_trip(curriculum.module(request.param), tmp_path_factory.mktemp("rt"))


def test_reference_solution_earns_full_autograded_marks(round_trip):
    module = round_trip.module
    assert round_trip.autograded_total("reference") == pytest.approx(module.autograded_points)


def test_blank_release_earns_zero(round_trip):
    assert round_trip.autograded_total("blank") == 0


def test_a_wrong_answer_to_each_exercise_earns_at_most_a_third_unless_partial(round_trip):
    """Real nbgrader agrees with the audit's threshold (wrong_answers.yml, issue 11) on one
    wrong answer per exercise; the audit scores all of them as plain nbgrader would."""
    sampled = one_wrong_answer_per_exercise(round_trip.module)
    every = wrong_answers(round_trip.module)
    assert {w["tests"] for _, w in sampled} == {w["tests"] for w in every}
    for i, wrong in sampled:
        score, max_score = round_trip.scores[f"wrong-{i:02d}"][wrong["tests"]]
        assert score < max_score, f"wrong answer '{wrong['why']}' kept all {max_score} points"
        if not wrong.get("partial"):
            assert score <= max_score / 3 + 1e-6, (
                f"wrong answer '{wrong['why']}' earns {score} of {max_score} in nbgrader")
