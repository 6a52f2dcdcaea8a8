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
DEFAULT_ALT = ("Line chart of price per 100 against yield for a 5-year bond with a 5.625% coupon "
               "paid twice a year: at a 7.5% market yield it is worth 92.30, so buyers at par "
               "give the issuer 7.70 per 100.")


def _price_per_100(coupon_pct: float, years: int, yield_pct: Any, freq: int) -> Any:
    """Return the price per 100 of face value at the given yield(s) (scalar or array)."""
    rate = np.asarray(yield_pct, dtype=float) / 100 / freq
    payment = PAR * coupon_pct / 100 / freq
    # numpy-financial evaluates both branches of its zero-rate case, which warns at a zero yield.
    with np.errstate(divide="ignore", invalid="ignore"):
        return -npf.pv(rate, years * freq, payment, PAR)


def bond_figure(coupon_pct: float = DEFAULT_COUPON_PCT, years: int = DEFAULT_YEARS,
                market_yield_pct: float = DEFAULT_MARKET_YIELD_PCT,
                freq: int = DEFAULT_FREQ) -> Figure:
    """Return a figure of price against yield for the chosen tenor (and 1, 10 and 20 years),
    marking the market yield and the investors' gift to the issuer at par."""
    yields = np.linspace(0.0, 15.0, 151)
    figure = Figure(figsize=(7.0, 4.0), dpi=96)
    axes = figure.subplots()
    for other in sorted({1, 10, 20} - {years}):
        axes.plot(yields, _price_per_100(coupon_pct, other, yields, freq), color="#b8c4cc",
                  linewidth=1, label=f"{other}-year bond")
    axes.plot(yields, _price_per_100(coupon_pct, years, yields, freq), color="#1f6f8b",
              linewidth=2.5, label=f"{years}-year bond (chosen)")
    axes.axhline(PAR, color="#555555", linestyle=":", linewidth=1, label="Par (price paid)")
    market_price = float(_price_per_100(coupon_pct, years, market_yield_pct, freq))
    axes.axvline(market_yield_pct, color="#c0392b", linestyle="--", linewidth=1,
                 label=f"Market yield {market_yield_pct:g}%")
    axes.plot([market_yield_pct, market_yield_pct], [market_price, PAR], color="#f2a541",
              linewidth=6, solid_capstyle="butt",
              label=f"Gift to the issuer at par: {PAR - market_price:+.2f} per 100")
    axes.set_xlabel("Yield, % per year")
    axes.set_ylabel("Price per 100 of face value")
    axes.set_title(f"Coupon {coupon_pct:g}%, {freq} payment(s) a year: "
                   f"worth {market_price:.2f} at the market yield")
    axes.set_xlim(0, 15)
    axes.legend(loc="upper right", fontsize="small")
    figure.tight_layout()
    return figure


def bond_explorer() -> Any:
    """Return an ipywidgets control: coupon, tenor, market yield and payments per year."""
    import ipywidgets as widgets

    from academy.explore import interactive_figure

    return interactive_figure(
        bond_figure,
        alt="Line chart of the bond's price against the yield, with the market yield marked",
        coupon_pct=widgets.FloatSlider(value=DEFAULT_COUPON_PCT, min=0, max=12, step=0.125,
                                       description="Coupon %"),
        years=widgets.IntSlider(value=DEFAULT_YEARS, min=1, max=30, description="Tenor (years)"),
        market_yield_pct=widgets.FloatSlider(value=DEFAULT_MARKET_YIELD_PCT, min=0.5, max=15,
                                             step=0.25, description="Market yield %"),
        freq=widgets.Dropdown(options=[("annual", 1), ("semi-annual", 2)], value=DEFAULT_FREQ,
                              description="Coupons"),
    )
