"""Tests of the Remittances module beyond the generic ones: the explorer's figure draws what it
says, each redraw has its own alt text, and the figures the exercises take as given (shares over
all RPW corridors, Findex aggregates) agree with the upstream files and publications."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from academy import data
from academy.explore import remittances as explorer


def _bars(figure):  # type: ignore[no-untyped-def]
    """Return (y position, left, width, colour) of every bar in the figure's axes."""
    axes = figure.axes[0]
    return [(round(p.get_y() + p.get_height() / 2, 3), p.get_x(), p.get_width(),
             to_hex(p.get_facecolor()))
            for p in axes.patches if isinstance(p, Rectangle)]


def test_corridor_average_is_one_bar_of_its_own_colour_not_the_margin_colour():
    figure = explorer.cost_figure(200, 8, 2.5, "South Africa → Malawi", 16.26)
    bars = _bars(figure)
    corridor = [b for b in bars if b[2] == pytest.approx(16.26)]
    assert len(corridor) == 1, bars
    _, left, _, colour = corridor[0]
    assert left == 0 and colour == explorer.CORRIDOR_COLOUR.lower()
    margins = [b for b in bars if b[3] == explorer.MARGIN_COLOUR.lower()]
    assert [round(b[2], 6) for b in margins] == [2.5], "only the transfer's own margin (2.5%)"


def test_transfer_bar_is_split_into_fee_and_margin():
    bars = _bars(explorer.cost_figure(200, 8, 2.5))
    fee = [b for b in bars if b[3] == explorer.FEE_COLOUR.lower()]
    margin = [b for b in bars if b[3] == explorer.MARGIN_COLOUR.lower()]
    assert [(b[1], b[2]) for b in fee] == [(0, pytest.approx(4.0))]
    assert [(b[1], b[2]) for b in margin] == [(pytest.approx(4.0), pytest.approx(2.5))]


def test_figure_parts_differ_by_more_than_colour():
    axes = explorer.cost_figure(200, 8, 2.5, "A → B", 9.0).axes[0]
    hatches = {p.get_hatch() for p in axes.patches}
    assert {"//", ".."} <= hatches
    assert {line.get_linestyle() for line in axes.lines} == {"--", ":"}


def test_alt_text_describes_the_state_it_is_drawn_for():
    cheap = explorer.cost_alt_text(1000, 5, 1.0, "United Kingdom → India", 2.92)
    dear = explorer.cost_alt_text(100, 12, 4.0, "South Africa → Malawi", 16.26)
    assert "1.50%" in cheap and "at or below the 3% target" in cheap and "2.92%" in cheap
    assert "16.00%" in dear and "above the 5% line" in dear and "South Africa to Malawi" in dear
    middle = explorer.cost_alt_text(200, 8, 0.0)
    assert "4.00%" in middle and "but not above the 5% line" in middle


def test_calculator_redraws_carry_the_alt_text_of_their_state(monkeypatch):
    shown: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **_: shown.append(obj))
    calculator = explorer.cost_calculator({"A → B": 9.0, "C → D": 2.0})
    shown.clear()
    calculator.f(amount=500, fee=10, margin_pct=1.2, corridor="C → D")
    assert len(shown) == 1
    alt = shown[0].alt  # type: ignore[attr-defined]
    assert alt == explorer.cost_alt_text(500, 10, 1.2, "C → D", 2.0)
    assert "3.20%" in alt and "2.00%" in alt


# The full RPW databank download (not in the repository: tests/fixtures/upstream holds only an
# excerpt): $ACADEMY_REFERENCE_DIR, or the project's shared/data/reference beside the checkout.
FULL_REFERENCE = Path(os.environ.get("ACADEMY_REFERENCE_DIR")
                      or Path(__file__).resolve().parents[2] / "shared" / "data" / "reference")


@pytest.fixture(scope="module")
def full_reference() -> Path:
    if not (FULL_REFERENCE / "rpw_corridors_databank.csv").is_file():
        pytest.skip(f"needs the full RPW databank file, absent at {FULL_REFERENCE}: run with "
                    "ACADEMY_REFERENCE_DIR=/path/to/reference")
    return FULL_REFERENCE


