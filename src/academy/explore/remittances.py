"""Explorer for the Remittances module: what a transfer costs, against the SDG 10.c lines.

Colours come from the Okabe-Ito palette (safe for the common forms of colour blindness), and each
part of the figure also differs by a second cue: hatching for the margin and the corridor
average, line style and a text label for the two SDG lines.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from academy.explore import WIDE_LABEL, localized_ticks
from academy.notebook_language import format_number
from academy.notebook_language import translate as _

SDG_TARGET_PCT = 3.0
CORRIDOR_CEILING_PCT = 5.0

FEE_COLOUR = "#0072B2"  # Okabe-Ito blue
MARGIN_COLOUR = "#E69F00"  # Okabe-Ito orange
CORRIDOR_COLOUR = "#999999"  # grey: a total, not split into fee and margin
TARGET_COLOUR = "#009E73"  # Okabe-Ito bluish green
CEILING_COLOUR = "#D55E00"  # Okabe-Ito vermillion


def transfer_cost(amount: float, fee: float, margin_pct: float) -> tuple[float, float, float]:
    """Return (fee, exchange-rate margin cost, total) in the sending currency."""
    margin_cost = amount * margin_pct / 100
    return fee, margin_cost, fee + margin_cost


def cost_figure(amount: float = 200.0, fee: float = 8.0, margin_pct: float = 2.5,
                corridor: str = "", corridor_cost_pct: float | None = None) -> Figure:
    """Return a bar chart of a transfer's cost (% of amount) next to the 3% and 5% lines.

    The transfer's bar is split into fee and exchange-rate margin. A corridor average is drawn
    as one grey hatched bar: the published average is a total, not split into fee and margin.
    """
    fee_part, margin_part, total = transfer_cost(amount, fee, margin_pct)
    fee_pct, margin_pct_of_amount = 100 * fee_part / amount, 100 * margin_part / amount
    figure = Figure(figsize=(6.4, 3.2), dpi=96)
    axes = figure.subplots()
    this_transfer = _("This transfer")
    axes.barh([this_transfer], [fee_pct], color=FEE_COLOUR, label=_("Fee"))
    axes.barh([this_transfer], [margin_pct_of_amount], left=[fee_pct], color=MARGIN_COLOUR,
              hatch="//", edgecolor="black", label=_("Exchange-rate margin"))
    widest = fee_pct + margin_pct_of_amount
    if corridor_cost_pct is not None:
        # TRANSLATORS: the label of the corridor's bar; {corridor} is a corridor's name (data).
        label = (_("Average\n{corridor}").format(corridor=corridor) if corridor
                 else _("Corridor average"))
        axes.barh([label], [corridor_cost_pct], color=CORRIDOR_COLOUR, hatch="..",
                  edgecolor="black", label=_("Corridor average (fee and margin together)"))
        widest = max(widest, corridor_cost_pct)
    axes.axvline(SDG_TARGET_PCT, color=TARGET_COLOUR, linestyle="--", linewidth=2,
                 label=_("SDG 10.c target (3%)"))
    axes.axvline(CORRIDOR_CEILING_PCT, color=CEILING_COLOUR, linestyle=":", linewidth=2,
                 label=_("No corridor above 5%"))
    axes.set_xlabel(_("Total cost, % of the amount sent"))
    axes.set_title(_("Sending {amount}: total cost {pct}%").format(
        amount=format_number(amount, ",.0f"), pct=format_number(100 * total / amount, ".2f")))
    axes.legend(loc="lower right", fontsize="small")
    axes.set_xlim(0, max(12.0, widest) + 1)
    figure.tight_layout()
    return localized_ticks(figure)


def cost_alt_text(amount: float, fee: float, margin_pct: float, corridor: str = "",
                  corridor_cost_pct: float | None = None) -> str:
    """Return the alt text of ``cost_figure`` for these settings: what the figure shows."""
    fee_part, margin_part, total = transfer_cost(amount, fee, margin_pct)
    total_pct = 100 * total / amount
    if total_pct > CORRIDOR_CEILING_PCT:
        position = _("above the 3% target and above the 5% line")
    elif total_pct > SDG_TARGET_PCT:
        position = _("above the 3% target but not above the 5% line")
    else:
        position = _("at or below the 3% target")
    text = _("Bar chart: sending {amount} with a fee of {fee} and a {margin}% exchange-rate "
             "margin costs {total}% of the amount (fee {fee_pct}%, margin {margin_pct}%), "
             "{position}.").format(
        amount=format_number(amount, ",.0f"), fee=format_number(fee, "g"),
        margin=format_number(margin_pct, "g"), total=format_number(total_pct, ".2f"),
        fee_pct=format_number(100 * fee_part / amount, ".2f"),
        margin_pct=format_number(100 * margin_part / amount, ".2f"), position=position)
    if corridor_cost_pct is not None:
        average = format_number(corridor_cost_pct, ".2f")
        if corridor:
            origin, arrow, destination = corridor.partition("→")
            # TRANSLATORS: a corridor's name said in words ("South Africa to Malawi" for
            # "South Africa → Malawi"); the country names stay as in the data.
            name = _("{origin} to {destination}").format(
                origin=origin.strip(), destination=destination.strip()) if arrow else corridor
            text += " " + _("The average cost in {corridor} in 2020 Q3 was {pct}%.").format(
                corridor=name, pct=average)
        else:
            text += " " + _("The average cost in the corridor in 2020 Q3 was {pct}%.").format(
                pct=average)
    return text


def cost_calculator(corridor_costs: dict[str, float]) -> Any:
    """Return an ipywidgets cost calculator: amount, fee, margin and a corridor to compare with.

    Each redraw carries alt text describing that state (``cost_alt_text``).
    """
    import ipywidgets as widgets
    from IPython.display import display

    from academy.explore import StaticFigure

    names = sorted(corridor_costs)

    def redraw(amount: float, fee: float, margin_pct: float, corridor: str) -> None:
        cost = corridor_costs[corridor]
        display(StaticFigure(cost_figure(amount, fee, margin_pct, corridor, cost),
                             cost_alt_text(amount, fee, margin_pct, corridor, cost)))

    return widgets.interactive(
        redraw,
        amount=widgets.FloatSlider(value=200, min=50, max=1000, step=50,
                                   style=dict(WIDE_LABEL), description=_("Amount")),
        fee=widgets.FloatSlider(value=8, min=0, max=30, step=0.5, style=dict(WIDE_LABEL),
                                description=_("Fee")),
        margin_pct=widgets.FloatSlider(value=2.5, min=0, max=8, step=0.1,
                                       style=dict(WIDE_LABEL), description=_("FX margin %")),
        corridor=widgets.Dropdown(options=names, value=names[0], style=dict(WIDE_LABEL),
                                  description=_("Corridor")),
    )
