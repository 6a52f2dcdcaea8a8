"""The book in Spanish and French: one site per language, put together with a language switcher.

Builds each language once (minutes: the notebooks run in each language's build), measures the
build time and the page weight per language, and prints them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from academy.i18n import LANGUAGES, html_language
from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("released-course")]

# Text that each language's site must show: a page, a heading translated by Sphinx from the book
# catalogue, one from the notebook catalogue, and one of the book's interface strings.
# The module page also shows what its notebook printed when the book ran it in that language
# (the header from module.yml).
EXPECTED = {
    "es": {"intro.html": ["Global Classroom sobre migración y desarrollo"],
           "learner-guide.html": ["Guía para participantes"],
           "modules/working_with_data.html": ["Trabajar con datos de migración",
                                               "Objetivos de aprendizaje"],
           "modules/remittances.html": ["Trabajar en este módulo"]},
    "fr": {"intro.html": ["Global Classroom sur les migrations et le développement"],
           "learner-guide.html": ["Guide de l'apprenant"],
           "modules/working_with_data.html": ["Travailler avec des données sur les migrations",
                                               "Objectifs d'apprentissage"],
           "modules/remittances.html": ["Travailler sur ce module"]},
}
SWITCHER = re.compile(r'<nav class="academy-languages"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)" hreflang="([a-z]+)"')


def _pages(folder: Path) -> dict[str, Path]:
    """The pages of one language's part of the site (not the theme's _static/ partials)."""
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*.html")
            if p.relative_to(folder).parts[0] not in LANGUAGES
            and not p.relative_to(folder).parts[0].startswith("_")}


def test_each_language_has_its_lang_attribute_and_translated_text(translated_books):
    site = translated_books["site"]
    for language, pages in EXPECTED.items():
        for page, texts in pages.items():
            html = (site / language / page).read_text(encoding="utf-8")
            assert html_language(html) == language, page
            html = html.replace("\u2019", "'").replace("&#8217;", "'")
            for text in texts:
                assert text in html, (language, page, text)
        # the theme's own strings come from its catalogues, ours from the ui catalogue
        intro = (site / language / "intro.html").read_text(encoding="utf-8")
        assert "Search this book" not in intro
    assert html_language((site / "intro.html").read_text(encoding="utf-8")) == "en"


def test_untranslated_text_falls_back_to_english(translated_books):
    """A message left untranslated in a catalogue (the GCM objective titles still to be checked
    against the official texts) shows in English on that language's page."""
    import html

    from babel.messages.pofile import read_po

    site = translated_books["site"]
    for language in LANGUAGES:
        path = REPO / "locales" / language / "LC_MESSAGES" / "book" / "curriculum-map.po"
        with path.open("rb") as handle:
            catalogue = read_po(handle)
        untranslated = [m.id for m in catalogue if m.id and not m.string]
        assert untranslated, f"{path}: every message is translated; pick another fallback case"
        page = html.unescape(re.sub(r"<[^>]+>", " ", (site / language / "curriculum-map.html")
                                    .read_text(encoding="utf-8")))
        words = " ".join(page.split())
        english = " ".join(re.sub(r"[*_`\[\]]", " ", str(untranslated[0])).split())
        english = re.sub(r"^\d+[.)] ", "", english)  # a list number is not page text
        assert english[:40] in words, (language, english[:40])


def test_every_page_switches_to_the_same_page_in_every_other_language(translated_books):
    site = translated_books["site"]
    roots = {"en": site, **{lang: site / lang for lang in LANGUAGES}}
    for language, root in roots.items():
        pages = _pages(root)
        assert len(pages) > 10, language
        for name, path in pages.items():
            html = path.read_text(encoding="utf-8")
            if 'http-equiv="Refresh"' in html[:200]:
                continue  # the root redirect page
            switchers = SWITCHER.findall(html)
            assert len(switchers) == 1, (language, name)
            targets = dict((lang, href) for href, lang in HREF.findall(switchers[0]))
            assert set(targets) == set(roots) - {language}, (language, name)
            for other, href in targets.items():
                target = (path.parent / href).resolve()
                assert target.is_file(), (language, name, href)
                if (roots[other] / name).is_file():  # the same page, where it exists
                    assert target == (roots[other] / name).resolve(), (language, name, other)


def test_build_time_and_page_weight_per_language_are_reported(translated_books):
    site = translated_books["site"]
    for language, seconds in translated_books["seconds"].items():
        html = sum(p.stat().st_size for p in (site / language).rglob("*.html"))
        total = sum(p.stat().st_size for p in (site / language).rglob("*") if p.is_file())
        print(f"\nbook ({language}): built in {seconds:.0f} s; {html / 1e6:.1f} MB of HTML, "
              f"{total / 1e6:.1f} MB in all")
        assert html > 0


def test_offline_pack_holds_every_language(translated_books, curriculum, course_dir, tmp_path):
    from academy.course_core import course_layout
    from academy.pack import assemble_pack, format_size

    report = assemble_pack(curriculum, course_layout(REPO, course_dir).release,
                           translated_books["site"], tmp_path / "pack.zip",
                           languages=list(LANGUAGES))
    print(f"\nmultilingual pack: {format_size(report.size_bytes)} zipped, {report.files} files")
    tree = report.tree
    assert (tree / "book" / "intro.html").is_file()
    for language in LANGUAGES:
        assert html_language((tree / "book" / language / "intro.html").read_text()) == language
        for module in curriculum.modules:
            assert (tree / "modules" / module.id / language / f"{module.notebooks[0]}.ipynb"
                    ).is_file()
        assert f"book/{language}/" in (tree / "START-HERE.md").read_text()
