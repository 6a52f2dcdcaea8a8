"""Interactive explorers for the modules: an ipywidgets control plus a static figure of its default.

The static figure is what a reader of the book (no live kernel) sees; the control is for learners
running the notebook. Module-specific explorers live in one submodule per module.
"""

from __future__ import annotations

import base64
import html
import io
import sys
from collections.abc import Callable
from typing import Any

from matplotlib.figure import Figure

from academy.notebook_language import decimal_mark
from academy.notebook_language import translate as _

# Controls show their whole label (ipywidgets cuts a label at about 80 px by default, and the
# Spanish and French labels are longer than the English ones).
WIDE_LABEL = {"description_width": "initial"}


def palette_png(figure: Figure) -> bytes:
    """Return the figure as a PNG of at most 256 colours (a chart looks the same, no pixel off
    by more than a few levels, and weighs about a third of the full-colour PNG); a figure with
    transparent parts, or one that would not get smaller, as the full-colour PNG."""
    import numpy as np
    from PIL import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, bbox_inches="tight")
    full = buffer.getvalue()
    with Image.open(io.BytesIO(full)) as image:
        if "A" in image.getbands() and (np.asarray(image.getchannel("A")) < 255).any():
            return full
        palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MAXCOVERAGE,
                                                dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="png", optimize=True)
    return out.getvalue() if out.tell() < len(full) else full


class StaticFigure:
    """A rendered matplotlib figure with alt text: PNG for notebooks, an <img> for the book.

    Its labels and alt text are written in English: in a notebook run in another language (a
    translated book), the <img> says so (``lang="en"``) for screen readers.
    """

    def __init__(self, figure: Figure, alt: str) -> None:
        from academy.notebook_language import SOURCE_LANGUAGE, current_language

        self.png = palette_png(figure)
        self.alt = alt
        # A pyplot figure left open would be shown again by the notebook (and the book) at the
        # end of the cell: a second image, with no alt text.
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close(figure)
        self.lang = SOURCE_LANGUAGE if current_language() != SOURCE_LANGUAGE else ""

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        lang = f' lang="{self.lang}"' if self.lang else ""
        return f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}"{lang}>'


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
