"""The learner book as a person uses it: every page in headless Chromium, offline but localhost."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from browser.browser_support import (
    FIRST_VISIT_LIMIT,
    LATER_PAGE_LIMIT,
    PageVisit,
    first_visit_bytes,
    local_target,
    new_context,
    serious_violations,
    visit,
    weights_table,
)

# one worker builds the session fixture for every test of the group (pytest-xdist)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("released-course")]

PAGE_WEIGHT_LIMIT = 1024 * 1024


def test_every_page_loads_without_console_errors_or_failed_requests(book_visits):
    problems = {page: v.console_errors + v.failed_requests
                for page, v in book_visits.items() if v.console_errors or v.failed_requests}
    assert len(book_visits) >= 8
    assert problems == {}


def test_no_page_needs_the_network_beyond_localhost(book_visits):
    blocked = {page: v.blocked_requests for page, v in book_visits.items() if v.blocked_requests}
    assert blocked == {}


def test_no_internal_link_is_broken(book_visits, learner_book, book_url):
    broken: list[str] = []
    ids: dict[Path, set[str]] = {}
    for page, record in book_visits.items():
        for href in record.links:
            target = local_target(learner_book, book_url, href)
            if target is None:
                continue
            path, fragment = target
            if not path.is_file():
                broken.append(f"{page}: {href} (no such file)")
                continue
            if fragment and path.suffix == ".html":
                if path not in ids:
                    ids[path] = set(re.findall(r'id="([^"]+)"', path.read_text(errors="replace")))
                if unquote(fragment) not in ids[path]:
                    broken.append(f"{page}: {href} (no element with id {fragment})")
    assert broken == []


def test_every_image_loads_and_has_alt_text(book_visits):
    problems: list[str] = []
    for page, record in book_visits.items():
        for image in record.images:
            name = image["src"][:80]
            if not image["loaded"]:
                problems.append(f"{page}: image did not load: {name}")
            alt = (image["alt"] or "").strip()
            if not image["decorative"] and (not alt or alt.endswith(image["src"].split("/")[-1])):
                problems.append(f"{page}: image without alt text (or its file name): {name}")
    assert problems == []


def test_module_pages_show_the_static_figure_and_the_download_link(book_visits, curriculum,
                                                                  chromium, book_url):
    for module in curriculum.modules:
        record = book_visits[f"modules/{module.id}.html"]
        figures = [i for i in record.images if i["src"].startswith("data:image/png")]
        assert figures, f"{module.id}: no static figure"
        assert all(i["loaded"] and len(i["alt"] or "") > 20 for i in figures), module.id
        downloads = [h for h in record.links if h.endswith(f"/{module.notebooks[0]}.ipynb")]
        assert downloads, f"{module.id}: no download link for the learner notebook"
        context = new_context(chromium)
        response = context.request.get(downloads[0])
        assert response.status == 200
        notebook = json.loads(response.body())
        assert any("YOUR CODE HERE" in "".join(c["source"]) for c in notebook["cells"])
        context.close()


def test_search_finds_each_module_by_a_word_from_its_text(chromium, book_url, curriculum):
    context = new_context(chromium)
    page = context.new_page()
    for module in curriculum.modules:
        keyword = max(re.findall(r"[A-Za-z]{5,}", module.keypoints[0]), key=len)
        page.goto(f"{book_url}/search.html?q={keyword}")
        result = page.locator(f'#search-results a[href*="modules/{module.id}.html"]')
        result.first.wait_for(timeout=20_000)
        assert result.count() >= 1, (module.id, keyword)
    context.close()


def test_axe_finds_no_serious_or_critical_accessibility_violations(site_visits):
    """axe-core checks the English pages once, as the multilingual site serves them: the same
    HTML as this book's pages plus the language switcher (``book_visits`` skip axe)."""
    assert serious_violations(site_visits["en"]) == {}
    assert all(record.axe_ran for record in site_visits["en"].values())


def test_page_weights_are_reported_and_under_one_megabyte(book_visits, book_url, capsys,
                                                           learner_book):
    table, own, shared = weights_table(book_visits, book_url)
    with capsys.disabled():
        print("\n" + table)
    (learner_book.parent / "page-weights.json").write_text(
        json.dumps({"pages": own, "shared_theme_assets": shared}, indent=1))
    assert max(own.values()) < PAGE_WEIGHT_LIMIT, table


def test_first_visit_is_under_one_megabyte_and_later_pages_under_250_kb(chromium, book_url,
                                                                      book_visits, capsys):
    """A learner on a poor connection pays for the theme once. A first visit (an empty cache)
    to the landing page or to the heaviest page transfers at most 1 MB; after that a page costs
    at most 250 kB; the icon script is never loaded, and the icon fonts only as the few glyphs
    the theme's stylesheets draw."""
    table, own, shared = weights_table(book_visits, book_url)
    heaviest = max(own, key=lambda page: own[page])
    first = {page: first_visit_bytes(chromium, f"{book_url}/{page}")
             for page in ("index.html", heaviest)}
    with capsys.disabled():
        print("\nfirst visit (empty cache): " + ", ".join(
            f"{page} {size / 1024:.0f} kB" for page, size in first.items()))
    assert max(first.values()) <= FIRST_VISIT_LIMIT, (first, table)
    assert max(own.values()) <= LATER_PAGE_LIMIT, table
    loaded = {url: size for record in book_visits.values()
              for url, size in record.transfers.items()}
    assert not [url for url in loaded if "fontawesome.js" in url]
    icon_fonts = {url: size for url, size in loaded.items() if "webfonts" in url}
    assert sum(icon_fonts.values()) <= 10_000, icon_fonts  # cut to the glyphs the CSS draws


def test_offline_pack_opens_from_disk_with_working_navigation(chromium, curriculum, released,
                                                              learner_book, tmp_path, capsys):
    from academy.pack import assemble_pack, format_size

    report = assemble_pack(curriculum, released, learner_book, tmp_path / "pack" / "pack.zip")
    with capsys.disabled():
        print(f"\noffline pack: {format_size(report.size_bytes)} zipped, {report.files} files")
    assert report.within_target
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(report.path) as archive:
        archive.extractall(unpacked)
    tree = unpacked / "global-classroom"
    visits: list[PageVisit] = []
    context = new_context(chromium, visits)
    start = visit(context, (tree / "START-HERE.html").as_uri(), visits)
    assert any(link.endswith("book/index.html") for link in start.links)
    page = context.new_page()
    page.on("console", lambda m: visits[-1].console_errors.append(m.text)
            if m.type == "error" else None)
    page.goto((tree / "book" / "index.html").as_uri())
    page.wait_for_url(re.compile(r"intro\.html$"))
    page.locator('nav a[href="syllabus.html"]').first.click()
    page.wait_for_url(re.compile(r"syllabus\.html$"))
    module = curriculum.modules[0]
    page.locator(f'article a[href="modules/{module.id}.html"]').first.click()
    page.wait_for_url(re.compile(rf"modules/{module.id}\.html$"))
    assert module.title in page.title()
    page.locator('nav a[href="../glossary.html"]').first.click()
    page.wait_for_url(re.compile(r"glossary\.html$"))
    context.close()
    errors = {v.url: v.console_errors + v.blocked_requests for v in visits
              if v.console_errors or v.blocked_requests}
    assert errors == {}