def _databank(reference_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(reference_dir / "rpw_corridors_databank.csv", encoding="utf-8-sig",
                        na_values="..", skipfooter=5, engine="python")
    frame.columns = [c.split(" [")[0] for c in frame.columns]
    return frame


def test_shares_over_all_corridors_given_in_exercise_2_match_the_databank(full_reference):
    q3 = _databank(full_reference)["2020Q3"].dropna()
    assert len(q3) == 367
    assert round(100 * (q3 < 5).mean(), 1) == 34.3
    assert not (q3.round(2) == 5.0).any(), "Exercise 2 says no corridor cost exactly 5.00%"
    assert round(100 * (q3 > 5).mean(), 1) == round(100 - 34.3, 1)


def test_boundary_corridors_in_the_exercise_2_tests_are_real(full_reference):
    frame = _databank(full_reference).set_index(["Sending Countries Name",
                                               "Receiving Countries  Name"])["2019Q4"]
    assert round(frame["Russian Federation", "Latvia"], 2) == 5.0
    assert round(frame["Russian Federation", "Lithuania"], 2) == 5.0
    assert round(frame["Qatar", "India"], 2) == 5.04


def test_coverage_counts_stated_in_exercise_3_match_the_databank(full_reference):
    counts = _databank(full_reference)[["2015Q3", "2016Q2"]].notna().sum()
    assert counts.to_dict() == {"2015Q3": 227, "2016Q2": 361}


def test_each_period_has_at_most_one_average_of_each_kind():
    averages = data.load("rpw_global_averages")
    assert not averages.duplicated(["period", "region", "average"]).any()
    world = averages[averages["region"] == "World"].set_index(["period", "average"])
    assert world.loc[("2016Q3", "simple"), "total_cost_pct"] == 7.42
    assert world.loc[("2016Q3", "weighted"), "total_cost_pct"] == 5.73
    assert world.loc[("2023Q3", "SmaRT"), "total_cost_pct"] == 3.36


def test_benchmarks_are_not_provider_types():
    providers = data.load("rpw_provider_costs")
    assert not providers["provider_type"].str.contains("SmaRT|Smart", regex=True).any()
    gsma = providers[providers["category_defined_by"] == "GSMA"]
    assert set(gsma["source"]) == {"gsma_2022"}


# Published Findex aggregates, written out again from the reports (not read from our table).
FINDEX_PUBLISHED = {
    ("Global Findex 2021", 2021, "World", "all", "account"): 76,
    ("Global Findex 2021", 2021, "Developing economies", "men", "account"): 74,
    ("Global Findex 2021", 2021, "Developing economies", "women", "account"): 68,
    ("Global Findex 2025", 2021, "World", "all", "account"): 74,
    ("Global Findex 2025", 2024, "World", "all", "account"): 79,
    ("Global Findex 2025", 2021, "Sub-Saharan Africa", "all", "mobile money account"): 27,
    ("Global Findex 2025", 2024, "Sub-Saharan Africa", "all", "mobile money account"): 40,
}


def test_findex_table_holds_the_published_figures_with_their_edition():
    findex = data.load("findex_account_ownership")
    key = ["report", "survey_year", "economy_group", "sex", "indicator"]
    assert not findex.duplicated(key).any()
    values = findex.set_index(key)["value_pct"]
    for where, published in FINDEX_PUBLISHED.items():
        assert values[where] == published, where
    assert set(findex["source"]) == {"findex_2021", "findex_2025"}
    assert (findex["report"].str[-4:] == findex["source"].str[-4:]).all()


def test_resources_of_the_module_state_their_rights():
    for name in ("rpw_corridor_costs", "rpw_global_averages", "rpw_provider_costs",
                 "remittance_flows", "financial_flows_lmic_2023", "remittance_recipients_2023",
                 "findex_account_ownership"):
        info = data.describe(name)
        assert info.licence, name
    import yaml

    from conftest import REPO
    descriptor = yaml.safe_load((REPO / "datasets" / "datapackage.yaml").read_text())
    rights = {r["name"]: r.get("rights", "") for r in descriptor["resources"]}
    assert "Devex" in rights["financial_flows_lmic_2023"]
    assert "GSMA" in rights["rpw_provider_costs"]
    assert "CC BY 3.0 IGO" in rights["findex_account_ownership"]
