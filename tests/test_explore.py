"""The static figures of the explorers: light enough for the book's page weight, and their English
alt text marked as English in a notebook run in another language."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure
from PIL import Image, ImageChops

from academy.explore import show_figure


def _chart() -> Figure:
    figure = Figure(figsize=(6.6, 3.7), dpi=100)
    axes = figure.add_subplot()
    x = np.linspace(0, 15, 200)
    for years, style in ((1, ":"), (10, "--"), (20, "-.")):
        axes.plot(x, 100 * (1.05 / (1 + x / 100)) ** years, style, color="grey", lw=1)
    axes.plot(x, 128 - 4 * x, lw=2.5, label="5-year bond (chosen)")
    axes.axvline(7.5, color="tab:orange", ls="--", label="Market yield 7.5%")
    axes.set_title("Coupon 5.625%: worth 92.30 at the market yield")
    axes.legend()
    return figure


def test_static_figure_is_a_palette_png_that_looks_like_the_full_colour_one(monkeypatch):
    monkeypatch.delenv("ACADEMY_LANGUAGE", raising=False)
    figure = _chart()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, bbox_inches="tight")
    full = Image.open(io.BytesIO(buffer.getvalue())).convert("RGBA")
    shown = show_figure(figure, "A line chart")
    light = Image.open(io.BytesIO(shown.png))
    assert light.mode == "P" and light.size == full.size
    assert len(shown.png) < 0.6 * len(buffer.getvalue())
    difference = np.asarray(ImageChops.difference(full, light.convert("RGBA")), dtype=float)
    assert difference.mean() < 0.2 and difference.max() <= 8


def test_a_figure_with_transparent_parts_keeps_its_full_colour_png():
    figure = _chart()
    figure.patch.set_alpha(0)
    assert Image.open(io.BytesIO(show_figure(figure, "A line chart").png)).mode == "RGBA"


def test_static_figure_marks_its_english_alt_text_in_a_translated_notebook(monkeypatch):
    monkeypatch.setenv("ACADEMY_LANGUAGE", "es")
    translated = show_figure(_chart(), "Line chart of a bond's price")._repr_html_()
    assert translated.startswith("<img ") and 'lang="en"' in translated
    assert 'alt="Line chart of a bond&#x27;s price"' in translated
    monkeypatch.setenv("ACADEMY_LANGUAGE", "en")
    assert "lang=" not in show_figure(_chart(), "Line chart")._repr_html_()


def test_a_pyplot_figure_shown_as_a_static_figure_is_closed():
    """Else the notebook's inline backend shows it again, as an image without alt text."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    axes.plot([1, 2, 3])
    show_figure(figure, "A line")
    assert not plt.fignum_exists(figure.number)
