"""A Sphinx extension for the book's HTML: accessibility and offline fixes to what Sphinx writes.

Added to the book's extensions by ``academy book``; each fix is one small function.
"""

from __future__ import annotations

import re
from typing import Any

MATH_RENDERER = "mathml"
# Sphinx writes a bibliography as role="list" holding role="doc-biblioentry" items; a list must
# hold list items (axe-core: aria-required-children, critical), so the entries become list items.
CITATION_ROLES = ('role="doc-biblioentry"', 'role="listitem"')


def fix_citation_roles(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                       doctree: Any) -> None:
    """Give bibliography entries the list-item role that their list requires."""
    body = context.get("body")
    if isinstance(body, str) and CITATION_ROLES[0] in body:
        context["body"] = body.replace(*CITATION_ROLES)


def latex_to_mathml(latex: str, display: str) -> str:
    """Return MathML for a LaTeX formula (``display`` is "inline" or "block").

    Browsers render MathML natively and screen readers read it, so the book needs no MathJax
    from a CDN and its formulas work offline.
    """
    from latex2mathml.converter import convert

    return str(convert(latex.strip(), display=display))


def _convert_or_warn(translator: Any, node: Any, display: str) -> str:
    from sphinx.util import logging

    try:
        return latex_to_mathml(node.astext(), display)
    except Exception as exc:  # an unsupported command: say where, keep the LaTeX readable
        logging.getLogger(__name__).warning(f"cannot convert math to MathML ({exc}): "
                                            f"{node.astext()!r}", location=node)
        return f"<code>{translator.encode(node.astext())}</code>"


def visit_inline_math(translator: Any, node: Any) -> None:
    """Write an inline formula as MathML."""
    from docutils import nodes

    translator.body.append(f'<span class="math">{_convert_or_warn(translator, node, "inline")}'
                           "</span>")
    raise nodes.SkipNode


def visit_block_math(translator: Any, node: Any) -> None:
    """Write a displayed formula as MathML, with its equation number if it has one."""
    from docutils import nodes

    number = node.get("number")
    label = (f'<span class="eqno">({number})</span>' if number else "")
    anchor = f' id="{node["ids"][0]}"' if node.get("ids") else ""
    translator.body.append(f'<div class="math"{anchor}>{label}'
                           f'{_convert_or_warn(translator, node, "block")}</div>\n')
    raise nodes.SkipNode


LABELLED = re.compile(r'<(button|a)\b([^>]*?)\saria-label="([^"]*)"([^>]*)>(.*?)</\1>', re.S)


def label_in_name(html: str) -> str:
    """Let a control with visible text be named by that text (WCAG 2.5.3, Label in Name).

    The theme's search button shows "Search Ctrl + K" but is labelled "Search"; a speech-input
    user who says what they see would not reach it (axe-core: label-content-name-mismatch). Where
    the label does not contain the visible text, the label is dropped, so the name is the text.
    """
    def fix(match: re.Match[str]) -> str:
        tag, before, label, after, inner = match.groups()
        visible = " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        if not visible or visible.lower() in label.lower():
            return match.group(0)
        return f"<{tag}{before}{after}>{inner}</{tag}>"

    return LABELLED.sub(fix, html)


# The theme loads Sphinx's search code and the whole search index on every page, for its
# search-as-you-type results; with those off (the theme's default) the search box opens
# search.html, which loads them itself.
SEARCH_SCRIPTS = re.compile(r'[ \t]*<script src="(?:\.\./)*(?:_static/searchtools\.js|'
                            r'_static/language_data\.js|searchindex\.js)"></script>\n?')


def without_search_scripts(html: str) -> str:
    """Drop the search code and index from a page other than the search page (a first visit
    in Spanish or French saves about 160 kB)."""
    return SEARCH_SCRIPTS.sub("", html)


def after_build(app: Any, exception: Exception | None) -> None:
    """Fix the built HTML pages: the icons without the theme's 1.5 MB script (see
    ``academy.book_icons``), controls named by their visible text, and the search index
    only on the search page (unless the theme searches as you type)."""
    from pathlib import Path

    from academy.book_icons import lighten_icons

    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    lighten_icons(outdir)
    search_as_you_type = (app.config.html_theme_options or {}).get("search_as_you_type")
    for page in outdir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        fixed = label_in_name(html)
        if not search_as_you_type and page != outdir / "search.html":
            fixed = without_search_scripts(fixed)
        if fixed != html:
            page.write_text(fixed, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    """Register the fixes and the MathML renderer with Sphinx."""
    app.connect("html-page-context", fix_citation_roles)
    app.connect("build-finished", after_build)
    app.add_html_math_renderer(MATH_RENDERER, (visit_inline_math, None),
                               (visit_block_math, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
