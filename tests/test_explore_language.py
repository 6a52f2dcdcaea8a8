"""The explorers speak the learner's language (issue 17): chart titles, axis and legend labels,
alt text and control labels come from ui/notebook.po, numbers are written as the language writes
them, data values (countries, corridors, frame codes, services) stay as they are, and English is
unchanged. Expected texts are read from the catalogues, not guessed."""

from __future__ import annotations

import ast
import io
import re
from typing import Any

import pytest
from matplotlib.figure import Figure

from academy import data
from academy.explore import (
    diaspora_investment,
    local_development,
    narratives,
    remittances,
    return_migration,
    triple_win,
)
from academy.i18n import (
    LANGUAGES,
    catalogue_path,
    explorer_messages,
    read_catalog,
    template_path,
    translations,
)
from academy.notebook_language import format_number
from conftest import REPO

EXPLORE = REPO / "src" / "academy" / "explore"
FIELD = re.compile(r"\{[^{}]*\}")
LEDGER = {
    "years_abroad": 5, "pay_destination_per_year": 28000, "pay_origin_forgone_per_year": 4000,
    "extra_living_costs_per_year": 14000, "fee_paid_by_nurse": 0, "remittances_per_year": 3600,
    "public_training_cost": 8000, "lost_service_per_year": 0, "employer_placement_fee": 9000,
    "employer_onboarding_cost": 10000, "value_of_filled_post_per_year": 6000,
}


def _done(language: str) -> dict[str, str]:
    return translations(catalogue_path(REPO, language, "ui", "notebook"))


def _plural_forms(language: str) -> dict[str, tuple[str, ...]]:
    """Singular English → the translated forms (Spanish and French: [0] one, [2] many)."""
    catalog = read_catalog(catalogue_path(REPO, language, "ui", "notebook"))
    return {str(m.id[0]): tuple(m.string) for m in catalog if isinstance(m.id, tuple)}


