"""Tests of the Return migration module beyond the generic ones: the synthetic tables regenerate
from their seeds and match their schema, and the reintegration index of the notebook and of the
explorer agree with an independent computation written from the module's stated rules."""

from __future__ import annotations

import csv
import socket
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
import yaml

from academy import data, synthetic
from academy.curriculum import load_curriculum
from academy.explore import return_migration as explorer
from academy.synthetic import local_vacancies_synthetic, returnee_survey_synthetic

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "modules" / "return_migration"
NOTEBOOK = MODULE / "return_migration.ipynb"
SURVEY_CSV = ROOT / "datasets" / "returnee_survey_synthetic.csv"
VACANCIES_CSV = ROOT / "datasets" / "local_vacancies_synthetic.csv"

# The module's scoring rules, written out again on purpose (not imported) so that the checks
# below are independent of the code they check: indicator -> higher is better.
RULES = {
    "economic": {"income_usd_month": True, "work_days_month": True, "debt_usd": False},
    "social": {"housing_quality": True, "services_access": True, "community_participation": True},
    "psychosocial": {"wellbeing": True, "discrimination": False, "wish_to_leave": False},
}
WEIGHTINGS = {
    "balanced": {"economic": 1, "social": 1, "psychosocial": 1},
    "economic first": {"economic": 3, "social": 1, "psychosocial": 1},
    "well-being first": {"economic": 1, "social": 1, "psychosocial": 3},
}
THRESHOLD = 0.5


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _independent_scores(rows: list[dict[str, str]]) -> list[dict[str, float]]:
    """Return each row's dimension scores from the raw CSV text, with plain Python."""
    scaled: dict[str, list[float]] = {}
    for indicators in RULES.values():
        for name, higher in indicators.items():
            values = [float(r[name]) for r in rows]
            low, high = min(values), max(values)
            unit = [(v - low) / (high - low) for v in values]
            scaled[name] = unit if higher else [1 - u for u in unit]
    return [{dim: sum(scaled[name][i] for name in ind) / len(ind) for dim, ind in RULES.items()}
            for i in range(len(rows))]


def _independent_index(scores: list[dict[str, float]], weights: dict[str, float]) -> list[float]:
    total = sum(weights.values())
    return [sum(s[d] * w for d, w in weights.items()) / total for s in scores]


def _shares(rows: list[dict[str, str]], index: list[float]) -> tuple[float, dict[str, float]]:
    """Return (overall %, % by support type) at or above the threshold."""
    groups: dict[str, list[bool]] = {}
    for row, value in zip(rows, index, strict=True):
        groups.setdefault(row["support_type"], []).append(value >= THRESHOLD)
    overall = 100 * sum(v >= THRESHOLD for v in index) / len(index)
    return overall, {g: 100 * sum(f) / len(f) for g, f in groups.items()}


def _ranking(by_group: dict[str, float]) -> list[str]:
    return sorted(by_group, key=lambda g: -by_group[g])


def _no_network(self: socket.socket, address: Any) -> None:
    raise OSError(f"network access attempted: {address!r}")


