"""Explorer for the Diaspora investment module: a bond's price against the yield and the tenor.

The figure shows why a diaspora bond sold at par with a coupon below the market yield is a gift
from its buyers to the issuer (the "patriotic discount"), and how that gift grows with the tenor.
Prices come from numpy-financial's present-value function, not from the exercise's own code.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy_financial as npf
from matplotlib.figure import Figure

from academy.explore import WIDE_LABEL, localized_ticks
from academy.notebook_language import format_number
from academy.notebook_language import translate as _
from academy.notebook_language import translate_plural as ngettext

PAR = 100.0
# Defaults: the coupon and tenor of Nigeria's 2017 diaspora bond (FACTS: DMO, secondary); the
# market yield is a hypothetical teaching figure, not a published one.
DEFAULT_COUPON_PCT = 5.625
DEFAULT_YEARS = 5
DEFAULT_MARKET_YIELD_PCT = 7.5
DEFAULT_FREQ = 2
# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies); every element
# also differs by line style, width or hatching, and is named in the legend.
CHOSEN_COLOUR = "#0072B2"
OTHER_COLOUR = "#999999"
MARKET_COLOUR = "#D55E00"
GIFT_COLOUR = "#E69F00"
OTHER_STYLES = {1: (0, (1, 1)), 10: (0, (5, 2)), 20: (0, (8, 2, 1, 2))}


def _price_per_100(coupon_pct: float, years: int, yield_pct: Any, freq: int) -> Any:
    """Return the price per 100 of face value at the given yield(s) (scalar or array)."""
    rate = np.asarray(yield_pct, dtype=float) / 100 / freq
    payment = PAR * coupon_pct / 100 / freq
    # numpy-financial evaluates both branches of its zero-rate case, which warns at a zero yield.
    with np.errstate(divide="ignore", invalid="ignore"):
        return -npf.pv(rate, years * freq, payment, PAR)


def bond_alt(coupon_pct: float = DEFAULT_COUPON_PCT, years: int = DEFAULT_YEARS,
             market_yield_pct: float = DEFAULT_MARKET_YIELD_PCT, freq: int = DEFAULT_FREQ) -> str:
    """Return the text alternative of ``bond_figure`` with the same settings: what it shows."""
    price = float(_price_per_100(coupon_pct, years, market_yield_pct, freq))
    gift = PAR - price
    if freq == 1:
        payments = _("once a year")
    elif freq == 2:
        payments = _("twice a year")
    else:
        payments = _("{count} times a year").format(count=freq)
    others = ", ".join(f"{y}" for y in sorted({1, 10, 20} - {years}))
    if abs(gift) < 0.005:
        meaning = _("so a buyer at par neither gives nor receives anything")
    elif gift > 0:
        meaning = _("so buyers who pay par (100) give the issuer {gift} per 100").format(
            gift=format_number(gift, ".2f"))
    else:
        meaning = _("so selling at par costs the issuer {cost} per 100 more than the market "
                    "would ask").format(cost=format_number(-gift, ".2f"))
    chart = ngettext(
        "Line chart of a bond's price per 100 of face value against the yield, from 0 to 15% a "
        "year, for a {years}-year bond with a {coupon}% coupon paid {payments} (thin grey lines: "
        "the same bond over {others} years).",
        "Line chart of a bond's price per 100 of face value against the yield, from 0 to 15% a "
        "year, for a {years}-year bond with a {coupon}% coupon paid {payments} (thin grey lines: "
        "the same bond over {others} years).", years).format(
        years=years, coupon=format_number(coupon_pct, "g"), payments=payments, others=others)
    at_market = _("At the market yield of {market_yield}% the bond is worth {price}, "
                  "{meaning}.").format(market_yield=format_number(market_yield_pct, "g"),
                                       price=format_number(price, ".2f"), meaning=meaning)
    return " ".join([chart, _("The price falls as the yield rises and equals 100 where the yield "
                              "equals the coupon."), at_market])


def __getattr__(name: str) -> Any:
    """Return ``DEFAULT_ALT``, the alt text of the default figure, in the learner's language
    at the time it is asked for (not when this module was imported)."""
    if name == "DEFAULT_ALT":
        return bond_alt()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def bond_figure(coupon_pct: float = DEFAULT_COUPON_PCT, years: int = DEFAULT_YEARS,
                market_yield_pct: float = DEFAULT_MARKET_YIELD_PCT,
                freq: int = DEFAULT_FREQ) -> Figure:
    """Return a figure of price against yield for the chosen tenor (and 1, 10 and 20 years),
    marking the market yield and the investors' gift to the issuer at par."""
    yields = np.linspace(0.0, 15.0, 151)
    figure = Figure(figsize=(7.0, 4.0), dpi=96)
    axes = figure.subplots()
    for other in sorted({1, 10, 20} - {years}):
        bond = ngettext("{years}-year bond", "{years}-year bond", other)
        axes.plot(yields, _price_per_100(coupon_pct, other, yields, freq), color=OTHER_COLOUR,
                  linewidth=1, linestyle=OTHER_STYLES[other], label=bond.format(years=other))
    chosen = ngettext("{years}-year bond (chosen)", "{years}-year bond (chosen)", years)
    axes.plot(yields, _price_per_100(coupon_pct, years, yields, freq), color=CHOSEN_COLOUR,
              linewidth=2.5, label=chosen.format(years=years))
    axes.axhline(PAR, color="black", linestyle=":", linewidth=1, label=_("Par (price paid)"))
    market_price = float(_price_per_100(coupon_pct, years, market_yield_pct, freq))
    axes.axvline(market_yield_pct, color=MARKET_COLOUR, linestyle="--", linewidth=1.2,
                 label=_("Market yield {market_yield}%").format(
                     market_yield=format_number(market_yield_pct, "g")))
    low, high = sorted((market_price, PAR))
    axes.fill_betweenx([low, high], market_yield_pct - 0.15, market_yield_pct + 0.15,
                       facecolor=GIFT_COLOUR, edgecolor="black", hatch="///", linewidth=0.8,
                       label=_("Gift to the issuer at par: {gift} per 100").format(
                           gift=format_number(PAR - market_price, "+.2f")))
    axes.plot([market_yield_pct], [market_price], marker="o", color="black", markersize=5,
              linestyle="none")
    axes.set_xlabel(_("Yield, % per year"))
    axes.set_ylabel(_("Price per 100 of face value"))
    axes.set_title(ngettext(
        "Coupon {coupon}%, {freq} payment(s) a year: worth {price} at the market yield",
        "Coupon {coupon}%, {freq} payment(s) a year: worth {price} at the market yield",
        freq).format(coupon=format_number(coupon_pct, "g"), freq=freq,
                     price=format_number(market_price, ".2f")))
    axes.set_xlim(0, 15)
    axes.legend(loc="upper right", fontsize="small")
    figure.tight_layout()
    return localized_ticks(figure)


