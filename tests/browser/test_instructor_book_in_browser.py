"""The facilitator's pages of the instructor edition in headless Chromium, screen and print."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest

from browser.browser_support import local_target, new_context, serious_violations

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("released-course")]

REMOVE_CARDS = "document.querySelectorAll('.role-card').forEach(card => card.remove())"
# Chromium writes one uncompressed page object per printed page.
PDF_PAGE = re.compile(rb"/Type\s*/Page\b")


def _pdf_pages(page: Any) -> int:
    return len(PDF_PAGE.findall(page.pdf(format="A4")))


def test_facilitation_pages_load_without_console_errors_or_network(facilitation_visits,
                                                                   curriculum):
    assert len([p for p in facilitation_visits if p.startswith("facilitation/")]) == \
        1 + 5 * len(curriculum.modules)
    problems = {page: v.console_errors + v.failed_requests + v.blocked_requests
                for page, v in facilitation_visits.items()
                if v.console_errors or v.failed_requests or v.blocked_requests}
    assert problems == {}


def test_facilitation_pages_have_no_serious_accessibility_violations(facilitation_visits):
    assert serious_violations(facilitation_visits) == {}


def test_facilitation_links_and_handout_images_work(facilitation_visits, instructor_book,
                                                    instructor_book_url, curriculum):
    broken: list[str] = []
    for page, record in facilitation_visits.items():
        for href in record.links:
            target = local_target(instructor_book, instructor_book_url, href)
            if target is not None and not target[0].is_file():
                broken.append(f"{page}: {unquote(href)}")
        for image in record.images:
            if not image["loaded"] or not (image["alt"] or "").strip():
                broken.append(f"{page}: image {image['src'][:60]} (loaded or alt missing)")
    assert broken == []
    for module in curriculum.modules:
        chapter = facilitation_visits[f"modules/{module.id}.html"]
        kit = [h for h in chapter.links if f"/facilitation/{module.id}/" in h]
        assert len({h.rsplit("/", 1)[1] for h in kit}) == 5, module.id
        handouts = facilitation_visits[f"facilitation/{module.id}/handouts.html"]
        charts = [i for i in handouts.images if "handout-" in i["src"]]
        assert charts and all(len(i["alt"]) > 40 for i in charts), module.id


def test_each_role_card_prints_on_one_a4_page(chromium, instructor_book_url, curriculum):
    context = new_context(chromium)
    page = context.new_page()
    for module in curriculum.modules:
        page.goto(f"{instructor_book_url}/facilitation/{module.id}/role-cards.html")
        cards = page.locator(".role-card").count()
        assert cards >= 3, module.id
        with_cards = _pdf_pages(page)
        page.evaluate(REMOVE_CARDS)
        # Each card starts a new page; one that overflows its page adds another.
        assert with_cards - _pdf_pages(page) == cards, module.id
    context.close()


def test_an_overlong_role_card_is_caught_by_the_page_count(chromium, instructor_book_url,
                                                           curriculum):
    module = curriculum.modules[0]
    context = new_context(chromium)
    page = context.new_page()
    page.goto(f"{instructor_book_url}/facilitation/{module.id}/role-cards.html")
    cards = page.locator(".role-card").count()
    page.evaluate("""() => { const card = document.querySelector('.role-card');
        for (let i = 0; i < 60; i++) { const p = document.createElement('p');
          p.textContent = 'A much longer brief than a card can hold. ' + i; card.appendChild(p); }
    }""")
    with_cards = _pdf_pages(page)
    page.evaluate(REMOVE_CARDS)
    assert with_cards - _pdf_pages(page) > cards
    context.close()


def test_print_shows_only_the_article(chromium, instructor_book_url, curriculum):
    context = new_context(chromium)
    page = context.new_page()
    page.goto(f"{instructor_book_url}/facilitation/{curriculum.modules[0].id}/session-plan.html")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.bd-sidebar-primary', '.bd-header', '.bd-footer']
        .map(s => document.querySelector(s)).filter(e => e)
        .every(e => getComputedStyle(e).display === 'none')""")
    assert hidden
    assert page.locator("article").first.is_visible()
    context.close()


def test_each_handout_is_one_block_with_its_table_chart_and_source(chromium, instructor_book_url,
                                                                   curriculum):
    from academy.facilitation import load_facilitation

    context = new_context(chromium)
    page = context.new_page()
    for module in curriculum.modules:
        kit = load_facilitation(module)
        page.goto(f"{instructor_book_url}/facilitation/{module.id}/handouts.html")
        blocks = page.evaluate("""() => Array.from(document.querySelectorAll('.handout'))
            .map(b => ({tables: b.querySelectorAll('table').length,
                        images: b.querySelectorAll('img').length,
                        source: b.textContent.includes('Source')}))""")
        expected = [{"tables": 1, "images": 1 if p.chart_value else 0, "source": True}
                    for p in kit.printouts]
        assert blocks == expected, module.id
    context.close()
