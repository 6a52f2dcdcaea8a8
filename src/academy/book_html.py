"""A Sphinx extension for the book's HTML: accessibility fixes to what the builders write.

Added to the book's extensions by ``academy book``; each fix is one small function.
"""

from __future__ import annotations

from typing import Any

# Sphinx writes a bibliography as role="list" holding role="doc-biblioentry" items; a list must
# hold list items (axe-core: aria-required-children, critical), so the entries become list items.
CITATION_ROLES = ('role="doc-biblioentry"', 'role="listitem"')


def fix_citation_roles(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                       doctree: Any) -> None:
    """Give bibliography entries the list-item role that their list requires."""
    body = context.get("body")
    if isinstance(body, str) and CITATION_ROLES[0] in body:
        context["body"] = body.replace(*CITATION_ROLES)


def setup(app: Any) -> dict[str, Any]:
    """Register the fixes with Sphinx."""
    app.connect("html-page-context", fix_citation_roles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
