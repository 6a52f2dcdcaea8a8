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

from academy.explore import WIDE_LABEL, localized_ticks
from academy.notebook_language import decimal_mark, format_number, semicolon
from academy.notebook_language import translatable as N_
from academy.notebook_language import translate as _

DIMENSIONS = ("economic", "social", "psychosocial")
# The dimensions' names as the figure and its alt text say them (the keys above are code).
DIMENSION_NAMES = {"economic": N_("economic"), "social": N_("social"),
                   "psychosocial": N_("psychosocial")}

# The course's scoring rules: indicator -> True if a higher value means better reintegration.
INDICATORS: dict[str, dict[str, bool]] = {
    "economic": {"income_usd_month": True, "work_days_month": True, "debt_usd": False},
    "social": {"housing_quality": True, "services_access": True,
               "community_participation": True},
    "psychosocial": {"wellbeing": True, "discrimination": False, "wish_to_leave": False},
}
THRESHOLD = 0.5

# Fixed ends of each indicator's scale (low, high), chosen by the course before looking at the
# survey: round numbers for money, the ends of the answer scale otherwise. A value outside is
# clipped. With fixed ends a score keeps its meaning from one survey to the next; with the
# minimum and maximum of the sample it does not.
FIXED_SCALES: dict[str, tuple[float, float]] = {
    "income_usd_month": (0, 600), "work_days_month": (0, 30), "debt_usd": (0, 3000),
    "housing_quality": (1, 5), "services_access": (0, 6), "community_participation": (1, 5),
    "wellbeing": (1, 5), "discrimination": (1, 5), "wish_to_leave": (1, 5),
}

# Okabe-Ito colours, told apart by readers with colour-vision deficiencies; every line also has
# its own line style and a label, so colour is never the only cue.
_BAR = "#0072B2"
_HISTOGRAM = "#56B4E9"
_THRESHOLD_LINE = "#D55E00"
_Z_95 = 1.96


def scoring_rules() -> pd.DataFrame:
    """Return the scoring rules as a table: dimension, indicator and which direction is better.

    The dimensions and indicators are named as in the code; the headings and the direction are
    in the learner's language."""
    rows = [(dimension, indicator, _("higher") if higher else _("lower"))
            for dimension, indicators in INDICATORS.items()
            for indicator, higher in indicators.items()]
    return pd.DataFrame(rows, columns=[_("dimension"), _("indicator"), _("better when")])


def _index_values(survey: pd.DataFrame, weights: tuple[float, float, float],
                  scales: dict[str, tuple[float, float]] | None = None) -> np.ndarray:
    """Return each returnee's composite index under ``weights`` (in DIMENSIONS order).

    Each indicator is scaled from the ends given in ``scales`` (clipped to 0-1), or from the
    survey's own minimum and maximum when ``scales`` is None (the module's rule 1).
    """
    parts = []
    for dimension in DIMENSIONS:
        columns = []
        for indicator, higher in INDICATORS[dimension].items():
            raw = survey[indicator].to_numpy(dtype=float)
            low, high = scales[indicator] if scales else (raw.min(), raw.max())
            scaled = np.clip((raw - low) / (high - low), 0.0, 1.0)
            columns.append(scaled if higher else 1.0 - scaled)
        parts.append(np.column_stack(columns).mean(axis=1))
    stacked = np.column_stack(parts)
    w = np.asarray(weights, dtype=float)
    values: np.ndarray = stacked @ (w / w.sum())
    return values


def share_at_threshold(survey: pd.DataFrame,
                       scales: dict[str, tuple[float, float]] | None = None,
                       weights: tuple[float, float, float] = (1.0, 1.0, 1.0),
                       threshold: float = THRESHOLD) -> float:
    """Return the % of returnees whose index is at or above ``threshold``, scaling indicators
    by the survey's minimum and maximum (``scales`` None) or by fixed ends such as
    FIXED_SCALES."""
    return 100 * float((_index_values(survey, weights, scales) >= threshold).mean())


def _shares(survey: pd.DataFrame, weights: tuple[float, float, float],
            threshold: float) -> tuple[np.ndarray, float, pd.DataFrame]:
    """Return (index values, overall % at or above threshold, table by support type).

    The table, sorted by share ascending, has the group size ``n``, the ``share`` in per cent
    and the half-width ``margin`` of its 95% confidence interval (normal approximation).
    """
    index = _index_values(survey, weights)
    above = pd.Series(index >= threshold, index=survey.index)
    groups = above.groupby(survey["support_type"].astype(str))
    p = groups.mean()
    n = groups.size()
    table = pd.DataFrame({"n": n, "share": 100 * p,
                          "margin": 100 * _Z_95 * np.sqrt(p * (1 - p) / n)})
    return index, 100 * float(above.mean()), table.sort_values("share")


