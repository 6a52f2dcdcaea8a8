"""Interactive explorers for the modules: an ipywidgets control plus a static figure of its default.

The static figure is what a reader of the book (no live kernel) sees; the control is for learners
running the notebook. Module-specific explorers live in one submodule per module.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from typing import Any

from matplotlib.figure import Figure

from academy.notebook_language import decimal_mark
from academy.notebook_language import translate as _

# Controls show their whole label (ipywidgets cuts a label at about 80 px by default, and the
# Spanish and French labels are longer than the English ones).
WIDE_LABEL = {"description_width": "initial"}


class StaticFigure:
    """A rendered matplotlib figure with alt text: PNG for notebooks, an <img> for the book."""

    def __init__(self, figure: Figure, alt: str) -> None:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=figure.dpi, bbox_inches="tight")
        self.png = buffer.getvalue()
        self.alt = alt

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}">'


def localized_ticks(figure: Figure) -> Figure:
    """Return ``figure`` with its numeric tick labels written with the learner's decimal mark
    (0,5 in Spanish and French), as its title and alt text are; English is left as drawn."""
    from matplotlib.ticker import ScalarFormatter

    mark = decimal_mark()
    if mark == ".":
        return figure

    class LanguageFormatter(ScalarFormatter):
        def __call__(self, x: float, pos: int | None = None) -> str:
            return str(super().__call__(x, pos)).replace(".", mark)

    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:  # not a category axis
                axis.set_major_formatter(LanguageFormatter())
    return figure


def show_figure(figure: Figure, alt: str) -> StaticFigure:
    """Return ``figure`` as a static image with alt text, shown in notebooks and the book."""
    return StaticFigure(figure, alt)


def show_caption(alt: str) -> Any:
    """Return a figure's text description as a visible caption (Markdown), introduced in the
    learner's language, for readers who want the figure in words."""
    from IPython.display import Markdown

    return Markdown(_("*Figure description:* {description}").format(description=alt))


def interactive_figure(draw: Callable[..., Figure], alt: str | None = None,
                       **controls: Any) -> Any:
    """Return an ipywidgets control that redraws ``draw(**values)`` when a control changes
    (alt text ``alt``, else a generic one in the learner's language)."""
    import ipywidgets as widgets
    from IPython.display import display

    def _redraw(**values: Any) -> None:
        display(StaticFigure(draw(**values), alt or _("Interactive figure")))

    return widgets.interactive(_redraw, **controls)
