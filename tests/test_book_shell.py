"""The book's shell for poor connections: icons without the theme's 1.5 MB script, and controls
named by their visible text (checked again in the browser tests with axe-core)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pydata_sphinx_theme

from academy.book_html import label_in_name, without_search_scripts
from academy.book_icons import (
    BUNDLE,
    SHIM,
    WEBFONTS,
    css_glyphs,
    icon_definitions,
    lighten_icons,
    parse_classes,
    prune_icon_class_rules,
    subset_icon_fonts,
)

THEME_BUNDLE = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
                / "static" / "scripts" / "fontawesome.js")


def test_icon_data_is_read_from_the_themes_own_bundle():
    icons = icon_definitions(THEME_BUNDLE.read_text(encoding="utf-8"))
    assert icons[("fas", "bars")].width == 448
    assert ("fas", "search") in icons  # an alias of magnifying-glass
    assert ("fab", "github") in icons and ("far", "moon") in icons
    assert parse_classes("fa-solid fa-magnifying-glass fa-lg") == ("fas", "magnifying-glass",
                                                                  ["fa-lg"])


def test_pages_get_inline_svg_and_a_small_script_instead_of_the_bundle(tmp_path):
    (tmp_path / BUNDLE).parent.mkdir(parents=True)
    shutil.copy(THEME_BUNDLE, tmp_path / BUNDLE)
    (tmp_path / "_static" / "scripts" / "theme.js").write_text("x.className='fa-solid fa-xmark'")
    page = tmp_path / "modules" / "page.html"
    page.parent.mkdir()
    page.write_text('<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>'
                    '<button><span class="fa-solid fa-bars"></span></button>'
                    '<i class="fas fa-download" title="Download"></i>'
                    '<i class="fa-unknownicon"></i>')
    report = lighten_icons(tmp_path)
    html = page.read_text()
    assert report is not None and report.replaced == 2
    assert report.icons == ["fas bars", "fas download", "fas xmark"]
    assert '<svg class="svg-inline--fa fa-bars"' in html and 'title="Download"' in html
    assert "fontawesome.js" not in html and "../_static/scripts/icons.js" in html
    assert not (tmp_path / BUNDLE).exists()
    assert report.shim_bytes < 20_000 < report.bundle_bytes
    assert "fas xmark" in (tmp_path / SHIM).read_text()
    assert lighten_icons(tmp_path) is None  # a second run finds nothing left to do


def test_a_control_with_visible_text_is_named_by_it():
    search = ('<button class="btn" title="Search" aria-label="Search"><span>Search</span>'
              '<kbd>Ctrl</kbd> + <kbd>K</kbd></button>')
    assert 'aria-label' not in label_in_name(search)
    icon_only = '<button aria-label="Toggle sidebar"><svg></svg></button>'
    assert label_in_name(icon_only) == icon_only
    contained = '<a aria-label="Download the PDF of this page" href="x">PDF</a>'
    assert label_in_name(contained) == contained


def test_pages_other_than_search_do_not_load_the_search_index():
    head = ('<script src="../_static/doctools.js?v=9a2dae69"></script>\n'
            '    <script src="../_static/searchtools.js"></script>\n'
            '    <script src="../_static/language_data.js"></script>\n'
            '    <script src="../searchindex.js"></script>\n'
            '<script defer src="../_static/scripts/bootstrap.js"></script>')
    lighter = without_search_scripts(head)
    assert "search" not in lighter and "language_data" not in lighter
    assert lighter.count("<script") == 2 and "doctools.js" in lighter
    top = '<script src="searchindex.js"></script>'
    assert without_search_scripts(top) == ""
    assert without_search_scripts('<script src="mysearchindex.js"></script>') != ""


def test_icon_fonts_keep_only_the_glyphs_the_stylesheets_draw(tmp_path):
    from fontTools.ttLib import TTFont

    theme_fonts = THEME_BUNDLE.parents[1] / "vendor" / "fontawesome"
    source = next(theme_fonts.rglob("fa-solid-900.woff2"))
    (tmp_path / WEBFONTS).mkdir(parents=True)
    font = tmp_path / WEBFONTS / "fa-solid-900.woff2"
    shutil.copy(source, font)
    (tmp_path / "_static" / "theme.css").write_text(
        '.fa-bars:before{content:"\\f0c9"}'  # a class the pages no longer use
        '.onthispage:after{content:"\\f107";font-family:Font Awesome}'
        ':root{--icon-note:"\uf05a"}')
    assert css_glyphs(tmp_path) == {0xF107, 0xF05A}
    sizes = subset_icon_fonts(tmp_path)
    before, after = sizes["fa-solid-900.woff2"]
    assert after < 5_000 < before
    assert set(TTFont(font).getBestCmap()) == {0xF107, 0xF05A}


def test_icon_class_rules_are_pruned_and_other_rules_kept(tmp_path):
    sheet = tmp_path / "_static" / "styles" / "theme.css"
    sheet.parent.mkdir(parents=True)
    sheet.write_text('.fa-bars:before{content:"\\f0c9"}.fa-a:before,.fa-b:before{content:"x"}'
                     '@media print{.fa-c:before{content:"y"}.x{color:red}}'
                     '.onthispage:after{content:"\\f107"}')
    assert prune_icon_class_rules(tmp_path) > 0
    assert sheet.read_text() == ('@media print{.x{color:red}}'
                                 '.onthispage:after{content:"\\f107"}')
