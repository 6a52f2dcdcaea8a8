"""Translations: gettext catalogues for the book's pages and the learner notebooks.

English is the source language. Each translation language keeps its catalogues in the
repository, in the layout that Sphinx and ``sphinx-intl`` use::

    locales/templates/book/<page>.pot             extracted from the book (Sphinx's gettext builder)
    locales/templates/modules/<module>.pot        extracted from the module's notebooks (here)
    locales/<lang>/LC_MESSAGES/book/<page>.po     translated by us, merged with ``sphinx-intl``
    locales/<lang>/LC_MESSAGES/modules/<module>.po

A notebook message is one block of a Markdown cell (a heading, a paragraph, one list item or one
table row), or the label or hint of a visible self-check (shown translated at run time by
``academy.notebook_language``; the test cells themselves never change). Its key is its
English text (whitespace folded), as in Sphinx's catalogues, so a catalogue survives edits
elsewhere in the notebook; an edited block becomes a new, untranslated message and falls back to
English. The graded cells and the learners' answer cells are never
translated, so every language's release is graded by the same gradebook.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from academy.errors import AcademyError

SOURCE_LANGUAGE = "en"
# The translation languages, with their names in their own language (the language switcher).
LANGUAGES = {"es": "Español", "fr": "Français"}
LANGUAGE_NAMES = {SOURCE_LANGUAGE: "English", **LANGUAGES}
LOCALES = "locales"
TEMPLATES = "templates"
BOOK_DOMAIN = "book"
MODULES_DOMAIN = "modules"
PO_WIDTH = 100  # line width of the .po files we and sphinx-intl write (stable diffs)
UI_DOMAIN = "ui"  # the book's interface strings that are neither in a page nor in the theme


class TranslationError(AcademyError, ValueError):
    """A language is unknown, or a catalogue cannot be read."""


def check_language(language: str) -> str:
    """Return ``language`` if it is the source language or a translation language."""
    if language != SOURCE_LANGUAGE and language not in LANGUAGES:
        raise TranslationError(f"Unknown language '{language}' (choose from "
                               f"{', '.join([SOURCE_LANGUAGE, *LANGUAGES])})")
    return language


def locales_dir(root: Path) -> Path:
    return root / LOCALES


def templates_dir(root: Path) -> Path:
    return locales_dir(root) / TEMPLATES


def catalogue_path(root: Path, language: str, domain: str, name: str) -> Path:
    """Return the .po file of ``name`` (a page or a module) in ``domain`` for ``language``."""
    return locales_dir(root) / language / "LC_MESSAGES" / domain / f"{name}.po"


def template_path(root: Path, domain: str, name: str) -> Path:
    return templates_dir(root) / domain / f"{name}.pot"


def language_release_dir(release: Path, language: str) -> Path:
    """Return the folder of a language's student versions: ``release`` for English, else
    ``release-<language>`` beside it (same module folders, same notebook names)."""
    check_language(language)
    if language == SOURCE_LANGUAGE:
        return release
    return release.parent / f"{release.name}-{language}"


# -- Markdown blocks -------------------------------------------------------------------------

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6}\s+)(.*)$")
LIST_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)(.*)$")
TABLE_ROW = re.compile(r"^\s*\|")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass
class Block:
    """A run of Markdown lines: ``prefix`` + translatable text, or lines kept as they are."""

    lines: list[str]
    prefix: str = ""
    text: str = ""  # the message (English, whitespace folded); empty: not translatable

    def render(self, translation: str | None) -> list[str]:
        if not self.text or not translation:
            return self.lines
        return [self.prefix + translation]


def fold(text: str) -> str:
    """Return ``text`` with runs of whitespace (line breaks included) as single spaces."""
    return " ".join(text.split())


def markdown_blocks(source: str) -> list[Block]:
    """Split Markdown into blocks: headings, paragraphs, list items, table rows (translatable);
    blank lines, code fences and table rules (kept as they are)."""
    blocks: list[Block] = []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if FENCE.match(line):  # a code fence, kept whole
            marker = FENCE.match(line).group(1)  # type: ignore[union-attr]
            end = i + 1
            while end < len(lines) and not lines[end].strip().startswith(marker):
                end += 1
            blocks.append(Block(lines[i:end + 1]))
            i = end + 1
            continue
        if not line.strip() or TABLE_RULE.match(line):
            blocks.append(Block([line]))
            i += 1
            continue
        if (heading := HEADING.match(line)) is not None:
            blocks.append(Block([line], heading.group(1), fold(heading.group(2))))
            i += 1
            continue
        if TABLE_ROW.match(line):
            indent = line[:len(line) - len(line.lstrip())]
            blocks.append(Block([line], indent, line.strip()))
            i += 1
            continue
        item = LIST_ITEM.match(line)
        end = i + 1
        while end < len(lines) and _continues(lines[end], item is not None):
            end += 1
        body = [line[len(item.group(1)):] if item else line, *lines[i + 1:end]]
        blocks.append(Block(lines[i:end], item.group(1) if item else "", fold("\n".join(body))))
        i = end
    return blocks


def _continues(line: str, in_item: bool) -> bool:
    """Whether ``line`` continues the paragraph or list item above it.

    As in CommonMark, a numbered line interrupts a paragraph only if it is numbered 1: "2019.
    Growth..." at the start of a line inside a paragraph is part of the sentence."""
    if not line.strip() or FENCE.match(line) or HEADING.match(line) or TABLE_ROW.match(line):
        return False
    if (item := LIST_ITEM.match(line)) is not None and (
            in_item or _interrupts_paragraph(item.group(1))):
        return False
    return not in_item or line.startswith((" ", "\t"))


