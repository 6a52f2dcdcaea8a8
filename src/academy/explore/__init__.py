"""Interactive explorers for the modules: an ipywidgets control plus a static figure of its default.

The static figure is what a reader of the book (no live kernel) sees; the control is for learners
running the notebook. Module-specific explorers live in one submodule per module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib.figure import Figure


def interactive_figure(draw: Callable[..., Figure], **controls: Any) -> Any:
    """Return an ipywidgets control that redraws ``draw(**values)`` when a control changes."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    def _redraw(**values: Any) -> None:
        figure = draw(**values)
        display(figure)
        plt.close(figure)

    return widgets.interactive(_redraw, **controls)
