"""Explorer for the Remittances module: what a transfer costs, against the SDG 10.c lines."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

SDG_TARGET_PCT = 3.0
CORRIDOR_CEILING_PCT = 5.0


def transfer_cost(amount: float, fee: float, margin_pct: float) -> tuple[float, float, float]:
    """Return (fee, exchange-rate margin cost, total) in the sending currency."""
    margin_cost = amount * margin_pct / 100
    return fee, margin_cost, fee + margin_cost


def cost_figure(amount: float = 200.0, fee: float = 8.0, margin_pct: float = 2.5,
                corridor: str = "", corridor_cost_pct: float | None = None) -> Figure:
    """Return a bar chart of a transfer's cost (% of amount) next to the 3% and 5% lines."""
    fee_part, margin_part, total = transfer_cost(amount, fee, margin_pct)
    figure = Figure(figsize=(6.4, 3.2), dpi=96)
    axes = figure.subplots()
    labels = ["This transfer"]
    fees = [100 * fee_part / amount]
    margins = [100 * margin_part / amount]
    if corridor_cost_pct is not None:
        labels.append(f"Average\n{corridor}" if corridor else "Corridor average")
        fees.append(0.0)
        margins.append(corridor_cost_pct)
    axes.barh(labels, fees, color="#1f6f8b", label="Fee")
    axes.barh(labels, margins, left=fees, color="#f2a541", label="Exchange-rate margin")
    axes.axvline(SDG_TARGET_PCT, color="#2a9d4b", linestyle="--", label="SDG 10.c target (3%)")
    axes.axvline(CORRIDOR_CEILING_PCT, color="#c0392b", linestyle=":",
                 label="No corridor above 5%")
    axes.set_xlabel("Total cost, % of the amount sent")
    axes.set_title(f"Sending {amount:,.0f}: total cost {100 * total / amount:.2f}%")
    axes.legend(loc="lower right", fontsize="small")
    axes.set_xlim(0, max(12.0, *(f + m for f, m in zip(fees, margins, strict=True))) + 1)
    figure.tight_layout()
    return figure


def cost_calculator(corridor_costs: dict[str, float]) -> Any:
    """Return an ipywidgets cost calculator: amount, fee, margin and a corridor to compare with."""
    import ipywidgets as widgets

    from academy.explore import interactive_figure

    names = sorted(corridor_costs)

    def draw(amount: float, fee: float, margin_pct: float, corridor: str) -> Figure:
        return cost_figure(amount, fee, margin_pct, corridor, corridor_costs[corridor])

    return interactive_figure(
        draw,
        alt="Bar chart of the chosen transfer's cost next to the corridor average and SDG lines",
        amount=widgets.FloatSlider(value=200, min=50, max=1000, step=50, description="Amount"),
        fee=widgets.FloatSlider(value=8, min=0, max=30, step=0.5, description="Fee"),
        margin_pct=widgets.FloatSlider(value=2.5, min=0, max=8, step=0.1,
                                       description="FX margin %"),
        corridor=widgets.Dropdown(options=names, value=names[0], description="Corridor"),
    )
