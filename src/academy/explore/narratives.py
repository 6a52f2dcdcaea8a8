"""Explorer for the Narratives module: filter the constructed headlines, see frames and examples.

The chart tells the frames apart by colour *and* by hatching, with a letter and count on each
segment, so that no reader depends on colour; the colours are from the Okabe-Ito palette, chosen
to stay distinct with the common colour-vision deficiencies. Example headlines are given as text
(a table), not drawn into the image, and every redraw gets alt text describing what it shows.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from academy.explore import WIDE_LABEL, StaticFigure, localized_ticks, show_figure
from academy.notebook_language import semicolon
from academy.notebook_language import translate as _
from academy.notebook_language import translate_plural as ngettext

ALL = "All"
FRAME_ORDER = ("Threat", "Victim", "Hero", "Neutral")
# Okabe & Ito (2008), "Color Universal Design": vermillion, blue, bluish green, grey.
FRAME_COLOURS = {"Threat": "#D55E00", "Victim": "#0072B2", "Hero": "#009E73",
                 "Neutral": "#BBBBBB"}
FRAME_HATCHES = {"Threat": "///", "Victim": "...", "Hero": "\\\\\\", "Neutral": ""}
CODERS = ("A", "B")
EXAMPLE_COLUMNS = ["headline_id", "outlet_type", "country", "frame", "headline"]


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


def frame_counts(corpus: pd.DataFrame, country: str = ALL, coder: str = "A") -> pd.DataFrame:
    """Return headline counts: one row per outlet type (sorted), one column per frame."""
    column = frame_column(coder)
    in_country = filter_headlines(corpus, country=country, coder=coder)
    outlets = sorted(corpus["outlet_type"].unique())
    return (in_country.groupby(["outlet_type", column]).size().unstack(fill_value=0)
            .reindex(index=outlets, columns=list(FRAME_ORDER), fill_value=0).astype(int))


def example_headlines(corpus: pd.DataFrame, frame: str = ALL, outlet_type: str = ALL,
                      country: str = ALL, coder: str = "A", examples: int = 5) -> pd.DataFrame:
    """Return up to ``examples`` headlines matching the filters, as a table of text.

    The same filters always give the same examples (a fixed random sample, in id order).
    """
    matching = filter_headlines(corpus, frame, outlet_type, country, coder)
    picked = matching.sample(min(examples, len(matching)), random_state=0)
    table = picked.sort_values("headline_id").rename(columns={frame_column(coder): "frame"})
    return table[EXAMPLE_COLUMNS].reset_index(drop=True)


def explorer_alt_text(corpus: pd.DataFrame, frame: str = ALL, outlet_type: str = ALL,
                      country: str = ALL, coder: str = "A") -> str:
    """Return alt text that describes the chart drawn for these filters, with its counts."""
    counts = frame_counts(corpus, country, coder)
    rows = semicolon().join(
        _("{outlet}: {counts}").format(outlet=outlet, counts=", ".join(
            f"{int(counts.loc[outlet, name])} {name}" for name in FRAME_ORDER))
        for outlet in counts.index)
    if country == ALL:
        chart = _("Stacked horizontal bars: constructed headlines of all countries by outlet type "
                  "and coder {coder}'s frame.").format(coder=coder)
    else:
        chart = _("Stacked horizontal bars: constructed headlines of {country} by outlet type "
                  "and coder {coder}'s frame.").format(country=country, coder=coder)
    if frame != ALL and outlet_type != ALL:
        focus = " " + _("Highlighted: the {frame} frame and the {outlet} bar; the rest is "
                        "faded.").format(frame=frame, outlet=outlet_type)
    elif frame != ALL:
        focus = " " + _("Highlighted: the {frame} frame; the rest is faded.").format(frame=frame)
    elif outlet_type != ALL:
        focus = " " + _("Highlighted: the {outlet} bar; the rest is faded.").format(
            outlet=outlet_type)
    else:
        focus = ""
    matching = len(filter_headlines(corpus, frame, outlet_type, country, coder))
    return (f"{chart} {rows}.{focus} "
            + ngettext("{count} headline(s) match all filters; examples are listed as text below "
                       "the chart.",
                       "{count} headline(s) match all filters; examples are listed as text below "
                       "the chart.", matching).format(count=matching))


def explorer_figure(corpus: pd.DataFrame, frame: str = ALL, outlet_type: str = ALL,
                    country: str = ALL, coder: str = "A") -> Figure:
    """Return a figure of headline counts by outlet type, stacked by the chosen coder's frame.

    The bars count the headlines of the selected country (all countries by default); the
    selected frame and outlet type are drawn in full colour and the rest faded. Each frame has
    its own colour and hatching, and each segment wide enough carries its frame's letter and
    count. Example headlines are not drawn: ``example_headlines`` gives them as text.
    """
    counts = frame_counts(corpus, country, coder)
    outlets = list(counts.index)
    figure = Figure(figsize=(8, 3.8), dpi=96)
    bars = figure.subplots()
    left = [0.0] * len(outlets)
    for name in FRAME_ORDER:
        values = [float(v) for v in counts[name]]
        for i, outlet in enumerate(outlets):
            chosen = frame in (ALL, name) and outlet_type in (ALL, outlet)
            bars.barh(outlet, values[i], left=left[i], color=FRAME_COLOURS[name],
                      hatch=FRAME_HATCHES[name], edgecolor="white", linewidth=0.8,
                      alpha=1.0 if chosen else 0.25)
            if values[i] >= 4:
                bars.text(left[i] + values[i] / 2, i, f"{name[0]} {int(values[i])}",
                          ha="center", va="center", fontsize="small", color="black",
                          bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                                "edgecolor": "none", "alpha": 0.85 if chosen else 0.4})
        left = [a + b for a, b in zip(left, values, strict=True)]
    bars.invert_yaxis()
    bars.set_xlabel(_("Number of headlines"))
    if country == ALL:
        title = _("Frames by outlet type, all countries (coder {coder})").format(coder=coder)
    else:
        title = _("Frames by outlet type, {country} (coder {coder})").format(country=country,
                                                                             coder=coder)
    bars.set_title(title, fontsize="medium")
    bars.legend(handles=[Patch(facecolor=FRAME_COLOURS[name], hatch=FRAME_HATCHES[name],
                               edgecolor="white", label=f"{name[0]} = {name}")
                         for name in FRAME_ORDER],
                loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=4, fontsize="small",
                frameon=False)
    figure.suptitle(_("Constructed examples written for the course, not real headlines"),
                    fontsize="small", color="#444444")
    figure.tight_layout()
    return localized_ticks(figure)


def explorer_view(corpus: pd.DataFrame, frame: str = ALL, outlet_type: str = ALL,
                  country: str = ALL, coder: str = "A") -> tuple[StaticFigure, pd.DataFrame]:
    """Return what the explorer shows for these filters: the chart, with alt text describing
    this state, and the example headlines as a text table."""
    chart = show_figure(explorer_figure(corpus, frame, outlet_type, country, coder),
                        alt=explorer_alt_text(corpus, frame, outlet_type, country, coder))
    return chart, example_headlines(corpus, frame, outlet_type, country, coder)


def frame_explorer(corpus: pd.DataFrame) -> Any:
    """Return an ipywidgets explorer of the corpus: frame, outlet type, country and coder.

    Each redraw shows ``explorer_view`` for the chosen filters: the chart with alt text that
    describes that state, then the matching example headlines as a text table.
    """
    import ipywidgets as widgets
    from IPython.display import display

    # TRANSLATORS: the option of the frame, outlet and country menus that keeps every value.
    everything = (_("All"), ALL)

    def options(column: str) -> list[tuple[str, str]]:
        return [everything, *[(v, v) for v in sorted(str(v) for v in corpus[column].unique())]]

    def redraw(frame: str, outlet_type: str, country: str, coder: str) -> None:
        for part in explorer_view(corpus, frame, outlet_type, country, coder):
            display(part)

    return widgets.interactive(
        redraw,
        frame=widgets.Dropdown(options=[everything, *[(f, f) for f in FRAME_ORDER]], value=ALL,
                               style=dict(WIDE_LABEL), description=_("Frame")),
        outlet_type=widgets.Dropdown(options=options("outlet_type"), value=ALL,
                                     style=dict(WIDE_LABEL), description=_("Outlet")),
        country=widgets.Dropdown(options=options("country"), value=ALL,
                                 style=dict(WIDE_LABEL), description=_("Country")),
        coder=widgets.ToggleButtons(options=list(CODERS), value="A", style=dict(WIDE_LABEL),
                                    description=_("Coder")),
    )