def _interrupts_paragraph(marker: str) -> bool:
    number = marker.strip()[:-1]
    return not number.isdigit() or int(number) == 1


def markdown_messages(source: str) -> list[str]:
    """Return the translatable messages of a Markdown text, in order."""
    return [block.text for block in markdown_blocks(source) if block.text]


def translate_markdown(source: str, translations: dict[str, str]) -> str:
    """Return ``source`` with every block that has a translation replaced by it; the other
    blocks are kept exactly as written (English fallback)."""
    out: list[str] = []
    for block in markdown_blocks(source):
        out += block.render(translations.get(block.text))
    return "\n".join(out)


# -- Notebooks ---------------------------------------------------------------------------------

def is_translatable_cell(cell: Any) -> bool:
    """A Markdown cell that is not a learner's answer (answers stay as the learner writes them)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(cell.get("cell_type") == "markdown" and not meta.get("solution"))


def _source(cell: Any) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def cell_key(cell: Any, index: int) -> str:
    """Return where a cell is, for translators: its grade_id, else its id, else its index."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return str(meta.get("grade_id") or cell.get("id") or f"cell-{index}")


# The visible checks of a test cell (academy.checks): their label and hint are shown to the
# learner, translated at run time (academy.notebook_language); the code is never changed.
VISIBLE_CHECKS = ("gate", "self_check")


def check_messages(code: str) -> list[str]:
    """Return the labels and hints of the visible checks in a code cell, in order (string
    literals only; a cell that is not plain Python has none)."""
    import ast

    lines = [line for line in code.split("\n") if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    found: list[str] = []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and n.func.attr in VISIBLE_CHECKS]
    for call in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        texts = [call.args[0]] if call.args else []
        texts += [k.value for k in call.keywords if k.arg in ("label", "hint")]
        found += [fold(t.value) for t in texts
                  if isinstance(t, ast.Constant) and isinstance(t.value, str) and t.value.strip()]
    return found


def notebook_messages(notebook: Any) -> Iterator[tuple[str, str]]:
    """Yield (cell key, message) for every translatable text of the notebook, in order: the
    blocks of its Markdown cells and the labels and hints of its self-checks."""
    for index, cell in enumerate(notebook.cells):
        if is_translatable_cell(cell):
            for message in markdown_messages(_source(cell)):
                yield cell_key(cell, index), message
        elif cell.get("cell_type") == "code":
            for message in check_messages(_source(cell)):
                yield cell_key(cell, index), message


