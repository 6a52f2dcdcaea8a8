"""Helpers of the browser tests: visit a page in Chromium and record what it did."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
FIRST_VISIT_LIMIT = 1000 * 1000  # bytes, uncompressed: the theme and the heaviest page
LATER_PAGE_LIMIT = 250 * 1024  # bytes: a page's HTML and own images, the theme cached
SERIOUS = {"serious", "critical"}  # the axe-core impacts that fail a test

# The images, links and scripts of a page, read in the browser after it has loaded.
PAGE_SCRIPT = """() => ({
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  images: Array.from(document.images).map(i => ({
    src: i.currentSrc || i.src, alt: i.getAttribute('alt'),
    loaded: i.complete && i.naturalWidth > 0,
    decorative: i.getAttribute('role') === 'presentation'
      || i.getAttribute('aria-hidden') === 'true',
    lang: i.closest('[lang]') && i.closest('[lang]').getAttribute('lang'),
  })),
  title: document.title,
  htmlLang: document.documentElement.getAttribute('lang'),
  langs: Array.from(document.querySelectorAll('body [lang]')).map(
    e => [e.tagName.toLowerCase(), e.getAttribute('lang')]),
  switchers: document.querySelectorAll('nav.academy-languages').length,
  languageLinks: Array.from(document.querySelectorAll('nav.academy-languages a[href]')).map(
    a => [a.getAttribute('hreflang'), a.href, a.getAttribute('lang')]),
})"""
AXE_SCRIPT = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@dataclass
class PageVisit:
    """What one page did in the browser."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    transfers: dict[str, int] = field(default_factory=dict)  # URL -> body bytes
    links: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""
    final_url: str = ""  # after any redirect
    html_lang: str | None = None  # the lang attribute of <html>
    element_langs: list[tuple[str, str]] = field(default_factory=list)  # (tag, lang) in <body>
    switchers: int = 0  # language switchers on the page
    language_links: list[tuple[str, str, str]] = field(default_factory=list)  # hreflang, URL, lang
    axe_violations: list[dict[str, Any]] = field(default_factory=list)
    axe_ran: bool = False


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("file", "data", "blob", "about") or parsed.hostname in LOCAL_HOSTS




def new_context(chromium: Any, visits: list[PageVisit] | None = None) -> Any:
    """A browser context that aborts (and records on the current visit) non-local requests."""
    context = chromium.new_context()

    def block(route: Any) -> None:
        if visits:
            visits[-1].blocked_requests.append(route.request.url)
        route.abort()

    # Only requests leaving this machine are routed: Chromium resolves a stylesheet's @import
    # against the page instead of the stylesheet when the import itself is intercepted.
    context.route(lambda url: not _is_local(url), block)
    return context


# True once the page is finished: loaded, no redirect pending, every image and font in. Lazy
# images are switched to eager first, so a page's weight counts all its images.
SETTLED_SCRIPT = """() => {
  document.querySelectorAll('img[loading="lazy"]').forEach(i => { i.loading = 'eager'; });
  return document.readyState === 'complete'
    && !document.querySelector('meta[http-equiv="refresh" i]')
    && Array.from(document.images).every(i => i.complete)
    && document.fonts.status === 'loaded';
}"""


def count_requests(page: Any, finished: list[Any]) -> list[int]:
    """Count ``page``'s requests in flight (the one-item list returned); append each request
    that finishes to ``finished``."""
    in_flight = [0]

    def started(request: Any) -> None:
        in_flight[0] += 1

    def ended(request: Any, done: bool) -> None:
        in_flight[0] -= 1
        if done:
            finished.append(request)

    page.on("request", started)
    page.on("requestfinished", lambda r: ended(r, True))
    page.on("requestfailed", lambda r: ended(r, False))
    return in_flight


def settle(page: Any, in_flight: list[int]) -> None:
    """Wait until the page (after any redirect) has loaded everything and no request is pending.

    Deterministic, unlike Playwright's "networkidle" (500 ms without a request, twice per page).
    ``in_flight`` counts the page's requests started and not yet finished or failed.
    """
    for _ in range(5):
        try:
            page.wait_for_function(SETTLED_SCRIPT)
            while in_flight[0] > 0:  # a script's own requests (fetch, XHR) after the load
                page.wait_for_timeout(10)
            return
        except Exception as exc:  # a redirect destroys the context it evaluates in
            if "context was destroyed" not in str(exc):
                raise
            page.wait_for_load_state("load")


