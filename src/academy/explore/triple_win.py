"""Explorer for the Triple Win module: who gains from one nurse's placement, and when they stop.

The ledger is the module's teaching model: three parties (the nurse and her household, the country
of origin, the employer in the destination) and a handful of assumptions in euros, each listed in
the notebook with its source or the reason for a teaching value. Colours come from the Okabe-Ito
palette, and each party's bar also has its own hatching, so that the figure reads without colour.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from academy.explore import WIDE_LABEL, localized_ticks
from academy.notebook_language import format_number
from academy.notebook_language import translatable as N_
from academy.notebook_language import translate as _
from academy.notebook_language import translate_plural as ngettext

PARTIES = ("nurse", "origin", "employer")
# Each party as a bar's label and as said within a sentence (translated where they are drawn).
LABELS = {"nurse": N_("Nurse and household"), "origin": N_("Country of origin"),
          "employer": N_("Employer in Germany")}
NAMES = {"nurse": N_("nurse and household"), "origin": N_("country of origin"),
         "employer": N_("employer in Germany")}
COLOURS = {"nurse": "#0072B2", "origin": "#E69F00", "employer": "#009E73"}
HATCHES = {"nurse": "", "origin": "//", "employer": ".."}
LOSS_COLOUR = "#D55E00"  # Okabe-Ito vermillion: the zero line a party must stay above


def placement_ledger(assumptions: dict[str, float]) -> dict[str, float]:
    """Return each party's net gain in euros over the years abroad, for one placement."""
    years = assumptions["years_abroad"]
    nurse = years * (assumptions["pay_destination_per_year"]
                     - assumptions["pay_origin_forgone_per_year"]
                     - assumptions["extra_living_costs_per_year"]) \
        - assumptions["fee_paid_by_nurse"]
    origin = years * (assumptions["remittances_per_year"] - assumptions["lost_service_per_year"]) \
        - assumptions["public_training_cost"]
    employer = years * assumptions["value_of_filled_post_per_year"] \
        - assumptions["employer_placement_fee"] - assumptions["employer_onboarding_cost"]
    return {"nurse": float(nurse), "origin": float(origin), "employer": float(employer)}


def _count(years: float) -> int:
    """Return the count that chooses the plural form for ``years`` (a fraction reads as many)."""
    return int(years) if float(years).is_integer() else 2


def ledger_figure(assumptions: dict[str, float]) -> Figure:
    """Return a bar chart of each party's net gain (EUR) with the zero line marked."""
    net = placement_ledger(assumptions)
    figure = Figure(figsize=(6.4, 3.0), dpi=96)
    axes = figure.subplots()
    for party in reversed(PARTIES):
        label = _(LABELS[party])
        axes.barh([label], [net[party]], color=COLOURS[party], hatch=HATCHES[party],
                  edgecolor="black")
        axes.annotate(format_number(net[party], "+,.0f"), (net[party], label),
                      xytext=(4 if net[party] >= 0 else -4, 0), textcoords="offset points",
                      ha="left" if net[party] >= 0 else "right", va="center", fontsize=9)
    axes.axvline(0, color=LOSS_COLOUR, linewidth=2, linestyle="--")
    losers = [_(NAMES[p]) for p in PARTIES if net[p] < 0]
    axes.set_title(_("All three gain") if not losers
                   else _("Loses: {parties}").format(parties=", ".join(losers)))
    axes.set_xlabel(ngettext("Net gain over {years} year, EUR (teaching ledger)",
                             "Net gain over {years} years, EUR (teaching ledger)",
                             _count(assumptions["years_abroad"])).format(
        years=format_number(assumptions["years_abroad"], "g")))
    low = min(0.0, *net.values())
    high = max(0.0, *net.values())
    margin = 0.25 * (high - low or 1.0)
    axes.set_xlim(low - margin, high + margin)
    figure.tight_layout()
    return localized_ticks(figure)


def ledger_alt_text(assumptions: dict[str, float]) -> str:
    """Return the alt text of ``ledger_figure`` for these assumptions."""
    net = placement_ledger(assumptions)
    parts = [_("{party} {amount} euros").format(party=_(NAMES[p]),
                                                 amount=format_number(net[p], "+,.0f"))
             for p in PARTIES]
    verdict = (_("all three gain") if all(v >= 0 for v in net.values())
               else _("at least one party loses"))
    return ngettext("Bar chart of net gains from one placement over {years} year: {parts}; "
                    "{verdict}.",
                    "Bar chart of net gains from one placement over {years} years: {parts}; "
                    "{verdict}.", _count(assumptions["years_abroad"])).format(
        years=format_number(assumptions["years_abroad"], "g"), parts=", ".join(parts),
        verdict=verdict)


def ledger_explorer(assumptions: dict[str, float]) -> Any:
    """Return an ipywidgets control over four assumptions of the ledger; the rest stay fixed."""
    import ipywidgets as widgets
    from IPython.display import display

    from academy.explore import StaticFigure

    def redraw(years_abroad: float, remittances_per_year: float, lost_service_per_year: float,
               value_of_filled_post_per_year: float) -> None:
        changed = dict(assumptions, years_abroad=years_abroad,
                       remittances_per_year=remittances_per_year,
                       lost_service_per_year=lost_service_per_year,
                       value_of_filled_post_per_year=value_of_filled_post_per_year)
        display(StaticFigure(ledger_figure(changed), ledger_alt_text(changed)))

    return widgets.interactive(
        redraw,
        years_abroad=widgets.IntSlider(value=int(assumptions["years_abroad"]), min=1, max=10,
                                       style=dict(WIDE_LABEL), description=_("Years")),
        remittances_per_year=widgets.FloatSlider(
            value=assumptions["remittances_per_year"], min=0, max=8000, step=200,
            style=dict(WIDE_LABEL), description=_("Remittances")),
        lost_service_per_year=widgets.FloatSlider(
            value=assumptions["lost_service_per_year"], min=0, max=10000, step=500,
            style=dict(WIDE_LABEL), description=_("Lost service")),
        value_of_filled_post_per_year=widgets.FloatSlider(
            value=assumptions["value_of_filled_post_per_year"], min=0, max=12000, step=500,
            style=dict(WIDE_LABEL), description=_("Post's value")),
    )
