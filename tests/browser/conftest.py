"""Browser fixtures: Debian's headless Chromium driven by Playwright, the book served on localhost.

No browser is downloaded: Playwright launches /usr/bin/chromium. Every request that leaves
localhost (or the disk, for the offline pack) is blocked and recorded, so a page that needs a
CDN shows up as a failure. Each page of the learner book is visited once; the tests read the
recorded visits.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.browser_support import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    PageVisit,
    book_pages,
    new_context,
    visit,
)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, launched by Playwright (skips if either is missing)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's package "
                    "(`apt-get install chromium`); .ci/run does")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright's Python package is missing: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.skip(f"axe-core not found at {AXE}: run `npm ci` in tests/browser (.ci/run does)")
    return AXE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def _serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on localhost (a random free port) until the generator ends."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def book_url(learner_book: Path) -> Iterator[str]:
    """The learner book served over HTTP on localhost (a random free port)."""
    yield from _serve(learner_book)


@pytest.fixture(scope="session")
def instructor_book_url(instructor_book: Path) -> Iterator[str]:
    """The instructor edition served over HTTP on localhost (a random free port)."""
    yield from _serve(instructor_book)


@pytest.fixture(scope="session")
def facilitation_visits(chromium: Any, instructor_book_url: str, instructor_book: Path,
                        axe_script: Path) -> dict[str, PageVisit]:
    """The instructor edition's facilitator's pages and module chapters, visited once each."""
    visits: list[PageVisit] = []
    context = new_context(chromium, visits)
    out: dict[str, PageVisit] = {}
    pages = [*sorted((instructor_book / "facilitation").rglob("*.html")),
             *sorted((instructor_book / "modules").glob("*.html"))]
    for path in pages:
        relative = path.relative_to(instructor_book).as_posix()
        out[relative] = visit(context, f"{instructor_book_url}/{relative}", visits,
                              axe=axe_script)
    context.close()
    return out


@pytest.fixture(scope="session")
def book_visits(chromium: Any, book_url: str, learner_book: Path) -> dict[str, PageVisit]:
    """Every page of the learner book, visited once in Chromium: relative path -> visit.

    Without axe-core: the site's English pages are this HTML plus the switcher, and
    ``site_visits`` run axe on them (about 1.5 s a page)."""
    visits: list[PageVisit] = []
    context = new_context(chromium, visits)
    out: dict[str, PageVisit] = {}
    for path in book_pages(learner_book):
        relative = path.relative_to(learner_book).as_posix()
        out[relative] = visit(context, f"{book_url}/{relative}", visits)
    context.close()
    return out


@pytest.fixture(scope="session")
def site_url(translated_books: dict[str, Any]) -> Iterator[str]:
    """The assembled multilingual site (English at the root, es/, fr/) served on localhost."""
    yield from _serve(translated_books["site"])


@pytest.fixture(scope="session")
def site_visits(chromium: Any, site_url: str, translated_books: dict[str, Any],
                axe_script: Path) -> dict[str, dict[str, PageVisit]]:
    """Every page of every language of the assembled site, visited once in Chromium:
    language -> page (relative to the language's folder) -> visit."""
    from academy.i18n import LANGUAGE_NAMES, site_path

    site = translated_books["site"]
    out: dict[str, dict[str, PageVisit]] = {}
    for language in LANGUAGE_NAMES:
        visits: list[PageVisit] = []
        context = new_context(chromium, visits)
        folder = site / site_path(language, "")
        out[language] = {}
        for path in book_pages(folder):
            relative = path.relative_to(folder).as_posix()
            if relative.split("/")[0] in LANGUAGE_NAMES:
                continue  # another language's folder inside the English root
            out[language][relative] = visit(context, f"{site_url}/{site_path(language, relative)}",
                                            visits, axe=axe_script)
        context.close()
    return out
