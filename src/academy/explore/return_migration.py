"""Explorer for the Return migration module: how dimension weights and the threshold change who
counts as sustainably reintegrated.

The scoring rules are the course's own simplified version of a reintegration index in the spirit
of IOM's approach (economic, social and psychosocial dimensions, each built from several
indicators). IOM's published weights are not used here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

DIMENSIONS = ("economic", "social", "psychosocial")

# The course's scoring rules: indicator -> True if a higher value means better reintegration.
INDICATORS: dict[str, dict[str, bool]] = {
    "economic": {"income_usd_month": True, "work_days_month": True, "debt_usd": False},
    "social": {"housing_quality": True, "services_access": True,
               "community_participation": True},
    "psychosocial": {"wellbeing": True, "discrimination": False, "wish_to_leave": False},
}
THRESHOLD = 0.5

_COLOURS = {"economic": "#1f6f8b", "social": "#f2a541", "psychosocial": "#7a4fa3"}


def scoring_rules() -> pd.DataFrame:
    """Return the scoring rules as a table: dimension, indicator and which direction is better."""
    rows = [(dimension, indicator, "higher" if higher else "lower")
            for dimension, indicators in INDICATORS.items()
            for indicator, higher in indicators.items()]
    return pd.DataFrame(rows, columns=["dimension", "indicator", "better when"])


def _index_values(survey: pd.DataFrame, weights: tuple[float, float, float]) -> np.ndarray:
    """Return each returnee's composite index under ``weights`` (in DIMENSIONS order)."""
    parts = []
    for dimension in DIMENSIONS:
        columns = []
        for indicator, higher in INDICATORS[dimension].items():
            raw = survey[indicator].to_numpy(dtype=float)
            scaled = (raw - raw.min()) / (raw.max() - raw.min())
            columns.append(scaled if higher else 1.0 - scaled)
        parts.append(np.column_stack(columns).mean(axis=1))
    stacked = np.column_stack(parts)
    w = np.asarray(weights, dtype=float)
    values: np.ndarray = stacked @ (w / w.sum())
    return values


def _shares(survey: pd.DataFrame, weights: tuple[float, float, float],
            threshold: float) -> tuple[np.ndarray, float, pd.Series]:
    """Return (index values, overall % at or above threshold, % by support type, ascending)."""
    index = _index_values(survey, weights)
    above = pd.Series(index >= threshold, index=survey.index)
    by_support = (100 * above.groupby(survey["support_type"].astype(str)).mean()).sort_values()
    return index, 100 * float(above.mean()), by_support


def figure_description(survey: pd.DataFrame, economic: float = 1.0, social: float = 1.0,
                       psychosocial: float = 1.0, threshold: float = THRESHOLD) -> str:
    """Return alt text for ``reintegration_figure`` with the same settings (rounded shares)."""
    _, overall, by_support = _shares(survey, (economic, social, psychosocial), threshold)
    groups = ", ".join(f"{name} {share:.0f}%" for name, share in by_support[::-1].items())
    return (f"Two panels. Left: share of returnees whose composite index is at or above "
            f"{threshold:.2f}, by type of support: {groups}; all returnees {overall:.0f}%. "
            f"Right: histogram of the composite index between 0 and 1 with the threshold "
            f"marked.")


def reintegration_figure(survey: pd.DataFrame, economic: float = 1.0, social: float = 1.0,
                         psychosocial: float = 1.0, threshold: float = THRESHOLD) -> Figure:
    """Return a figure of the share above ``threshold`` by support type and the index's spread.

    The three weights are relative: they are divided by their sum before use.
    """
    figure = Figure(figsize=(9.6, 3.8), dpi=96)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
    total = economic + social + psychosocial
    if total <= 0:
        left.text(0.5, 0.5, "Give at least one dimension a positive weight.", ha="center")
        left.set_axis_off()
        right.set_axis_off()
        return figure
    index, overall, by_support = _shares(survey, (economic, social, psychosocial), threshold)

    left.barh(by_support.index, by_support.to_numpy(), color="#2a9d4b")
    left.axvline(overall, color="black", linestyle="--",
                 label=f"All returnees: {overall:.0f}%")
    left.set_xlim(0, 100)
    left.set_xlabel("% at or above the threshold")
    left.set_title("By type of support", fontsize="medium")
    left.legend(loc="lower right", fontsize="small")

    right.hist(index, bins=np.linspace(0, 1, 21), color="#9bb7c4", edgecolor="white")
    right.axvline(threshold, color="#c0392b", linestyle=":", label=f"Threshold {threshold:.2f}")
    right.set_xlim(0, 1)
    right.set_xlabel("Composite index (0 to 1)")
    right.set_ylabel("Returnees")
    right.set_title("Spread of the index", fontsize="medium")
    right.legend(loc="upper right", fontsize="small")

    shares = ", ".join(f"{d} {w / total:.2f}" for d, w in
                       zip(DIMENSIONS, (economic, social, psychosocial), strict=True))
    figure.suptitle(f"Weights: {shares}", fontsize="medium")
    figure.tight_layout()
    return figure


def weights_explorer(survey: pd.DataFrame) -> Any:
    """Return an ipywidgets control: three relative dimension weights and the threshold."""
    import ipywidgets as widgets

    from academy.explore import interactive_figure

    def draw(economic: float, social: float, psychosocial: float, threshold: float) -> Figure:
        return reintegration_figure(survey, economic, social, psychosocial, threshold)

    def weight(name: str) -> Any:
        return widgets.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.1, description=name)

    return interactive_figure(
        draw,
        alt="Share of returnees at or above the threshold by type of support, and the spread "
            "of the composite index, for the chosen weights and threshold",
        economic=weight("Economic"),
        social=weight("Social"),
        psychosocial=weight("Psychosocial"),
        threshold=widgets.FloatSlider(value=THRESHOLD, min=0.2, max=0.8, step=0.05,
                                      description="Threshold"),
    )