def bond_explorer() -> Any:
    """Return an ipywidgets control: coupon, tenor, market yield and payments per year.

    Each redraw carries its own alt text (``bond_alt``) and shows the same text as a caption.
    """
    import ipywidgets as widgets
    from IPython.display import display

    from academy.explore import StaticFigure, show_caption

    def redraw(coupon_pct: float, years: int, market_yield_pct: float, freq: int) -> None:
        description = bond_alt(coupon_pct, years, market_yield_pct, freq)
        display(StaticFigure(bond_figure(coupon_pct, years, market_yield_pct, freq), description))
        display(show_caption(description))

    return widgets.interactive(
        redraw,
        coupon_pct=widgets.FloatSlider(value=DEFAULT_COUPON_PCT, min=0, max=12, step=0.125,
                                       style=dict(WIDE_LABEL), description=_("Coupon %")),
        years=widgets.IntSlider(value=DEFAULT_YEARS, min=1, max=30,
                                style=dict(WIDE_LABEL), description=_("Tenor (years)")),
        market_yield_pct=widgets.FloatSlider(value=DEFAULT_MARKET_YIELD_PCT, min=0.5, max=15,
                                             step=0.25, style=dict(WIDE_LABEL),
                                             description=_("Market yield %")),
        freq=widgets.Dropdown(options=[(_("annual"), 1), (_("semi-annual"), 2)],
                              value=DEFAULT_FREQ, style=dict(WIDE_LABEL), description=_("Coupons")),
    )
