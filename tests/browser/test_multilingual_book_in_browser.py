"""The multilingual site as a person uses it: every page of every language in headless Chromium.

The assembled site (English at its root, es/ and fr/ beside it, a language switcher on each page)
is served on localhost; each page of each language is visited once (``site_visits``) and the tests
read those visits. One test clicks the switcher in the browser.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest

from academy.i18n import LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE, site_path
from browser.browser_support import (
    FIRST_VISIT_LIMIT,
    LATER_PAGE_LIMIT,
    PageVisit,
    count_requests,
    first_visit_bytes,
    new_context,
    serious_violations,
    settle,
    weights_table,
)

# one worker builds the session fixtures for every test of the group (pytest-xdist)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("released-course")]

# A well-formed BCP 47 tag: language, then optional script, region and variants (RFC 5646).
LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(-[a-z]{4})?(-([a-z]{2}|\d{3}))?"
                          r"(-([a-z\d]{5,8}|\d[a-z\d]{3}))*$", re.I)


def _locate(url: str) -> tuple[str, str]:
    """Return the language and the page (relative to that language's folder) of a site URL."""
    path = urlparse(url).path.lstrip("/")
    first, _, rest = path.partition("/")
    return (first, rest) if first in LANGUAGES else (SOURCE_LANGUAGE, path)


def _all(site_visits: dict[str, dict[str, PageVisit]]) -> dict[str, PageVisit]:
    """Every visit, keyed by the page's path in the site (``es/intro.html``)."""
    return {site_path(language, page): record for language, visits in site_visits.items()
            for page, record in visits.items()}


def valid_language_tag(tag: str) -> bool:
    """Whether ``tag`` is a well-formed language tag whose language CLDR knows."""
    from babel import Locale

    match = LANGUAGE_TAG.match(tag)
    return bool(match) and match.group(1).lower() in Locale("en").languages


def test_valid_language_tag_accepts_languages_and_rejects_other_text():
    assert all(map(valid_language_tag, ["en", "es", "fr", "fr-CA", "es-419", "zh-Hans-CN"]))
    assert not any(map(valid_language_tag, ["", "english", "xx", "en_US", "es-", "fr-C"]))


def test_every_language_has_the_same_pages(site_visits):
    pages = {language: set(visits) for language, visits in site_visits.items()}
    assert set(pages) == set(LANGUAGE_NAMES)
    assert len(pages[SOURCE_LANGUAGE]) >= 8
    assert {language: sorted(found ^ pages[SOURCE_LANGUAGE])
            for language, found in pages.items() if found != pages[SOURCE_LANGUAGE]} == {}


def test_every_page_of_every_language_loads_without_console_errors_or_failed_requests(
        site_visits):
    problems = {page: v.console_errors + v.failed_requests
                for page, v in _all(site_visits).items() if v.console_errors or v.failed_requests}
    assert problems == {}


def test_no_page_of_any_language_needs_the_network_beyond_localhost(site_visits):
    blocked = {page: v.blocked_requests for page, v in _all(site_visits).items()
               if v.blocked_requests}
    assert blocked == {}


def test_every_page_is_in_the_language_of_its_folder(site_visits):
    wrong = {site_path(language, page): record.html_lang
             for language, visits in site_visits.items() for page, record in visits.items()
             if record.html_lang != language}
    assert wrong == {}


def test_every_lang_attribute_is_a_valid_language_tag(site_visits):
    invalid = {page: sorted({f"<{tag} lang={lang!r}>" for tag, lang in record.element_langs
                             if not valid_language_tag(lang)})
               for page, record in _all(site_visits).items()}
    assert {page: found for page, found in invalid.items() if found} == {}


def test_english_alt_text_on_a_translated_page_is_marked_english(site_visits):
    """An image whose alt text is the same as on the English page (the explorers' figures,
    drawn and described in English) is in a part marked lang="en", for screen readers."""
    unmarked: list[str] = []
    english = site_visits[SOURCE_LANGUAGE]
    for language in LANGUAGES:
        for page, record in site_visits[language].items():
            alts = {image["alt"] for image in getattr(english.get(page), "images", [])
                    if image["alt"]}
            unmarked += [f"{language}/{page}: {image['alt'][:60]} (lang={image['lang']!r})"
                         for image in record.images
                         if image["alt"] in alts and image["lang"] != SOURCE_LANGUAGE]
    assert unmarked == []


def test_axe_finds_no_serious_or_critical_violations_in_any_language(site_visits):
    assert serious_violations(_all(site_visits)) == {}


def test_every_switcher_links_to_the_same_page_in_the_other_languages(site_visits):
    """Each page has one switcher, with a link per other language, named in that language, to the
    same page there (a redirect page: to the page it shows); that page loaded, in that language."""
    problems: list[str] = []
    for language, visits in site_visits.items():
        others = set(LANGUAGE_NAMES) - {language}
        for page, record in visits.items():
            where = site_path(language, page)
            shown_language, shown = _locate(record.final_url)
            if record.switchers != 1:
                problems.append(f"{where}: {record.switchers} language switchers")
            if {hreflang for hreflang, _, _ in record.language_links} != others:
                problems.append(f"{where}: switcher links to {record.language_links}")
            for hreflang, href, lang in record.language_links:
                target_language, target = _locate(href)
                loaded = site_visits.get(target_language, {}).get(target)
                if lang != hreflang or target_language != hreflang or target != shown:
                    problems.append(f"{where} ({shown_language}/{shown}): the {hreflang} link "
                                    f"(lang={lang!r}) goes to {href}")
                elif loaded is None or loaded.failed_requests or loaded.html_lang != hreflang:
                    problems.append(f"{where}: the {hreflang} page {href} did not load in "
                                    f"{hreflang}")
    assert problems == []


def _switch_languages(chromium: Any, site_url: str, language: str, page_name: str,
                      errors: list[str]) -> dict[str, int]:
    """Open ``page_name`` in ``language``, click the switcher's link to each other language and
    check that it opens the same page in that language; return what each switch loaded that
    the tab had not loaded before (bytes): the page and the files of its language's theme that
    are not shared with the others."""
    context = new_context(chromium)
    page = context.new_page()
    requests: list[Any] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: uncaught {e}"))
    in_flight = count_requests(page, requests)
    start = f"{site_url}/{site_path(language, page_name)}"
    page.goto(start)
    settle(page, in_flight)
    switches: dict[str, int] = {}
    loaded_before: set[str] = set()  # what the tab has loaded so far
    for other in LANGUAGE_NAMES:
        if other == language:
            continue
        loaded_before |= {request.url for request in requests}
        requests.clear()
        page.locator(f'nav.academy-languages a[hreflang="{other}"]').click()
        page.wait_for_url(f"{site_url}/{site_path(other, page_name)}")
        settle(page, in_flight)
        switches[f"{language} -> {other}"] = sum({
            r.url: int(r.sizes()["responseBodySize"]) for r in requests
            if r.url not in loaded_before}.values())
        assert page.evaluate("document.documentElement.lang") == other, (language, other)
        current = page.locator("nav.academy-languages [aria-current]")
        assert current.get_attribute("lang") == other, (language, other)
        page.go_back()
        page.wait_for_url(start)
        settle(page, in_flight)
    context.close()
    return switches


def test_clicking_the_switcher_opens_the_same_page_in_the_other_language(chromium, site_url,
                                                                         curriculum, capsys):
    """From a module chapter in each language, a click on each other language's link opens that
    chapter in that language, and costs no more than a later page: the theme's files that are
    the same in every language are shared (the switch's weight is printed)."""
    page_name = f"modules/{curriculum.modules[0].id}.html"
    errors: list[str] = []
    switches: dict[str, int] = {}
    for language in LANGUAGE_NAMES:
        switches.update(_switch_languages(chromium, site_url, language, page_name, errors))
    with capsys.disabled():
        print(f"\nlanguage switch on {page_name} (what the tab had not loaded before): "
              + ", ".join(f"{pair} {size / 1024:.0f} kB" for pair, size in switches.items()))
    assert errors == []
    assert max(switches.values()) <= LATER_PAGE_LIMIT, switches


def test_first_visit_in_each_language_is_under_one_megabyte_and_later_pages_under_250_kb(
        chromium, site_url, site_visits, capsys):
    """In every language a first visit (an empty cache) to the language's start page or to its
    heaviest page transfers at most 1 MB; after that a page of that language costs at most
    250 kB; the theme's icon script is never loaded. The weights are printed per language."""
    report: list[str] = []
    over: dict[str, Any] = {}
    for language, visits in site_visits.items():
        table, own, shared = weights_table(visits, site_url)
        heaviest = max(own, key=lambda page: own[page])
        first = {page: first_visit_bytes(chromium, f"{site_url}/{site_path(language, page)}")
                 for page in ("index.html", heaviest)}
        report += [f"book ({language}, {LANGUAGE_NAMES[language]}): {table}",
                   f"first visit ({language}, empty cache): " + ", ".join(
                       f"{page} {size / 1024:.0f} kB" for page, size in first.items())]
        if max(first.values()) > FIRST_VISIT_LIMIT:
            over[f"{language} first visit"] = first
        if max(own.values()) > LATER_PAGE_LIMIT:
            over[f"{language} later pages"] = {p: s for p, s in own.items()
                                               if s > LATER_PAGE_LIMIT}
        scripts = [url for record in visits.values() for url in record.transfers
                   if "fontawesome.js" in url]
        if scripts:
            over[f"{language} icon script"] = scripts
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert over == {}
