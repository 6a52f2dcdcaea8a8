"""Tests of the Triple Win module beyond the generic ones: its tables hold the published figures
(the Federal Employment Agency's placements as reproduced by medhochzwei, the four-country table of
PMC9472296), the facts the text states agree with the data, and the ledger explorer draws and
describes what the notebook's ledger computes."""

from __future__ import annotations

import nbformat
import pytest
import yaml
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from academy import data
from academy.explore import triple_win as explorer
from conftest import REPO

# medhochzwei Verlag, "Zahlen zur Anwerbung von Pflegekräften über Triple Win-Programm",
# 29 January 2020, https://www.medhochzwei-verlag.de/News/Details/77123 (data source: Federal
# Employment Agency); the same table is in ../shared/data/FACTS.md, section 12.
PUBLISHED_PLACEMENTS = {
    "Bosnia and Herzegovina": {"2013-2016": 290, "2017": 103, "2018": 155, "2019": 128},
    "Serbia": {"2013-2016": 382, "2017": 166, "2018": 125, "2019": 111},
    "Philippines": {"2013-2016": 428, "2017": 307, "2018": 577, "2019": 776},
    "Tunisia": {"2017": 17, "2018": 2, "2019": 10},
}
PUBLISHED_TOTALS = {"2013-2016": 1100, "2017": 593, "2018": 859, "2019": 1025}

# Table 1 of PMC9472296, https://pmc.ncbi.nlm.nih.gov/articles/PMC9472296/table/T1
PUBLISHED_WORKFORCE = {
    "Switzerland": (83, 43.3, 178.9),
    "Spain": (83, 40.3, 60.8),
    "Iran": (72, 15.8, 20.8),
    "Pakistan": (45, 11.2, 4.8),
}

BASE = {
    "years_abroad": 5, "pay_destination_per_year": 28000, "pay_origin_forgone_per_year": 4000,
    "extra_living_costs_per_year": 14000, "fee_paid_by_nurse": 0, "remittances_per_year": 3600,
    "public_training_cost": 8000, "lost_service_per_year": 0, "employer_placement_fee": 9000,
    "employer_onboarding_cost": 10000, "value_of_filled_post_per_year": 6000,
}


def test_placements_are_the_published_figures_row_by_row():
    table = data.load("triple_win_placements")
    ours = {country: dict(zip(rows["period"], rows["placements"], strict=True))
            for country, rows in table.groupby("country")}
    assert ours == PUBLISHED_PLACEMENTS


def test_placements_add_up_to_the_published_totals_and_3577():
    table = data.load("triple_win_placements")
    assert table.groupby("period")["placements"].sum().to_dict() == PUBLISHED_TOTALS
    assert int(table["placements"].sum()) == 3577


def test_period_columns_agree_with_the_period_label():
    table = data.load("triple_win_placements")
    for row in table.itertuples():
        first, _, last = row.period.partition("-")
        assert (row.first_year, row.last_year) == (int(first), int(last or first))


def test_workforce_table_is_the_published_table():
    table = data.load("health_workforce_uhc_four_countries")
    ours = {row.country: (row.uhc_service_coverage_index, row.doctors_per_10k,
                          row.nurses_midwives_per_10k) for row in table.itertuples()}
    assert ours == PUBLISHED_WORKFORCE


def test_only_pakistan_meets_both_who_2023_criteria_and_iran_only_the_density_one():
    table = data.load("health_workforce_uhc_four_countries")
    density = table["doctors_per_10k"] + table["nurses_midwives_per_10k"]
    below_density = sorted(table.loc[density < 49, "iso3"])
    both = sorted(table.loc[(density < 49) & (table["uhc_service_coverage_index"] < 55), "iso3"])
    assert below_density == ["IRN", "PAK"] and both == ["PAK"]


def test_secondary_sources_are_marked_secondary():
    package = yaml.safe_load((REPO / "datasets" / "datapackage.yaml").read_text())
    resources = {r["name"]: r for r in package["resources"]}
    for name in ("triple_win_placements", "health_workforce_uhc_four_countries"):
        assert all(source.get("secondary") for source in resources[name]["sources"]), name


def test_notebook_ledger_assumptions_are_the_tested_base_case_and_each_has_a_basis():
    nb = nbformat.read(REPO / "modules" / "triple_win" / "triple_win.ipynb", as_version=4)
    cell = next(c.source for c in nb.cells if c.source.startswith("assumptions = {"))
    namespace: dict[str, object] = {}
    exec(cell.split("ledger_assumptions =")[0], namespace)  # the two dictionaries only
    assert namespace["assumptions"] == BASE
    basis = namespace["basis"]
    assert isinstance(basis, dict) and set(basis) == set(BASE)
    for name, text in basis.items():
        assert text.startswith(("Teaching assumption:", "Sourced:", "Programme design:")), name


def test_explorer_ledger_gives_the_base_case_of_exercise_4():
    assert explorer.placement_ledger(BASE) == {"nurse": 50000.0, "origin": 10000.0,
                                                "employer": 11000.0}


def test_explorer_figure_draws_one_bar_per_party_with_its_own_colour_and_hatch():
    figure = explorer.ledger_figure(dict(BASE, years_abroad=2))
    bars = [p for p in figure.axes[0].patches if isinstance(p, Rectangle)]
    widths = {to_hex(p.get_facecolor()): p.get_width() for p in bars}
    assert widths == {explorer.COLOURS["nurse"].lower(): pytest.approx(20000),
                      explorer.COLOURS["origin"].lower(): pytest.approx(-800),
                      explorer.COLOURS["employer"].lower(): pytest.approx(-7000)}
    assert {p.get_hatch() or "" for p in bars} == {"", "//", ".."}


def test_explorer_alt_text_names_who_loses_in_the_state_it_describes():
    winning = explorer.ledger_alt_text(BASE)
    losing = explorer.ledger_alt_text(dict(BASE, lost_service_per_year=5000))
    assert "all three gain" in winning and "+10,000" in winning
    assert "at least one party loses" in losing and "-15,000" in losing