def visit(context: Any, url: str, visits: list[PageVisit], axe: Path | None = None) -> PageVisit:
    """Load ``url`` in a new tab and record errors, requests, links, images and axe results."""
    record = PageVisit(url=url)
    visits.append(record)
    page = context.new_page()
    finished: list[Any] = []
    page.on("console", lambda m: record.console_errors.append(m.text)
            if m.type == "error" else None)
    page.on("pageerror", lambda e: record.console_errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: record.failed_requests.append(
        f"{r.url} ({r.failure})") if _is_local(r.url) else None)
    page.on("response", lambda r: record.failed_requests.append(f"{r.url} (HTTP {r.status})")
            if r.status >= 400 else None)
    in_flight = count_requests(page, finished)
    page.goto(url, wait_until="load")
    settle(page, in_flight)
    for request in finished:
        if not request.url.startswith("data:"):
            record.transfers[request.url] = int(request.sizes()["responseBodySize"])
    details = page.evaluate(PAGE_SCRIPT)
    record.links, record.images, record.title = (details["links"], details["images"],
                                                 details["title"])
    record.final_url, record.html_lang, record.switchers = (page.url, details["htmlLang"],
                                                            details["switchers"])
    record.element_langs = [tuple(pair) for pair in details["langs"]]
    record.language_links = [tuple(link) for link in details["languageLinks"]]
    if axe is not None:
        # axe-core re-fetches stylesheets and resolves their @import against the page, which
        # fails; what it loads is not what the page loads, so its requests are not recorded.
        errors, failed = len(record.console_errors), len(record.failed_requests)
        page.add_script_tag(path=str(axe))
        record.axe_violations = page.evaluate(AXE_SCRIPT)
        record.axe_ran = True
        del record.console_errors[errors:], record.failed_requests[failed:]
    page.close()
    return record


def serious_violations(visits: dict[str, PageVisit]) -> dict[str, list[str]]:
    """Return the serious and critical axe-core violations of each page that has any."""
    serious = {page: [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
                      for v in record.axe_violations if v["impact"] in SERIOUS]
               for page, record in visits.items()}
    return {page: found for page, found in serious.items() if found}


def first_visit_bytes(chromium: Any, url: str) -> int:
    """Return what a visit to ``url`` with an empty cache transfers (bytes, uncompressed)."""
    visits: list[PageVisit] = []
    context = new_context(chromium, visits)
    record = visit(context, url, visits)
    context.close()
    return sum(record.transfers.values())


def book_pages(html_root: Path) -> list[Path]:
    """Every HTML page of a built book (not the theme's own templates in _static)."""
    return sorted(p for p in html_root.rglob("*.html")
                  if not p.relative_to(html_root).parts[0].startswith("_"))



def is_shared_asset(path: str) -> bool:
    """Whether a URL path is one of the theme's files or the search index (not a page's own)."""
    parts = path.lstrip("/").split("/")
    return "_static" in parts[:2] or (parts[-1] == "searchindex.js" and len(parts) <= 2)


def weights_table(visits: dict[str, PageVisit], base: str) -> tuple[str, dict[str, int],
                                                                      dict[str, int]]:
    """Return a printable table of page weights, bytes per page, and the shared assets.

    A page's own weight is its HTML and every other file it loads from outside ``_static/`` (its
    images); the theme's CSS, JavaScript and fonts in ``_static/`` and the search page's index
    are shared and counted once (in the multilingual site a language's folder, ``es/``, has
    its own ``es/searchindex.js`` and, for what differs, ``es/_static/``). A shared file counts
    with its largest transfer: a later page may get it from the cache.
    """
    own: dict[str, int] = {}
    shared: dict[str, int] = {}
    for page, record in visits.items():
        own[page] = 0
        for url, size in record.transfers.items():
            path = urlparse(url).path
            if is_shared_asset(path):
                shared[path] = max(size, shared.get(path, 0))
            else:
                own[page] += size
    lines = ["page weights (HTML and own images; shared assets counted once)",
             f"{'page':<40} {'kB':>8}"]
    lines += [f"{page:<40} {size / 1024:>8.1f}" for page, size in sorted(own.items())]
    lines.append(f"{'largest page':<40} {max(own.values()) / 1024:>8.1f}")
    lines.append(f"{'shared assets (' + str(len(shared)) + ' files)':<40} "
                 f"{sum(shared.values()) / 1024:>8.1f}")
    return "\n".join(lines), own, shared


def local_target(book: Path, base: str, href: str) -> tuple[Path, str] | None:
    """Return the file and fragment an internal link points to, or None for external links."""
    if not href.startswith(base):
        return None
    parsed = urlparse(href)
    path = book / unquote(parsed.path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    return path, parsed.fragment
