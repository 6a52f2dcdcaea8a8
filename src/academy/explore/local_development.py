"""Explorer for the Local development module: a city's integration budget against its gaps.

The figure shows, for each service of the synthetic city Ardenfeld, the cost of serving everyone
who needs it and is not yet served (the gap), and how much of it a budget covers when the council
funds services fully in its order of priority. It implements the rule on its own (not with the
learner's code), so the figure is the same whatever the learner wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure

from academy.explore import WIDE_LABEL, localized_ticks
from academy.notebook_language import format_number, semicolon
from academy.notebook_language import translate as _

DEFAULT_BUDGET_EUR = 3_000_000
# Okabe-Ito colours; the two parts also differ by hatching and are named in the legend.
GAP_COLOUR = "#999999"
FUNDED_COLOUR = "#0072B2"


def fund_in_order(gaps: Sequence[tuple[str, float]], budget: float) -> dict[str, float]:
    """Return the amount funded per service when each gap, in the order given, is funded fully
    until the budget runs out (the next service gets what is left, later ones nothing)."""
    funded: dict[str, float] = {}
    left = max(float(budget), 0.0)
    for service, gap in gaps:
        amount = min(float(gap), left)
        funded[service] = amount
        left -= amount
    return funded


def _ordered_gaps(services: Any) -> list[tuple[str, float]]:
    rows = services.sort_values("council_priority")
    gaps = (rows["people_in_need"] - rows["people_served"]) * rows["cost_per_person_eur"]
    return [(str(s), float(g)) for s, g in zip(rows["service"], gaps, strict=True)]


def budget_alt(services: Any, budget_eur: float = DEFAULT_BUDGET_EUR) -> str:
    """Return the text alternative of ``budget_figure`` with the same budget: what it shows."""
    gaps = _ordered_gaps(services)
    funded = fund_in_order(gaps, budget_eur)
    total = sum(gap for _service, gap in gaps)
    parts = []
    for service, gap in gaps:
        share = 100 * funded[service] / gap if gap else 100.0
        parts.append(_("{service} {share}% of EUR {gap} million").format(
            service=service, share=format_number(share, ".0f"),
            gap=format_number(gap / 1e6, ".2f")))
    return _("Horizontal bar chart of the synthetic city Ardenfeld's five integration services "
             "in the council's order of priority: grey bars are the cost of serving everyone "
             "still unserved (EUR {total} million in all), blue hatched bars the part a budget of "
             "EUR {budget} million covers when services are funded fully in that order: "
             "{parts}.").format(total=format_number(total / 1e6, ".2f"),
                                budget=format_number(budget_eur / 1e6, ".2f"),
                                parts=semicolon().join(parts))


def budget_figure(services: Any, budget_eur: float = DEFAULT_BUDGET_EUR) -> Figure:
    """Return a bar chart of each service's gap and the part of it the budget funds."""
    gaps = _ordered_gaps(services)
    funded = fund_in_order(gaps, budget_eur)
    figure = Figure(figsize=(7.5, 3.6), dpi=96)
    axes = figure.subplots()
    labels = [service for service, _gap in gaps][::-1]
    gap_values = [gap / 1e6 for _service, gap in gaps][::-1]
    funded_values = [funded[service] / 1e6 for service in labels]
    axes.barh(labels, gap_values, color=GAP_COLOUR,
              label=_("Gap: cost of serving everyone unserved"))
    axes.barh(labels, funded_values, color=FUNDED_COLOUR, hatch="//", edgecolor="white",
              label=_("Funded from the budget"))
    axes.set_xlim(left=0)
    axes.set_xlabel(_("EUR million per year"))
    # TRANSLATORS: a chart's title on two lines; keep the line break (\n).
    axes.set_title(_("Ardenfeld (synthetic): EUR {budget} million\nfunded in the council's "
                     "order of priority").format(budget=format_number(budget_eur / 1e6, ".2f")),
                   fontsize=10)
    axes.legend(loc="lower right", fontsize=8)
    figure.text(0.01, 0.01, _("Source: city_services_synthetic (synthetic data, not observed)."),
                fontsize=7)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    return localized_ticks(figure)


def budget_explorer(services: Any) -> Any:
    """Return an ipywidgets budget slider that redraws ``budget_figure`` with its alt text."""
    import ipywidgets as widgets
    from IPython.display import display

    from academy.explore import StaticFigure

    def redraw(budget_m_eur: float) -> None:
        budget = budget_m_eur * 1e6
        display(StaticFigure(budget_figure(services, budget), budget_alt(services, budget)))

    return widgets.interactive(
        redraw,
        budget_m_eur=widgets.FloatSlider(value=DEFAULT_BUDGET_EUR / 1e6, min=0, max=5, step=0.25,
                                         style=dict(WIDE_LABEL), description=_("Budget (EUR m)")),
    )


YEAR_COLOURS = {2000: "#999999", 2024: "#009E73"}
YEAR_HATCHES = {2000: "..", 2024: ""}


def _destinations(stocks: Any, top: int) -> Any:
    """Return persons by destination (rows) and year (columns), the top destinations of 2024."""
    emigrants = stocks[stocks["direction"] == "emigrants"]
    table = emigrants.pivot_table(index="partner", columns="year", values="persons",
                                  aggfunc="sum", fill_value=0)
    return table.sort_values(2024, ascending=False).head(top)


def destinations_alt(stocks: Any, top: int = 8) -> str:
    """Return the text alternative of ``destinations_figure``: what it shows."""
    table = _destinations(stocks, top)
    parts = [_("{country} {persons_2000} thousand in 2000 and {persons_2024} thousand in "
               "2024").format(country=name, persons_2000=format_number(row[2000] / 1e3, ",.0f"),
                              persons_2024=format_number(row[2024] / 1e3, ",.0f"))
             for name, row in table.iterrows()]
    return _("Bar chart of people born in Morocco living in the {top} largest countries of "
             "destination of 2024, UN DESA International Migrant Stock 2024: {parts}.").format(
        top=top, parts=semicolon().join(parts))


def destinations_figure(stocks: Any, top: int = 8) -> Figure:
    """Return a grouped bar chart of Moroccan emigrants by destination, 2000 and 2024."""
    table = _destinations(stocks, top)
    figure = Figure(figsize=(7.5, 3.8), dpi=96)
    axes = figure.subplots()
    positions = list(range(len(table)))
    width = 0.4
    for offset, year in ((-width / 2, 2000), (width / 2, 2024)):
        axes.bar([p + offset for p in positions], table[year] / 1e3, width=width,
                 color=YEAR_COLOURS[year], hatch=YEAR_HATCHES[year], edgecolor="white",
                 label=str(year))
    axes.set_xticks(positions, [str(name) for name in table.index], rotation=30, ha="right")
    axes.set_ylim(bottom=0)
    axes.set_ylabel(_("Persons born in Morocco (thousands)"))
    axes.set_title(_("Where Moroccan emigrants live, 2000 and 2024 (largest destinations of "
                     "2024)"))
    axes.legend()
    figure.text(0.01, 0.01, _("Source: UN DESA, International Migrant Stock 2024."), fontsize=7)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    return localized_ticks(figure)
