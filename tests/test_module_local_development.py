"""Tests of the Local development module beyond the generic ones: its UN DESA table is faithful to
the publisher's rows, the figures the exercises take as given (OECD shares, the residual origin,
the women's share) hold, the synthetic tables say so and carry the OECD checklist in our own
words, and the explorer's figures draw what their alt text says."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from academy import data
from academy.explore import local_development as explorer
from conftest import REPO

MODULE = REPO / "modules" / "local_development"


def _excerpt(reference_dir) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return pd.read_csv(reference_dir / "undesa_stocks_morocco.csv", keep_default_na=False)


def test_morocco_stocks_are_the_publishers_rows_in_both_directions(reference_dir):
    upstream = _excerpt(reference_dir)
    emigrants = upstream[upstream["from"] == "MAR"].assign(direction="emigrants",
                                                           partner_iso3=lambda f: f["geo"])
    immigrants = upstream[upstream["geo"] == "MAR"].assign(direction="immigrants",
                                                           partner_iso3=lambda f: f["from"])
    expected = (pd.concat([emigrants, immigrants])
                .rename(columns={"t": "year", "n": "persons"})
                .set_index(["direction", "partner_iso3", "year", "sex"])["persons"].sort_index())
    ours = (data.load("undesa_morocco_stocks")
            .set_index(["direction", "partner_iso3", "year", "sex"])["persons"].sort_index())
    assert len(ours) == len(expected) == 312
    assert ours.astype(int).to_dict() == expected.astype(int).to_dict()


def test_totals_stated_in_exercise_2_match_the_publishers_rows(reference_dir):
    upstream = _excerpt(reference_dir)
    out_2024 = upstream[(upstream["from"] == "MAR") & (upstream["t"] == 2024)]
    assert int(out_2024["n"].sum()) == 3_627_829
    assert int(out_2024.loc[out_2024["sex"] == "female", "n"].sum()) == 1_724_816
    by_destination = out_2024.groupby("geo")["n"].sum().sort_values(ascending=False)
    assert by_destination.index[:5].tolist() == ["ESP", "FRA", "ITA", "BEL", "ISR"]
    # "Spain and France each host more than a million" (a role card)
    assert by_destination.iloc[:2].min() > 1_000_000
    into_2024 = upstream[(upstream["geo"] == "MAR") & (upstream["t"] == 2024)]
    origins = into_2024.groupby("from")["n"].sum().sort_values(ascending=False)
    assert origins.index[:4].tolist() == ["FRA", "OOO", "DZA", "ESP"], "OOO must be left out"


def test_prose_claims_about_growth_since_2000_hold():
    stocks = data.load("undesa_morocco_stocks")
    emigrants = stocks[stocks["direction"] == "emigrants"]
    out = emigrants.groupby(["partner_iso3", "year"])["persons"].sum()
    assert out["FRA", 2000] > 2 * out["ESP", 2000]  # "In 2000 France was far ahead"
    assert out["ESP", 2024] > out["FRA", 2024]
    assert 3.9 < out["ESP", 2024] / out["ESP", 2000] < 4.1  # "four times as many"
    assert out["ITA", 2024] / out["ITA", 2000] > 3  # "more than tripled"


def test_exercise_1_reference_values_follow_from_the_oecd_figures():
    migrants, natives = 14 * 80 / 100, 86 * 70 / 100
    assert (migrants, natives) == pytest.approx((11.2, 60.2))
    assert 100 * migrants / (migrants + natives) == pytest.approx(15.686, abs=1e-3)
    assert 100 * (14 * 0.2) / (14 * 0.2 + 86 * 0.3) == pytest.approx(100 * 2.8 / (2.8 + 25.8))


def test_synthetic_tables_say_synthetic_in_name_title_and_description():
    package = yaml.safe_load((REPO / "datasets" / "datapackage.yaml").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    for name in ("city_checklist_synthetic", "city_services_synthetic"):
        resource = resources[name]
        assert "synthetic" in name
        assert "synthetic" in resource["title"].lower()
        assert "synthetic" in resource["description"].lower()
        assert resource["synthetic"] is True and "seed=" in resource["generation"]
    assert resources["undesa_morocco_stocks"].get("synthetic") is not True


# Short quotations of the OECD's own wording of key points 1 to 5 (OECD 2018, Working Together for
# Local Integration of Migrants and Refugees), to check that our paraphrases do not copy it.
OECD_WORDING = (
    "Enhance effectiveness of migrant integration policy through improved vertical co-ordination "
    "and implementation at the relevant scale",
    "Seek policy coherence in addressing the multi-dimensional needs of, and opportunities for, "
    "migrants at the local level",
    "Ensure access to, and effective use of, financial resources that are adapted to local "
    "responsibilities for migrant integration",
    "Design integration policies that take time into account throughout migrants' lifetimes and "
    "status evolution",
    "Create spaces where the interaction brings migrant and native-born communities closer",
)


def _runs(text: str, length: int) -> set[str]:
    words = [w.strip(",.;:").lower() for w in text.replace("-", " ").split()]
    return {" ".join(words[i:i + length]) for i in range(len(words) - length + 1)}


def test_checklist_is_twelve_points_in_four_blocks_in_our_own_words():
    checklist = data.load("city_checklist_synthetic")
    assert checklist["item"].tolist() == list(range(1, 13))
    assert checklist.groupby("block")["item"].apply(list).to_dict() == {
        "A": [1, 2, 3], "B": [4, 5], "C": [6, 7, 8], "D": [9, 10, 11, 12]}
    theirs = set().union(*(_runs(text, 4) for text in OECD_WORDING))
    for point in checklist["key_point"]:
        assert not (_runs(point, 4) & theirs), point


def test_budget_figure_funds_the_gaps_in_the_councils_order():
    services = data.load("city_services_synthetic")
    axes = explorer.budget_figure(services, 3_000_000).axes[0]
    funded = sorted((round(p.get_y(), 3), round(p.get_width() * 1e6))
                    for p in axes.patches if isinstance(p, Rectangle)
                    and to_hex(p.get_facecolor()) == explorer.FUNDED_COLOUR.lower())
    # bars are drawn last priority at the bottom: reverse to read them in the council's order
    widths = [w for _, w in funded][::-1]
    assert widths == [753160, 550740, 1295910, 400190, 0]
    alt = explorer.budget_alt(services, 3_000_000)
    assert "EUR 3.00 million" in alt and "Front-line staff training 0%" in alt
    assert "Language courses 100%" in alt and "Housing advice and deposits 25%" in alt


def test_fund_in_order_spends_no_more_than_the_budget():
    assert explorer.fund_in_order([("X", 100), ("Y", 50)], 120) == {"X": 100, "Y": 20}
    assert explorer.fund_in_order([("X", 100)], -5) == {"X": 0}
    assert explorer.fund_in_order([("X", 30), ("Y", 20)], 100) == {"X": 30, "Y": 20}


def test_destinations_figure_starts_at_zero_and_names_its_source():
    stocks = data.load("undesa_morocco_stocks")
    figure = explorer.destinations_figure(stocks)
    axes = figure.axes[0]
    assert axes.get_ylim()[0] == 0
    assert [t.get_text() for t in axes.get_xticklabels()][:2] == ["Spain", "France"]
    assert any("UN DESA" in t.get_text() for t in figure.texts)
    alt = explorer.destinations_alt(stocks)
    assert "Spain 274 thousand in 2000 and 1,088 thousand in 2024" in alt


def test_time_estimate_says_how_it_was_made_and_counts_the_words_it_claims():
    import nbformat

    notebook = nbformat.read(MODULE / "local_development.ipynb", as_version=4)
    words = sum(len(c.source.split()) for c in notebook.cells if c.cell_type == "markdown")
    assert words == 2631
    module = yaml.safe_load((MODULE / "module.yml").read_text(encoding="utf-8"))
    notes = module["teaching_notes"]
    assert "2 631 words" in notes and "150 words a minute" in notes
    assert "15, 25, 20, 25 and 25 minutes (110)" in notes
    assert 15 + 25 + 20 + 25 + 25 + 10 + 45 == module["minutes"]["exercises"]