def translate_notebook(notebook: Any, translations: dict[str, str],
                       language: str) -> Any:
    """Translate the notebook's Markdown cells in place; return it.

    Code cells, graded cells and answer cells are untouched, so grade ids, points and their
    checksums stay what the gradebook knows. A translated locked cell gets its nbgrader checksum
    recomputed, so the learner's Validate does not report it as changed.
    """
    from nbgrader.utils import compute_checksum

    for cell in notebook.cells:
        if not is_translatable_cell(cell):
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):  # a graded Markdown cell is never rewritten
            continue
        before = _source(cell)
        after = translate_markdown(before, translations)
        if after != before:
            cell.source = after
            if "checksum" in meta:
                meta["checksum"] = compute_checksum(cell)
    notebook.metadata.setdefault("academy", {})["language"] = language
    return notebook


# -- Catalogues ----------------------------------------------------------------------------

def metadata_messages(module: Any) -> Iterator[tuple[str, str]]:
    """Yield (field, message) for the text of module.yml that the notebook shows its learners
    (show_header, show_rubric, show_key_points): questions, objectives, key points, rubric."""
    for field_name in ("questions", "objectives", "keypoints"):
        for text in getattr(module, field_name):
            yield field_name, fold(text)
    for criterion in module.rubric.criteria:
        yield "rubric", fold(criterion.name)
        yield "rubric", fold(criterion.description)
        for level in criterion.levels:
            yield "rubric", fold(level.label)
            yield "rubric", fold(level.descriptor)


def module_messages(module: Any) -> list[tuple[str, str]]:
    """Return (location, message) for everything a module shows its learners: its notebooks'
    text and self-checks, then its module.yml text."""
    import nbformat

    found = [(f"{name}.ipynb#{key}", message) for name in module.notebooks
             for key, message in notebook_messages(
                 nbformat.read(module.notebook_path(name), as_version=4))]
    return found + [(f"module.yml#{key}", message) for key, message in metadata_messages(module)]


