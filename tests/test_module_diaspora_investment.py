"""Diaspora investment module: independent finance, data provenance and matching validity.

The notebook's reference solutions are executed here from their answer cells and compared with
computations written independently of them (closed-form annuity prices, a plain loop for NPV).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest

from academy import data
from academy.explore.diaspora_investment import _price_per_100, bond_figure
from academy.synthetic import mentoring_pool_synthetic
from conftest import REPO

NOTEBOOK = REPO / "modules" / "diaspora_investment" / "diaspora_investment.ipynb"
TOL = 1e-6


def _cells() -> dict[str, str]:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in notebook.cells
            if c.cell_type == "code" and "nbgrader" in c.metadata}


@pytest.fixture(scope="module")
def solved() -> dict[str, Any]:
    """The namespace after running every locked and solution code cell of the notebook in order,
    except test cells and the widget."""
    namespace: dict[str, Any] = {}
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade") or "interactive" in cell.metadata.get(
                "tags", []):
            continue
        exec(compile(cell.source, meta.get("grade_id", "cell"), "exec"), namespace)
    return namespace


def closed_form_price(face: float, coupon_pct: float, years: float, yield_pct: float,
                      freq: int = 1) -> float:
    """Price from the annuity formula (no loop, no library)."""
    n = round(years * freq)
    c = face * coupon_pct / 100 / freq
    y = yield_pct / 100 / freq
    if y == 0:
        return c * n + face
    return c * (1 - (1 + y) ** -n) / y + face * (1 + y) ** -n


def loop_npv(flows_lcu: list[float], fx: float, dep_pct: float, rate_pct: float) -> float:
    total = 0.0
    for t, flow in enumerate(flows_lcu):
        total += flow / (fx * (1 + dep_pct / 100) ** t) / (1 + rate_pct / 100) ** t
    return total


BOND_CASES = [(100, 5.625, 5, 7.5, 2), (100, 5.625, 5, 7.5, 1), (1000, 7.75, 10, 9.0, 1),
              (100, 6, 3, 4, 4), (100, 0, 2, 10, 1), (100, 1.25, 10, 6, 2), (100, 12.5, 5, 9, 1),
              (100, 5, 30, 3, 2), (100, 4, 1, 0, 1)]


@pytest.mark.parametrize("case", BOND_CASES)
def test_bond_price_agrees_with_the_annuity_formula(solved, case):
    assert solved["bond_price"](*case) == pytest.approx(closed_form_price(*case), abs=TOL)


@pytest.mark.parametrize("case", [c for c in BOND_CASES if c[0] == 100])
def test_explorer_price_agrees_with_the_annuity_formula(case):
    _, coupon, years, yield_pct, freq = case
    assert float(_price_per_100(coupon, years, yield_pct, freq)) == pytest.approx(
        closed_form_price(*case), abs=TOL)


def test_a_bond_at_its_coupon_yield_is_worth_par(solved):
    for years in (1, 5, 20):
        for freq in (1, 2, 4):
            assert solved["bond_price"](100, 6.5, years, 6.5, freq) == pytest.approx(100, abs=TOL)


def test_patriotic_discount_of_nigeria_2017(solved):
    expected = 300 * (100 - closed_form_price(100, 5.625, 5, 7.5, 2)) / 100
    assert solved["nigeria_2017"]["discount_bp"] == pytest.approx(187.5, abs=TOL)
    assert solved["nigeria_2017"]["issuer_saving_usd_m"] == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("dep", [0, 5, 8, 10, 15])
@pytest.mark.parametrize("rate", [8, 12, 16])
def test_npv_agrees_with_a_plain_loop(solved, dep, rate):
    plan = solved["PLAN_LCU"]
    assert solved["npv_usd"](plan, 100.0, dep, rate) == pytest.approx(
        loop_npv(plan, 100.0, dep, rate), abs=TOL)


def test_npv_grid_and_breakeven_agree_with_a_plain_loop(solved):
    grid = solved["npv_grid"]
    for dep in grid.index:
        for rate in grid.columns:
            assert grid.loc[dep, rate] == pytest.approx(
                loop_npv(solved["PLAN_LCU"], 100.0, dep, rate), abs=TOL)
    breakeven = solved["breakeven_depreciation_pct"]
    assert abs(loop_npv(solved["PLAN_LCU"], 100.0, breakeven, 12)) < TOL


def test_irr_sets_the_npv_to_zero(solved):
    npv_at_irr = loop_npv(solved["PLAN_LCU"], 100.0, 8.0, solved["plan_irr_pct"])
    assert abs(npv_at_irr) < TOL
    assert solved["plan_npv_usd"] == pytest.approx(loop_npv(solved["PLAN_LCU"], 100, 8, 12),
                                                   abs=TOL)


def test_numpy_financial_npv_counts_the_first_flow_as_today():
    # The notebook teaches this convention; a library change would silently break the module.
    assert npf.npv(0.1, [-100, 110]) == pytest.approx(0.0, abs=1e-12)


def test_mentoring_pool_synthetic_regenerates_from_its_seed():
    generated = mentoring_pool_synthetic.generate().fillna("").astype(str)
    published = pd.read_csv(REPO / "datasets" / "mentoring_pool_synthetic.csv", dtype=str,
                            keep_default_na=False)
    pd.testing.assert_frame_equal(generated.reset_index(drop=True), published)


def test_mentoring_pool_synthetic_has_the_size_of_the_published_proposal():
    pool = data.load("mentoring_pool_synthetic")
    mentors = pool[pool["role"] == "mentor"]
    assert len(mentors) == 200 and len(pool) - len(mentors) == 240
    assert mentors.groupby("company").size().eq(10).all() and mentors["company"].nunique() == 20
    assert data.describe("mentoring_pool_synthetic").synthetic


def test_another_seed_gives_another_pool():
    assert not mentoring_pool_synthetic.generate(1).equals(mentoring_pool_synthetic.generate())


def test_pairing_is_a_valid_matching(solved):
    pairs, scores = solved["pairs"], solved["scores"]
    assert pairs["mentor_id"].is_unique and pairs["entrepreneur_id"].is_unique
    assert (pairs["score"] >= solved["MIN_SCORE"]).all()
    e_index = {p: i for i, p in enumerate(solved["entrepreneurs"]["person_id"])}
    m_index = {p: j for j, p in enumerate(solved["mentors"]["person_id"])}
    for e_id, m_id, score in pairs.itertuples(index=False):
        assert scores[e_index[e_id], m_index[m_id]] == score


def test_score_matrix_agrees_with_a_pair_by_pair_count(solved):
    entrepreneurs, mentors, scores = solved["entrepreneurs"], solved["mentors"], solved["scores"]
    weights = {"sector": 3, "skill": 2, "language": 1, "region": 1}
    rng = np.random.default_rng(0)
    for i, j in zip(rng.integers(0, len(entrepreneurs), 300), rng.integers(0, len(mentors), 300),
                    strict=True):
        expected = sum(w for col, w in weights.items()
                       if entrepreneurs.loc[i, col] == mentors.loc[j, col])
        assert scores[i, j] == expected


def test_pairing_is_optimal_whatever_the_order_of_the_tables(solved):
    from scipy.optimize import linear_sum_assignment

    useful = np.where(solved["scores"] >= solved["MIN_SCORE"], solved["scores"], 0)
    rng = np.random.default_rng(1)
    rows, cols = rng.permutation(useful.shape[0]), rng.permutation(useful.shape[1])
    r, c = linear_sum_assignment(useful[rows][:, cols], maximize=True)
    assert useful[rows][:, cols][r, c].sum() == solved["pairs"]["score"].sum()


def test_pairing_quality_counts_unmatched_entrepreneurs(solved):
    quality = solved["quality"]
    assert quality["unmatched"] == 240 - len(solved["pairs"])
    assert 0 <= quality["same_sector_pct"] <= 100 and quality["region_gap_pts"] > 0


# The full UN DESA file (tests/fixtures/upstream holds an excerpt only): $ACADEMY_REFERENCE_DIR, or
# the project's shared/data/reference beside the checkout.
FULL_REFERENCE = Path(os.environ.get("ACADEMY_REFERENCE_DIR")
                      or Path(__file__).resolve().parents[2] / "shared" / "data" / "reference")


def test_emigrant_stocks_by_sex_match_the_undesa_reference():
    if not (FULL_REFERENCE / "undesa_stocks.csv").is_file():
        pytest.skip(f"needs the full UN DESA stocks file, absent at {FULL_REFERENCE}: run with "
                    "ACADEMY_REFERENCE_DIR=/path/to/reference")
    reference = pd.read_csv(FULL_REFERENCE / "undesa_stocks.csv", keep_default_na=False,
                            usecols=["t", "from", "sex", "n"])
    women = reference[reference["sex"] == "female"].groupby(["from", "t"])["n"].sum()
    stocks = data.load("emigrant_stocks")
    for row in stocks.itertuples(index=False):
        assert women.loc[(row.iso3, row.year)] == row.emigrants_female, row
    assert (stocks["emigrants_female"] < stocks["emigrants"]).all()


def test_best_pairs_beats_first_come_first_served(solved):
    # First come, first served gives E1 the 7 and E2 the 4 (total 11); the best total is 12.
    best_pairs = solved["best_pairs"]
    assert [tuple(p) for p in best_pairs(np.array([[7, 6], [6, 4]]), 4)] == [(0, 1), (1, 0)]
    # A weak pair (score 3) must not take the mentor that a strong pair needs.
    assert [tuple(p) for p in best_pairs(np.array([[5, 3], [4, 0]]), 4)] == [(0, 0)]


def test_cross_check_sets_the_savings_estimate_against_remittances(solved):
    # Figures stated in the notebook's prose after the cross-check cell.
    ratio = solved["nga_remittances_bn"] / solved["central_savings_bn"]
    assert round(ratio, 1) == 3.5
    assert round(solved["central_savings_bn"], 2) == 5.65
    assert round(100 * solved["nga_remittances_bn"] / solved["assumed_income_bn"]) == 52


def test_emigrant_stocks_match_the_undesa_reference(reference_dir):
    reference = pd.read_csv(reference_dir / "undesa_stocks.csv", keep_default_na=False,
                            usecols=["t", "from", "n"])
    totals = reference.groupby(["from", "t"])["n"].sum()
    stocks = data.load("emigrant_stocks")
    checked = 0
    for row in stocks.itertuples(index=False):
        if (row.iso3, row.year) in totals.index:  # the excerpt holds 2024
            assert totals.loc[(row.iso3, row.year)] == row.emigrants, row
            checked += 1
    assert checked == stocks["iso3"].nunique()
    india_2024 = stocks.set_index(["iso3", "year"]).loc[("IND", 2024), "emigrants"]
    assert round(india_2024 / 1e6, 1) == 18.5  # FACTS.md: top origin India 18.5 million


def test_diaspora_bond_figures_are_those_of_the_facts_sheet():
    bonds = data.load("diaspora_bonds").set_index("issue_id")
    assert bonds.loc["IND-RIB-1998", ["raised_usd_m", "tenor_years", "coupon_min_pct"]].tolist() \
        == [4200, 5, 7.75]
    assert bonds.loc["IND-IMD-2000", "raised_usd_m"] == 5500
    assert bonds.loc["NGA-2017", ["raised_usd_m", "coupon_min_pct", "tenor_years",
                                  "subscription_pct"]].tolist() == [300, 5.625, 5, 130]
    assert bonds.loc["ETH-GERD-2011", ["coupon_min_pct", "coupon_max_pct", "raised_usd_m"]] \
        .tolist() == [1.25, 2, 56]
    assert bonds.loc["NPL-FEB-2009", ["offered_local_m", "share_sold_pct"]].tolist() == [13580, 5]
    assert bonds.loc["ISR-1951", "raised_usd_m"] == 52 and bonds.loc["ISR-2006",
                                                                      "raised_usd_m"] == 1200


def test_each_explorer_state_has_its_own_alt_text():
    from academy.explore.diaspora_investment import DEFAULT_ALT, bond_alt

    gift = bond_alt(5.625, 5, 7.5, 2)
    cost = bond_alt(8.0, 10, 7.5, 1)
    assert gift == DEFAULT_ALT and "92.30" in gift and "give the issuer 7.70" in gift
    assert "103.43" in cost and "costs the issuer 3.43" in cost and "10-year" in cost
    assert "neither gives nor receives" in bond_alt(7.5, 5, 7.5, 2)


def test_bond_figure_draws_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = bond_figure(5.625, 5, 0.0, 2)
    assert figure.axes