def _weights_text(economic: float, social: float, psychosocial: float) -> str:
    """Return the relative weights as the figure says them: "economic 0.33, social 0.33, ..."."""
    total = economic + social + psychosocial
    # where the decimal mark is a comma, a comma cannot also separate the weights
    separator = semicolon() if decimal_mark() == "," else ", "
    return separator.join(f"{_(DIMENSION_NAMES[d])} {format_number(w / total, '.2f')}"
                          for d, w in zip(DIMENSIONS, (economic, social, psychosocial),
                                          strict=True))


def figure_description(survey: pd.DataFrame, economic: float = 1.0, social: float = 1.0,
                       psychosocial: float = 1.0, threshold: float = THRESHOLD) -> str:
    """Return alt text for ``reintegration_figure`` with the same settings (rounded shares)."""
    if economic + social + psychosocial <= 0:
        return _("No figure: every weight is zero. Give at least one dimension a positive "
                 "weight.")
    _index, overall, by_support = _shares(survey, (economic, social, psychosocial), threshold)
    groups = ", ".join(
        _("{group} {share}% (95% interval {low} to {high}, n={n})").format(
            group=row.Index, share=format_number(row.share, ".0f"),
            low=format_number(row.share - row.margin, ".0f"),
            high=format_number(row.share + row.margin, ".0f"), n=row.n)
        for row in by_support[::-1].itertuples())
    return _("Weights: {weights}. Two panels. Left: share of returnees whose composite index is "
             "at or above {threshold}, by type of support, with 95% confidence intervals: "
             "{groups}; all returnees {overall}% (dashed line). Right: histogram of the "
             "composite index between 0 and 1, the threshold marked by a dotted line.").format(
        weights=_weights_text(economic, social, psychosocial),
        threshold=format_number(threshold, ".2f"), groups=groups,
        overall=format_number(overall, ".0f"))


def reintegration_figure(survey: pd.DataFrame, economic: float = 1.0, social: float = 1.0,
                         psychosocial: float = 1.0, threshold: float = THRESHOLD) -> Figure:
    """Return a figure of the share above ``threshold`` by support type and the index's spread.

    The three weights are relative: they are divided by their sum before use.
    """
    figure = Figure(figsize=(9.6, 4.4), dpi=96)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
    total = economic + social + psychosocial
    if total <= 0:
        left.text(0.5, 0.5, _("Give at least one dimension a positive weight."), ha="center")
        left.set_axis_off()
        right.set_axis_off()
        return figure
    index, overall, by_support = _shares(survey, (economic, social, psychosocial), threshold)

    left.barh(by_support.index, by_support["share"].to_numpy(), color=_BAR,
              xerr=by_support["margin"].to_numpy(), ecolor="black", capsize=3,
              label=_("Share, with 95% confidence interval"))
    for position, row in enumerate(by_support.itertuples()):
        # The value is written next to each bar: the figure does not rely on reading lengths.
        left.text(min(row.share + row.margin + 1.5, 78), position,
                  _("{share}% (n={n})").format(share=format_number(row.share, ".0f"), n=row.n),
                  va="center", fontsize="small",
                  bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    left.axvline(overall, color="black", linestyle="--",
                 label=_("All returnees: {share}%").format(share=format_number(overall, ".0f")))
    left.set_xlim(0, 100)
    left.set_xlabel(_("% at or above the threshold"))
    left.set_title(_("By type of support"), fontsize="medium")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize="small", ncol=2)

    right.hist(index, bins=np.linspace(0, 1, 21), color=_HISTOGRAM, edgecolor="black",
               linewidth=0.4)
    right.axvline(threshold, color=_THRESHOLD_LINE, linestyle=":", linewidth=2,
                  label=_("Threshold {threshold}").format(
                      threshold=format_number(threshold, ".2f")))
    right.set_xlim(0, 1)
    right.set_xlabel(_("Composite index (0 to 1)"))
    right.set_ylabel(_("Returnees"))
    right.set_title(_("Spread of the index"), fontsize="medium")
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize="small")

    figure.suptitle(_("Weights: {weights}").format(
        weights=_weights_text(economic, social, psychosocial)), fontsize="medium")
    figure.tight_layout()
    return localized_ticks(figure)


def weights_explorer(survey: pd.DataFrame) -> Any:
    """Return an ipywidgets control: three relative dimension weights and the threshold."""
    import ipywidgets as widgets
    from IPython.display import display

    from academy.explore import StaticFigure

    def redraw(economic: float, social: float, psychosocial: float, threshold: float) -> None:
        # Each redraw carries alt text describing what this state shows, not a generic one.
        figure = reintegration_figure(survey, economic, social, psychosocial, threshold)
        display(StaticFigure(figure, figure_description(
            survey, economic, social, psychosocial, threshold)))

    def weight(name: str) -> Any:
        return widgets.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.1, style=dict(WIDE_LABEL),
                                   description=name)

    return widgets.interactive(
        redraw,
        economic=weight(_("Economic")),
        social=weight(_("Social")),
        psychosocial=weight(_("Psychosocial")),
        threshold=widgets.FloatSlider(value=THRESHOLD, min=0.2, max=0.8, step=0.05,
                                      style=dict(WIDE_LABEL), description=_("Threshold")),
    )
