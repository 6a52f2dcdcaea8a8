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
    payments = {1: "once a year", 2: "twice a year"}.get(freq, f"{freq} times a year")
    others = ", ".join(f"{y}" for y in sorted({1, 10, 20} - {years}))
    if abs(gift) < 0.005:
        meaning = "so a buyer at par neither gives nor receives anything"
    elif gift > 0:
        meaning = f"so buyers who pay par (100) give the issuer {gift:.2f} per 100"
    else:
        meaning = (f"so selling at par costs the issuer {-gift:.2f} per 100 more than the market "
                   "would ask")
    return (f"Line chart of a bond's price per 100 of face value against the yield, from 0 to 15% "
            f"a year, for a {years}-year bond with a {coupon_pct:g}% coupon paid {payments} "
            f"(thin grey lines: the same bond over {others} years). The price falls as the yield "
            f"rises and equals 100 where the yield equals the coupon. At the market yield of "
            f"{market_yield_pct:g}% the bond is worth {price:.2f}, {meaning}.")


DEFAULT_ALT = bond_alt()


def bond_figure(coupon_pct: float = DEFAULT_COUPON_PCT, years: int = DEFAULT_YEARS,
                market_yield_pct: float = DEFAULT_MARKET_YIELD_PCT,
                freq: int = DEFAULT_FREQ) -> Figure:
    """Return a figure of price against yield for the chosen tenor (and 1, 10 and 20 years),
    marking the market yield and the investors' gift to the issuer at par."""
    yields = np.linspace(0.0, 15.0, 151)
    figure = Figure(figsize=(7.0, 4.0), dpi=96)
    axes = figure.subplots()
    for other in sorted({1, 10, 20} - {years}):
        axes.plot(yields, _price_per_100(coupon_pct, other, yields, freq), color=OTHER_COLOUR,
                  linewidth=1, linestyle=OTHER_STYLES[other], label=f"{other}-year bond")
    axes.plot(yields, _price_per_100(coupon_pct, years, yields, freq), color=CHOSEN_COLOUR,
              linewidth=2.5, label=f"{years}-year bond (chosen)")
    axes.axhline(PAR, color="black", linestyle=":", linewidth=1, label="Par (price paid)")
    market_price = float(_price_per_100(coupon_pct, years, market_yield_pct, freq))
    axes.axvline(market_yield_pct, color=MARKET_COLOUR, linestyle="--", linewidth=1.2,
                 label=f"Market yield {market_yield_pct:g}%")
    low, high = sorted((market_price, PAR))
    axes.fill_betweenx([low, high], market_yield_pct - 0.15, market_yield_pct + 0.15,
                       facecolor=GIFT_COLOUR, edgecolor="black", hatch="///", linewidth=0.8,
                       label=f"Gift to the issuer at par: {PAR - market_price:+.2f} per 100")
    axes.plot([market_yield_pct], [market_price], marker="o", color="black", markersize=5,
              linestyle="none")
    axes.set_xlabel("Yield, % per year")
    axes.set_ylabel("Price per 100 of face value")
    axes.set_title(f"Coupon {coupon_pct:g}%, {freq} payment(s) a year: "
                   f"worth {market_price:.2f} at the market yield")
    axes.set_xlim(0, 15)
    axes.legend(loc="upper right", fontsize="small")
    figure.tight_layout()
    return figure


def bond_explorer() -> Any:
    """Return an ipywidgets control: coupon, tenor, market yield and payments per year.

    Each redraw carries its own alt text (``bond_alt``) and shows the same text as a caption.
    """
    import ipywidgets as widgets
    from IPython.display import Markdown, display

    from academy.explore import StaticFigure

    def redraw(coupon_pct: float, years: int, market_yield_pct: float, freq: int) -> None:
        description = bond_alt(coupon_pct, years, market_yield_pct, freq)
        display(StaticFigure(bond_figure(coupon_pct, years, market_yield_pct, freq), description))
        display(Markdown(f"*Figure description:* {description}"))

    return widgets.interactive(
        redraw,
        coupon_pct=widgets.FloatSlider(value=DEFAULT_COUPON_PCT, min=0, max=12, step=0.125,
                                       description="Coupon %"),
        years=widgets.IntSlider(value=DEFAULT_YEARS, min=1, max=30, description="Tenor (years)"),
        market_yield_pct=widgets.FloatSlider(value=DEFAULT_MARKET_YIELD_PCT, min=0.5, max=15,
                                             step=0.25, description="Market yield %"),
        freq=widgets.Dropdown(options=[("annual", 1), ("semi-annual", 2)], value=DEFAULT_FREQ,
                              description="Coupons"),
    )