@pytest.fixture(scope="module")
def solved() -> dict[str, Any]:
    """Return the namespace of the source notebook's reference solution, executed in-process
    with network connections refused; test-cell scores are kept in it."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    namespace: dict[str, Any] = {"__scores__": {}}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _no_network)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or "interactive" in cell.metadata.get("tags", []):
                continue
            source = cell.source
            if meta.get("grade"):
                # The last line is `qN.score()`: keep its value to compare with the points.
                *body, last = source.rstrip().splitlines()
                source = "\n".join([*body, f"__scores__[{meta['grade_id']!r}] = {last}"])
            exec(compile(source, f"{NOTEBOOK.name}:{meta.get('grade_id')}", "exec"), namespace)
    return namespace


def test_reference_solution_earns_every_point_offline(
        solved: dict[str, Any]) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
              for c in nb.cells
              if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}
    assert {k: float(v) for k, v in solved["__scores__"].items()} == points


def test_survey_regenerates_identically_from_its_seed() -> None:
    text = synthetic.csv_text("returnee_survey_synthetic")
    assert text == SURVEY_CSV.read_text(encoding="utf-8")


def test_vacancies_regenerate_identically_from_their_seed() -> None:
    text = synthetic.csv_text("local_vacancies_synthetic")
    assert text == VACANCIES_CSV.read_text(encoding="utf-8")


def test_another_seed_gives_another_survey() -> None:
    assert not returnee_survey_synthetic.generate(seed=1).equals(
        returnee_survey_synthetic.generate())


@pytest.mark.parametrize("name, generator", [
    ("returnee_survey_synthetic", returnee_survey_synthetic),
    ("local_vacancies_synthetic", local_vacancies_synthetic),
])
def test_synthetic_table_loads_with_its_schema_types_equal_to_the_generator(
        name: str, generator: Any) -> None:
    pd.testing.assert_frame_equal(data.load(name), generator.generate())


@pytest.mark.parametrize("name, seed", [
    ("returnee_survey_synthetic", returnee_survey_synthetic.SEED),
    ("local_vacancies_synthetic", local_vacancies_synthetic.SEED),
])
def test_synthetic_table_is_labelled_and_documents_seed_and_generator(name: str, seed: int) -> None:
    info = data.describe(name)
    assert info.synthetic
    assert "synthetic" in name and "Synthetic" in info.title
    generation = str(info.descriptor["generation"])
    assert f"seed={seed}" in generation
    assert f"src/academy/synthetic/{name}.py" in generation


def test_data_package_reports_no_problem_with_the_module_tables() -> None:
    problems = [p for p in data.validate_package()
                if "returnee_survey_synthetic" in p or "local_vacancies_synthetic" in p]
    assert problems == []


def test_survey_is_small_and_has_the_documented_groups() -> None:
    survey = data.load("returnee_survey_synthetic")
    assert len(survey) == returnee_survey_synthetic.N_RETURNEES == 300
    assert SURVEY_CSV.stat().st_size < 50_000
    assert set(survey["support_type"]) == set(returnee_survey_synthetic.SUPPORT_TYPES)
    spontaneous = survey[survey["return_type"] == "spontaneous"]
    assert set(spontaneous["support_type"]) == {"None"}
    assert not (survey["qualification_recognised"] & ~survey["qualified_abroad"]).any()


def test_notebook_index_agrees_with_an_independent_computation(solved: dict[str, Any]) -> None:
    rows = _rows(SURVEY_CSV)
    scores = _independent_scores(rows)
    notebook_scores = solved["scores"]
    for i in (0, 1, 150, 299):
        for dim in RULES:
            assert float(notebook_scores.loc[i, dim]) == pytest.approx(scores[i][dim], abs=1e-12)
    balanced = _independent_index(scores, WEIGHTINGS["balanced"])
    assert [float(v) for v in solved["composite"]] == pytest.approx(balanced, abs=1e-12)
    overall, by_group = _shares(rows, balanced)
    assert solved["share_reintegrated"] == pytest.approx(overall)
    assert solved["share_by_support"].index.tolist() == _ranking(by_group)
    assert [float(v) for v in solved["share_by_support"]] == pytest.approx(
        [by_group[g] for g in _ranking(by_group)])


def test_rankings_under_other_weights_agree_and_differ(solved: dict[str, Any]) -> None:
    rows = _rows(SURVEY_CSV)
    scores = _independent_scores(rows)
    rankings = {}
    for name, weights in WEIGHTINGS.items():
        index = _independent_index(scores, weights)
        # No returnee sits so close to the threshold that rounding could flip the answer.
        assert min(abs(v - THRESHOLD) for v in index) > 1e-9
        overall, by_group = _shares(rows, index)
        rankings[name] = _ranking(by_group)
        assert solved["share_by_weighting"][name] == pytest.approx(overall)
        assert solved["ranking_by_weighting"][name] == rankings[name]
    # The module's teaching point: the best-ranked support depends on the weights.
    assert len({tuple(r) for r in rankings.values()}) == 3
    assert rankings["economic first"][0] != rankings["well-being first"][0]


def test_explorer_index_agrees_with_an_independent_computation() -> None:
    survey = data.load("returnee_survey_synthetic")
    scores = _independent_scores(_rows(SURVEY_CSV))
    for weights in WEIGHTINGS.values():
        values = explorer._index_values(
            survey, (weights["economic"], weights["social"], weights["psychosocial"]))
        assert values.tolist() == pytest.approx(_independent_index(scores, weights), abs=1e-12)


def test_explorer_rules_are_the_rules_the_module_states() -> None:
    assert explorer.INDICATORS == RULES
    assert explorer.THRESHOLD == THRESHOLD


def test_skills_answers_agree_with_an_independent_count(solved: dict[str, Any]) -> None:
    rows = [r for r in _rows(SURVEY_CSV) if r["seeking_work"] == "true"]
    vacancies = {r["sector"]: (int(r["vacancies"]), int(r["vacancies_certified"]))
                 for r in _rows(VACANCIES_CSV)}
    sectors = sorted({r["sector"] for r in rows} | set(vacancies))
    gap = solved["skills_gap"]
    assert gap.index.tolist() == sectors
    totals = {"now": 0, "recognised": 0}
    for sector in sectors:
        here = [r for r in rows if r["sector"] == sector]
        open_posts, certified_posts = vacancies.get(sector, (0, 0))
        assert int(gap.loc[sector, "gap"]) == open_posts - len(here)
        for key, column in (("now", "qualification_recognised"),
                            ("recognised", "qualified_abroad")):
            certified_people = sum(r[column] == "true" for r in here)
            placed = min(certified_posts, certified_people)
            totals[key] += placed + min(open_posts - certified_posts, len(here) - placed)
    assert solved["matched_now"] == totals["now"]
    assert solved["matched_with_recognition"] == totals["recognised"]


def test_static_figure_and_control_are_built_from_the_survey() -> None:
    from matplotlib.figure import Figure

    survey = data.load("returnee_survey_synthetic")
    assert isinstance(explorer.reintegration_figure(survey), Figure)
    assert isinstance(explorer.reintegration_figure(survey, 0, 0, 0), Figure)
    assert "Comprehensive 59%" in explorer.figure_description(survey)
    control = explorer.weights_explorer(survey)
    assert {w.description for w in control.children[:4]} == {
        "Economic", "Social", "Psychosocial", "Threshold"}


def test_explorer_does_not_offer_the_exercise_functions() -> None:
    learner_functions = {"normalise", "dimension_scores", "composite_score", "is_reintegrated",
                         "share_by_group", "share_with_ci", "matched_jobs"}
    assert learner_functions.isdisjoint(dir(explorer))


def test_module_points_match_the_notebook_and_the_rubric() -> None:
    module = load_curriculum().module("return_migration")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    graded = [c.metadata["nbgrader"] for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade")]
    autograded = sum(m["points"] for m in graded if m["grade_id"] != module.rubric.grade_id)
    assert autograded == module.autograded_points
    assert len(graded) - 1 >= 5
    assert module.week == 2
    assert {21, 18, 22} <= set(module.gcm_objectives) and "10.7" in module.sdg_targets


def test_every_exercise_has_three_wrong_answers() -> None:
    wrong = yaml.safe_load((MODULE / "wrong_answers.yml").read_text(encoding="utf-8"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    tests = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    for entry in wrong:
        assert entry["answer"] in ids and entry["tests"] in ids
    for grade_id in tests:
        assert sum(e["tests"] == grade_id for e in wrong) >= 3, grade_id


def test_source_notebook_is_committed_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")


def _interval(flags: list[bool]) -> list[float]:
    """Return [n, share, low, high] (per cent) with the normal-approximation 95% interval."""
    n = len(flags)
    p = sum(flags) / n
    half = 1.96 * (p * (1 - p) / n) ** 0.5
    return [n, 100 * p, 100 * (p - half), 100 * (p + half)]


def test_confidence_intervals_by_support_and_sex_agree_with_an_independent_computation(
        solved: dict[str, Any]) -> None:
    rows = _rows(SURVEY_CSV)
    flags = [v >= THRESHOLD for v in _independent_index(_independent_scores(rows),
                                                        WEIGHTINGS["balanced"])]
    for column, table in (("support_type", solved["ci_by_support"]), ("sex", solved["ci_by_sex"])):
        for group in table.index:
            members = [f for r, f in zip(rows, flags, strict=True) if r[column] == group]
            assert table.loc[group].tolist() == pytest.approx(_interval(members))
    assert solved["ci_by_sex"].index.tolist() == ["female", "male"]
    assert solved["ci_by_support"].index.tolist() == solved["share_by_support"].index.tolist()


def test_groups_compared_are_small_enough_to_need_intervals() -> None:
    survey = data.load("returnee_survey_synthetic")
    sizes = survey["support_type"].value_counts()
    assert (sizes.min(), sizes.max()) == (46, 93)


def test_min_max_share_ignores_a_rise_in_every_income_but_fixed_scales_show_it() -> None:
    survey = data.load("returnee_survey_synthetic")
    richer = survey.assign(income_usd_month=survey["income_usd_month"] * 1.5)
    assert explorer.share_at_threshold(richer) == explorer.share_at_threshold(survey)
    assert (explorer.share_at_threshold(richer, explorer.FIXED_SCALES)
            > explorer.share_at_threshold(survey, explorer.FIXED_SCALES))
    assert explorer.share_at_threshold(survey) == pytest.approx(100 * 128 / 300)


def test_fixed_scales_cover_every_indicator_and_the_survey_values() -> None:
    survey = data.load("returnee_survey_synthetic")
    indicators = {name for dimension in RULES.values() for name in dimension}
    assert set(explorer.FIXED_SCALES) == indicators
    for name, (low, high) in explorer.FIXED_SCALES.items():
        assert low <= survey[name].min() and survey[name].max() <= high, name


def test_alt_text_of_each_explorer_state_describes_that_state() -> None:
    survey = data.load("returnee_survey_synthetic")
    default = explorer.figure_description(survey)
    economic = explorer.figure_description(survey, 3, 1, 1, 0.6)
    assert default != economic
    assert "economic 0.60" in economic and "0.60" in economic
    assert "Business start-up 31%" in economic
    assert "95% interval" in default and "n=46" in default
    assert "every weight is zero" in explorer.figure_description(survey, 0, 0, 0)


def test_explorer_figure_uses_a_colour_blind_safe_palette_and_a_second_cue() -> None:
    from matplotlib.colors import to_hex

    figure = explorer.reintegration_figure(data.load("returnee_survey_synthetic"))
    left, right = figure.axes[:2]
    okabe_ito = {"#0072b2", "#56b4e9", "#d55e00", "#000000", "#e69f00", "#009e73"}
    assert {to_hex(p.get_facecolor()) for p in left.patches} <= okabe_ito | {"#ffffff"}
    # Each bar's value is written as text, and the two reference lines differ in style.
    assert sum("%" in t.get_text() for t in left.texts) == 5
    styles = {line.get_linestyle() for line in left.lines + right.lines
              if line.get_label() and not line.get_label().startswith("_")}
    assert {"--", ":"} <= styles
