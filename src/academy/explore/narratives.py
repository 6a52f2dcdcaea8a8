"""Explorer for the Narratives module: filter the constructed headlines, see frames and examples."""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

ALL = "All"
FRAME_ORDER = ("Threat", "Victim", "Hero", "Neutral")
FRAME_COLOURS = {"Threat": "#c0392b", "Victim": "#f2a541", "Hero": "#2a9d4b",
                 "Neutral": "#9e9e9e"}
CODERS = ("A", "B")


def frame_column(coder: str) -> str:
    """Return the corpus column holding ``coder``'s immigration-frame codes ("A" or "B")."""
    if coder not in CODERS:
        raise ValueError(f"coder must be one of {CODERS}, not {coder!r}")
    return f"immigration_frame_{coder.lower()}"


def filter_headlines(corpus: pd.DataFrame, frame: str = ALL, outlet_type: str = ALL,
                     country: str = ALL, coder: str = "A") -> pd.DataFrame:
    """Return the rows of ``corpus`` matching the filters ("All" keeps every value)."""
    keep = pd.Series(True, index=corpus.index)
    for column, wanted in ((frame_column(coder), frame), ("outlet_type", outlet_type),
                           ("country", country)):
        if wanted != ALL:
            keep &= corpus[column] == wanted
    return corpus[keep.astype(bool)]


def _example_lines(rows: pd.DataFrame, coder: str, how_many: int, width: int) -> list[str]:
    lines: list[str] = []
    picked = rows.sample(min(how_many, len(rows)), random_state=0) if len(rows) else rows
    for row in picked.sort_values("headline_id").itertuples(index=False):
        label = f"{row.headline_id} · {row.outlet_type} · {row.country} · " \
                f"{getattr(row, frame_column(coder))}"
        lines.append(label)
        lines += ["   " + part for part in textwrap.wrap(str(row.headline), width)]
        lines.append("")
    return lines


def explorer_figure(corpus: pd.DataFrame, frame: str = ALL, outlet_type: str = ALL,
                    country: str = ALL, coder: str = "A", examples: int = 5) -> Figure:
    """Return a figure: headline counts by outlet type and frame, and matching examples.

    The bars count the headlines of the selected country (all countries by default) by outlet
    type, stacked by the chosen coder's frame; the selected frame and outlet type are drawn in
    full colour and the rest faded. The right panel lists example headlines matching all filters.
    """
    column = frame_column(coder)
    in_country = filter_headlines(corpus, country=country, coder=coder)
    counts = (in_country.groupby(["outlet_type", column]).size().unstack(fill_value=0)
              .reindex(columns=list(FRAME_ORDER), fill_value=0))
    outlets = sorted(corpus["outlet_type"].unique())
    counts = counts.reindex(outlets, fill_value=0)

    figure = Figure(figsize=(11, 4.8), dpi=96)
    bars, text = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    left = [0.0] * len(outlets)
    for name in FRAME_ORDER:
        values = [float(v) for v in counts[name]]
        for i, outlet in enumerate(outlets):
            chosen = frame in (ALL, name) and outlet_type in (ALL, outlet)
            bars.barh(outlet, values[i], left=left[i], color=FRAME_COLOURS[name],
                      alpha=1.0 if chosen else 0.25)
        left = [a + b for a, b in zip(left, values, strict=True)]
    bars.invert_yaxis()
    bars.set_xlabel("Number of headlines")
    where = "all countries" if country == ALL else country
    bars.set_title(f"Frames by outlet type, {where} (coder {coder})", fontsize="medium")
    bars.legend(handles=[Patch(color=FRAME_COLOURS[name], label=name) for name in FRAME_ORDER],
                loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, fontsize="small",
                frameon=False)

    matching = filter_headlines(corpus, frame, outlet_type, country, coder)
    text.axis("off")
    text.set_title(f"Examples: {len(matching)} matching headline(s)", fontsize="medium")
    lines = _example_lines(matching, coder, examples, width=60) or ["No headline matches."]
    text.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", family="monospace",
              fontsize="small", transform=text.transAxes)
    figure.suptitle("Constructed examples written for the course, not real headlines",
                    fontsize="small", color="#555555")
    figure.tight_layout()
    return figure


def frame_explorer(corpus: pd.DataFrame) -> Any:
    """Return an ipywidgets explorer of the corpus: frame, outlet type, country and coder."""
    import ipywidgets as widgets

    from academy.explore import interactive_figure

    def options(column: str) -> list[str]:
        return [ALL, *sorted(str(v) for v in corpus[column].unique())]

    def draw(frame: str, outlet_type: str, country: str, coder: str) -> Figure:
        return explorer_figure(corpus, frame, outlet_type, country, coder)

    return interactive_figure(
        draw,
        alt="Bars counting the selected headlines by outlet type and frame, with examples",
        frame=widgets.Dropdown(options=[ALL, *FRAME_ORDER], value=ALL, description="Frame"),
        outlet_type=widgets.Dropdown(options=options("outlet_type"), value=ALL,
                                     description="Outlet"),
        country=widgets.Dropdown(options=options("country"), value=ALL, description="Country"),
        coder=widgets.ToggleButtons(options=list(CODERS), value="A", description="Coder"),
    )