def notebook_template(notebooks: Iterable[tuple[str, Any]], project: str,
                      extra: Iterable[tuple[str, str]] = ()) -> Any:
    """Return a babel Catalog (the .pot) of the messages of ``notebooks`` ((file name, nb))
    and of ``extra`` ((location, message))."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(project=project, charset="utf-8", fuzzy=False)
    pairs = [(f"{filename}#{key}", message) for filename, notebook in notebooks
             for key, message in notebook_messages(notebook)]
    for where, message in [*pairs, *extra]:
        existing = catalog.get(message)
        location = (where, 0)
        if existing is None:
            catalog.add(message, locations=[location])
        elif location not in existing.locations:
            existing.locations.append(location)
    return catalog


def write_catalog(catalog: Any, path: Path) -> None:
    """Write a catalogue (.po or .pot) without line numbers or a changing creation date."""
    import io

    from babel.messages.pofile import write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=PO_WIDTH, omit_header=False, sort_output=False,
             include_lineno=False)
    text = re.sub(rb'"POT-Creation-Date: [^"]*\\n"\n', b"", buffer.getvalue())
    if not path.is_file() or path.read_bytes() != text:
        path.write_bytes(text)


def read_catalog(path: Path, language: str | None = None) -> Any:
    from babel.messages.pofile import read_po

    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=language)
    except Exception as exc:  # babel raises several kinds; the message names the file
        raise TranslationError(f"{path}: not a readable gettext catalogue ({exc})") from None


def translations(path: Path) -> dict[str, str]:
    """Return English → translation for the finished messages of a .po file ({} if none).

    Fuzzy (unchecked) and empty translations are left out: those messages stay in English.
    """
    if not path.is_file():
        return {}
    catalog = read_catalog(path)
    return {str(m.id): str(m.string) for m in catalog
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def update_catalogues(root: Path, languages: Iterable[str] | None = None) -> list[Path]:
    """Merge every template into each language's .po files with sphinx-intl (new messages are
    added, changed ones marked fuzzy, obsolete ones kept commented out); return the .po files."""
    from sphinx_intl.basic import update

    langs = list(languages or LANGUAGES)
    for language in langs:
        check_language(language)
    update(str(locales_dir(root)), str(templates_dir(root)), tuple(langs), line_width=PO_WIDTH)
    return sorted(p for lang in langs for p in (locales_dir(root) / lang).rglob("*.po"))


# -- The translated share --------------------------------------------------------------------

@dataclass
class Share:
    """How much of one catalogue is translated, in messages and in English words."""

    domain: str
    name: str
    messages: int = 0
    translated: int = 0
    words: int = 0
    translated_words: int = 0

    @property
    def fraction(self) -> float:
        """Translated words over all words (1.0 for an empty catalogue)."""
        return self.translated_words / self.words if self.words else 1.0


@dataclass
class ShareReport:
    """The translated share of each catalogue for one language."""

    language: str
    shares: list[Share] = field(default_factory=list)

    def total(self, domain: str | None = None) -> Share:
        total = Share(domain or "all", "all")
        for share in self.shares:
            if domain is None or share.domain == domain:
                total.messages += share.messages
                total.translated += share.translated
                total.words += share.words
                total.translated_words += share.translated_words
        return total

    def get(self, domain: str, name: str) -> Share:
        return next(s for s in self.shares if (s.domain, s.name) == (domain, name))

    def lines(self) -> list[str]:
        rows = [f"{self.language}: {100 * self.total().fraction:5.1f}% of words "
                f"({self.total().translated}/{self.total().messages} messages)"]
        for share in self.shares:
            rows.append(f"  {share.domain}/{share.name:<28} {100 * share.fraction:5.1f}% "
                        f"({share.translated_words}/{share.words} words, "
                        f"{share.translated}/{share.messages} messages)")
        return rows


def _count(share: Share, messages: Iterable[str], done: dict[str, str]) -> Share:
    for message in messages:
        words = len(message.split())
        share.messages += 1
        share.words += words
        if message in done:
            share.translated += 1
            share.translated_words += words
    return share


def translated_share(root: Path, language: str) -> ShareReport:
    """Return the translated share of ``language``: each module of the programme (its source
    notebooks' Markdown, read now, so a new or edited module counts at once), each book page
    (its extracted template, ``academy translate extract``) and the book's interface strings.

    The denominator is what there is to translate, so a missing .po file counts as 0% and an
    obsolete translation counts for nothing.
    """

    from academy.curriculum import load_curriculum

    check_language(language)
    curriculum = load_curriculum(root)
    report = ShareReport(language)
    for module in curriculum.modules:
        done = translations(catalogue_path(curriculum.root, language, MODULES_DOMAIN, module.id))
        messages = [message for _, message in module_messages(module)]
        report.shares.append(_count(Share(MODULES_DOMAIN, module.id), dict.fromkeys(messages),
                                    done))
    for domain in (BOOK_DOMAIN, UI_DOMAIN):
        for template in sorted((templates_dir(curriculum.root) / domain).glob("*.pot")):
            done = translations(catalogue_path(curriculum.root, language, domain,
                                               template.stem))
            messages = [str(m.id) for m in read_catalog(template)
                        if m.id and isinstance(m.id, str)]
            report.shares.append(_count(Share(domain, template.stem), messages, done))
    return report


# -- Extraction --------------------------------------------------------------------------------

def extract_notebook_templates(root: Path | None = None) -> list[Path]:
    """Write ``locales/templates/modules/<module>.pot`` from each module's source notebooks;
    return the files written. The source's Markdown is what every release shows."""
    import nbformat

    from academy.curriculum import load_curriculum

    curriculum = load_curriculum(root)
    written = []
    for module in curriculum.modules:
        notebooks = [(f"{name}.ipynb", nbformat.read(module.notebook_path(name), as_version=4))
                     for name in module.notebooks]
        catalog = notebook_template(notebooks, f"Global Classroom: {module.id}",
                                    [(f"module.yml#{key}", message)
                                     for key, message in metadata_messages(module)])
        path = template_path(curriculum.root, MODULES_DOMAIN, module.id)
        write_catalog(catalog, path)
        written.append(path)
    return written


# -- The explorers' messages -----------------------------------------------------------------

# The marks of a message in the explorers' code (academy.explore), as academy.notebook_language
# is imported there: ``_`` (translate, at once), ``N_`` (translatable: a constant, translated
# where it is shown) and ``ngettext`` (translate_plural: singular, plural, count). A comment that
# starts with TRANSLATORS: just above the mark goes into the template for the translator.
EXPLORER_KEYWORDS: dict[str, Any] = {"_": None, "N_": None, "ngettext": (1, 2)}
TRANSLATORS_TAG = "TRANSLATORS:"


def explorer_messages() -> list[tuple[str, str | tuple[str, str], list[str]]]:
    """Return (location, message, translator comments) for every message marked in the
    explorers' code (``src/academy/explore/*.py``), extracted with Babel's Python extractor; a
    message with plural forms is (singular, plural)."""
    from babel.messages.extract import extract

    package = Path(__file__).parent
    found: list[tuple[str, str | tuple[str, str], list[str]]] = []
    for path in sorted((package / "explore").glob("*.py")):
        location = f"src/{path.relative_to(package.parent).as_posix()}"
        with path.open("rb") as handle:
            for _line, message, comments, _context in extract(
                    "python", handle, keywords=EXPLORER_KEYWORDS, comment_tags=[TRANSLATORS_TAG],
                    strip_comment_tags=True):
                if isinstance(message, str):
                    found.append((location, message, list(comments)))
                elif all(isinstance(form, str) for form in message):
                    singular, plural = message
                    found.append((location, (str(singular), str(plural)), list(comments)))
    return found


# -- The language switcher -------------------------------------------------------------------

SWITCHER_LABEL = {"en": "Language", "es": "Idioma", "fr": "Langue"}
ARTICLE = re.compile(r"<article\b[^>]*>")
HTML_LANG = re.compile(r'<html\b[^>]*\blang="([^"]*)"')


def site_path(language: str, page: str) -> str:
    """Return a page's path in the multilingual site: English at the root, another language
    in its own folder (``es/intro.html``)."""
    return page if language == SOURCE_LANGUAGE else f"{language}/{page}"


def switcher_html(page: str, language: str, available: dict[str, set[str]]) -> str:
    """Return the switcher of one page: a link to the same page in every other language (to
    that language's start page where it lacks the page), each named in its own language."""
    depth = site_path(language, page).count("/")
    up = "../" * depth
    links = []
    for other, pages in available.items():
        name = LANGUAGE_NAMES[other]
        if other == language:
            links.append(f'<li><span aria-current="true" lang="{other}">{name}</span></li>')
            continue
        target = page if page in pages else "index.html"
        links.append(f'<li><a href="{up}{site_path(other, target)}" hreflang="{other}" '
                     f'lang="{other}">{name}</a></li>')
    label = SWITCHER_LABEL.get(language, SWITCHER_LABEL[SOURCE_LANGUAGE])
    return (f'<nav class="academy-languages" aria-label="{label}">'
            f'<ul>{"".join(links)}</ul></nav>')


def add_language_switcher(html: str, page: str, language: str,
                          available: dict[str, set[str]]) -> str:
    """Return a built page with its language switcher at the top of the article (or of the
    body), once."""
    if 'class="academy-languages"' in html:
        return html
    nav = switcher_html(page, language, available)
    match = ARTICLE.search(html) or re.search(r"<body\b[^>]*>", html)
    if match is None:
        return html
    return html[:match.end()] + nav + html[match.end():]


def html_language(html: str) -> str | None:
    """Return the ``lang`` attribute of a page's ``<html>`` element."""
    match = HTML_LANG.search(html)
    return match.group(1) if match else None