@pytest.fixture(params=sorted(LANGUAGES))
def language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The learner's language, as a translated release's kernel has it."""
    monkeypatch.setenv("ACADEMY_LANGUAGE", request.param)
    return str(request.param)


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_LANGUAGE", "en")


def _legend(axes: Any) -> list[str]:
    return [text.get_text() for text in axes.get_legend().get_texts()]


def _controls(explorer: Any) -> list[Any]:
    """The controls of an ipywidgets interactive (its last child is the output area)."""
    return list(explorer.children[:-1])


def _number(value: float, spec: str, language: str) -> str:
    return format_number(value, spec, language)


def _ticks(figure: Figure, axes: Any) -> list[str]:
    """The x tick labels as drawn (matplotlib writes them when the figure is rendered)."""
    figure.savefig(io.BytesIO(), format="png")
    return [label.get_text() for label in axes.get_xticklabels()]


# --- every marked message is in the template and translated ---------------------------------

def test_every_message_marked_in_the_explorers_is_in_the_committed_template() -> None:
    template = read_catalog(template_path(REPO, "ui", "notebook"))
    committed = {m.id if isinstance(m.id, str) else tuple(m.id) for m in template if m.id}
    marked = {message for _, message, _ in explorer_messages()}
    assert marked, "no message found: the extraction keywords no longer match the code"
    missing = marked - committed
    assert not missing, ("run academy.book.extract_notebook_ui_template() and "
                         f"academy.i18n.update_catalogues(): {sorted(map(str, missing))}")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_explorer_message_is_translated_with_its_placeholders(language: str) -> None:
    done = _done(language)
    plurals = _plural_forms(language)
    for _, message, _ in explorer_messages():
        if isinstance(message, tuple):
            forms = plurals.get(message[0], ())
            assert forms and all(forms), (language, message[0])
            assert all(set(FIELD.findall(f)) == set(FIELD.findall(message[1])) for f in forms)
            continue
        assert message in done, (language, message)
        assert set(FIELD.findall(done[message])) == set(FIELD.findall(message)), message
        assert done[message].count("\n") == message.count("\n"), message


def test_explorer_messages_are_literals_that_the_extractor_can_read() -> None:
    """An f-string inside _() cannot be in a catalogue: its values must go through format()."""
    for path in sorted(EXPLORE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_", "ngettext")):
                assert not any(isinstance(arg, ast.JoinedStr) for arg in node.args), (
                    f"{path.name}:{node.lineno}: an f-string is marked for translation")


# --- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value,spec,expected", [
    (1088.4, ",.0f", {"en": "1,088", "es": "1088", "fr": "1\u00a0088"}),
    (-25000, "+,.0f", {"en": "-25,000", "es": "-25\u00a0000", "fr": "-25\u00a0000"}),
    (6.5, ".2f", {"en": "6.50", "es": "6,50", "fr": "6,50"}),
    (5.625, "g", {"en": "5.625", "es": "5,625", "fr": "5,625"}),
])
def test_numbers_are_written_as_each_language_writes_them(value, spec, expected) -> None:
    for language, text in expected.items():
        assert format_number(value, spec, language) == text


# --- each explorer, in Spanish and French -----------------------------------------------------

def test_remittances_figure_alt_text_and_calculator_speak_the_language(language: str) -> None:
    done = _done(language)
    figure = remittances.cost_figure(200, 8, 2.5, "South Africa → Malawi", 16.26)
    axes = figure.axes[0]
    assert axes.get_title() == done["Sending {amount}: total cost {pct}%"].format(
        amount="200", pct=_number(6.5, ".2f", language))
    assert axes.get_xlabel() == done["Total cost, % of the amount sent"]
    assert done["SDG 10.c target (3%)"] in _legend(axes)
    bars = [label.get_text() for label in axes.get_yticklabels()]
    # a title on two lines is one message; the corridor's name is data and stays as it is
    assert done["Average\n{corridor}"].format(corridor="South Africa → Malawi") in bars

    alt = remittances.cost_alt_text(100, 12, 4.0, "South Africa → Malawi", 16.26)
    position = done["above the 3% target and above the 5% line"]
    corridor = done["{origin} to {destination}"].format(origin="South Africa",
                                                         destination="Malawi")
    assert alt.startswith(done[
        "Bar chart: sending {amount} with a fee of {fee} and a {margin}% exchange-rate margin "
        "costs {total}% of the amount (fee {fee_pct}%, margin {margin_pct}%), {position}."
    ].format(amount="100", fee="12", margin="4", total=_number(16, ".2f", language),
             fee_pct=_number(12, ".2f", language), margin_pct=_number(4, ".2f", language),
             position=position))
    assert alt.endswith(done["The average cost in {corridor} in 2020 Q3 was {pct}%."].format(
        corridor=corridor, pct=_number(16.26, ".2f", language)))

    calculator = remittances.cost_calculator({"A → B": 9.0, "C → D": 2.0})
    assert [c.description for c in _controls(calculator)] == [
        done[m] for m in ("Amount", "Fee", "FX margin %", "Corridor")]
    assert list(_controls(calculator)[3].options) == ["A → B", "C → D"]  # data: as it is


def test_return_migration_figure_table_and_controls_speak_the_language(language: str) -> None:
    done = _done(language)
    survey = data.load("returnee_survey_synthetic")
    figure = return_migration.reintegration_figure(survey)
    left, right = figure.axes
    assert left.get_title() == done["By type of support"]
    assert left.get_xlabel() == done["% at or above the threshold"]
    assert right.get_xlabel() == done["Composite index (0 to 1)"]
    assert right.get_ylabel() == done["Returnees"]
    assert _legend(right) == [done["Threshold {threshold}"].format(
        threshold=_number(0.5, ".2f", language))]
    assert _ticks(figure, right)[:2] == [_number(0, ".1f", language), _number(0.2, ".1f", language)]
    weights = [f"{done[d]} {_number(1 / 3, '.2f', language)}"
               for d in ("economic", "social", "psychosocial")]
    # where the decimal mark is a comma, the weights are separated by semicolons
    assert ", ".join(weights) not in figure.get_suptitle()
    assert figure.get_suptitle().startswith(done["Weights: {weights}"].format(weights=weights[0]))
    assert all(weight in figure.get_suptitle() for weight in weights)

    alt = return_migration.figure_description(survey)
    assert alt.startswith(done["Weights: {weights}"].split("{")[0])
    assert "Comprehensive" in alt  # a support type is data
    assert done["{group} {share}% (95% interval {low} to {high}, n={n})"].format(
        group="Comprehensive", share="59", low="44", high="73", n=46) in alt
    assert return_migration.figure_description(survey, 0, 0, 0) == done[
        "No figure: every weight is zero. Give at least one dimension a positive weight."]

    rules = return_migration.scoring_rules()
    assert list(rules.columns) == [done["dimension"], done["indicator"], done["better when"]]
    assert set(rules.iloc[:, 0]) == set(return_migration.DIMENSIONS)  # the code's keys
    assert set(rules.iloc[:, 2]) == {done["higher"], done["lower"]}

    control = return_migration.weights_explorer(survey)
    assert [c.description for c in _controls(control)] == [
        done[m] for m in ("Economic", "Social", "Psychosocial", "Threshold")]


def test_diaspora_bond_figure_alt_text_and_controls_speak_the_language(language: str) -> None:
    done, plurals = _done(language), _plural_forms(language)
    axes = diaspora_investment.bond_figure().axes[0]
    assert axes.get_xlabel() == done["Yield, % per year"]
    assert axes.get_ylabel() == done["Price per 100 of face value"]
    title = plurals["Coupon {coupon}%, {freq} payment(s) a year: worth {price} at the market yield"]
    assert axes.get_title() == title[2].format(coupon=_number(5.625, "g", language), freq=2,
                                               price=_number(92.30, ".2f", language))
    legend = _legend(axes)
    bond = plurals["{years}-year bond"]
    assert bond[0].format(years=1) in legend and bond[2].format(years=10) in legend
    assert plurals["{years}-year bond (chosen)"][2].format(years=5) in legend
    assert done["Par (price paid)"] in legend

    from academy.explore import show_caption
    from academy.explore.diaspora_investment import DEFAULT_ALT, bond_alt

    assert DEFAULT_ALT == bond_alt()  # computed in the language of the moment it is asked for
    assert show_caption(DEFAULT_ALT).data == done["*Figure description:* {description}"].format(
        description=DEFAULT_ALT)
    assert done["The price falls as the yield rises and equals 100 where the yield equals the "
                "coupon."] in DEFAULT_ALT
    assert DEFAULT_ALT.endswith(done[
        "At the market yield of {market_yield}% the bond is worth {price}, {meaning}."].format(
        market_yield=_number(7.5, "g", language), price=_number(92.30, ".2f", language),
        meaning=done["so buyers who pay par (100) give the issuer {gift} per 100"].format(
            gift=_number(7.70, ".2f", language))))

    explorer = diaspora_investment.bond_explorer()
    controls = _controls(explorer)
    assert [c.description for c in controls] == [
        done[m] for m in ("Coupon %", "Tenor (years)", "Market yield %", "Coupons")]
    assert controls[3].options == ((done["annual"], 1), (done["semi-annual"], 2))


def test_narratives_figure_alt_text_and_filters_speak_the_language(language: str) -> None:
    done, plurals = _done(language), _plural_forms(language)
    corpus = data.load("constructed_headlines")
    figure = narratives.explorer_figure(corpus, country="Corvalia", coder="B")
    axes = figure.axes[0]
    assert axes.get_xlabel() == done["Number of headlines"]
    assert axes.get_title() == done["Frames by outlet type, {country} (coder {coder})"].format(
        country="Corvalia", coder="B")
    assert figure.get_suptitle() == done[
        "Constructed examples written for the course, not real headlines"]
    assert "T = Threat" in _legend(axes)  # the frame codes are data keys

    alt = narratives.explorer_alt_text(corpus, frame="Threat", outlet_type="Tabloid")
    assert done["Highlighted: the {frame} frame and the {outlet} bar; the rest is faded."].format(
        frame="Threat", outlet="Tabloid") in alt
    matching = len(narratives.filter_headlines(corpus, "Threat", "Tabloid"))
    headlines = plurals["{count} headline(s) match all filters; examples are listed as text "
                        "below the chart."]
    assert alt.endswith(headlines[2].format(count=matching))

    explorer = narratives.frame_explorer(corpus)
    frame, outlet, country, coder = _controls(explorer)
    assert [frame.description, outlet.description, country.description, coder.description] == [
        done[m] for m in ("Frame", "Outlet", "Country", "Coder")]
    assert frame.options[0] == (done["All"], narratives.ALL)  # the label only; "All" filters
    assert frame.value == narratives.ALL and frame.label == done["All"]
    assert ("Threat", "Threat") in frame.options and ("Corvalia", "Corvalia") in country.options


def test_triple_win_ledger_alt_text_and_controls_speak_the_language(language: str) -> None:
    done, plurals = _done(language), _plural_forms(language)
    losing = dict(LEDGER, lost_service_per_year=5000)
    axes = triple_win.ledger_figure(losing).axes[0]
    assert axes.get_title() == done["Loses: {parties}"].format(parties=done["country of origin"])
    assert axes.get_xlabel() == plurals[
        "Net gain over {years} year, EUR (teaching ledger)"][2].format(years=5)
    assert [label.get_text() for label in axes.get_yticklabels()] == [
        done["Employer in Germany"], done["Country of origin"], done["Nurse and household"]]
    assert _number(-15000, "+,.0f", language) in [t.get_text() for t in axes.texts]

    alt = triple_win.ledger_alt_text(losing)
    assert done["{party} {amount} euros"].format(
        party=done["country of origin"], amount=_number(-15000, "+,.0f", language)) in alt
    assert alt.endswith(done["at least one party loses"] + ".")

    explorer = triple_win.ledger_explorer(LEDGER)
    assert [c.description for c in _controls(explorer)] == [
        done[m] for m in ("Years", "Remittances", "Lost service", "Post's value")]


def test_local_development_figures_alt_texts_and_slider_speak_the_language(
        language: str) -> None:
    done = _done(language)
    services = data.load("city_services_synthetic")
    figure = local_development.budget_figure(services)
    axes = figure.axes[0]
    assert axes.get_xlabel() == done["EUR million per year"]
    assert axes.get_title() == done[
        "Ardenfeld (synthetic): EUR {budget} million\nfunded in the council's order of "
        "priority"].format(budget=_number(3, ".2f", language))
    assert done["Source: city_services_synthetic (synthetic data, not observed)."] in [
        t.get_text() for t in figure.texts]
    alt = local_development.budget_alt(services)
    assert done["{service} {share}% of EUR {gap} million"].format(
        service="Language courses", share="100", gap=_number(0.75, ".2f", language)) in alt

    stocks = data.load("undesa_morocco_stocks")
    figure = local_development.destinations_figure(stocks)
    axes = figure.axes[0]
    assert axes.get_ylabel() == done["Persons born in Morocco (thousands)"]
    assert [t.get_text() for t in axes.get_xticklabels()][:2] == ["Spain", "France"]  # data
    assert done["{country} {persons_2000} thousand in 2000 and {persons_2024} thousand in "
                "2024"].format(country="Spain", persons_2000="274",
                               persons_2024=_number(1088, ",.0f", language)) in \
        local_development.destinations_alt(stocks)

    slider = _controls(local_development.budget_explorer(services))[0]
    assert slider.description == done["Budget (EUR m)"]


# --- English stays as it was ------------------------------------------------------------------

def test_english_explorers_are_as_before(english: None) -> None:
    axes = remittances.cost_figure(200, 8, 2.5).axes[0]
    assert axes.get_title() == "Sending 200: total cost 6.50%"
    assert remittances.cost_alt_text(1000, 5, 1.0, "United Kingdom → India", 2.92) == (
        "Bar chart: sending 1,000 with a fee of 5 and a 1% exchange-rate margin costs 1.50% of "
        "the amount (fee 0.50%, margin 1.00%), at or below the 3% target. The average cost in "
        "United Kingdom to India in 2020 Q3 was 2.92%.")
    survey = data.load("returnee_survey_synthetic")
    figure = return_migration.reintegration_figure(survey)
    assert figure.get_suptitle() == "Weights: economic 0.33, social 0.33, psychosocial 0.33"
    assert _ticks(figure, figure.axes[1])[:2] == ["0.0", "0.2"]
    legend = _legend(diaspora_investment.bond_figure().axes[0])
    assert legend[:3] == ["1-year bond", "10-year bond", "20-year bond"]
    assert triple_win.ledger_alt_text(LEDGER) == (
        "Bar chart of net gains from one placement over 5 years: nurse and household +50,000 "
        "euros, country of origin +10,000 euros, employer in Germany +11,000 euros; all three "
        "gain.")
    assert triple_win.ledger_figure(dict(LEDGER, years_abroad=1)).axes[0].get_xlabel() == (
        "Net gain over 1 year, EUR (teaching ledger)")
    explorer = narratives.frame_explorer(data.load("constructed_headlines"))
    assert [c.description for c in _controls(explorer)] == ["Frame", "Outlet", "Country", "Coder"]
    assert _controls(explorer)[0].options[0] == ("All", "All")


def test_a_language_without_a_catalogue_draws_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_LANGUAGE", "xx")
    figure: Figure = remittances.cost_figure(200, 8, 2.5)
    assert figure.axes[0].get_title() == "Sending 200: total cost 6.50%"
    assert diaspora_investment.bond_figure().axes[0].get_legend().get_texts()[0].get_text() == (
        "1-year bond")


def test_every_control_shows_its_whole_label():
    """ipywidgets cuts a label at about 80 px unless its description width is 'initial'; the
    Spanish and French labels are longer than the English ones."""
    explorers = [
        remittances.cost_calculator({"A to B": 5.0}), diaspora_investment.bond_explorer(),
        local_development.budget_explorer(data.load("city_services_synthetic")),
        triple_win.ledger_explorer(LEDGER),
        narratives.frame_explorer(data.load("constructed_headlines")),
        return_migration.weights_explorer(data.load("returnee_survey_synthetic"))]
    controls = [c for explorer in explorers for c in _controls(explorer)]
    assert len(controls) >= 15
    assert all(c.style.description_width == "initial" for c in controls), [
        c.description for c in controls if c.style.description_width != "initial"]
