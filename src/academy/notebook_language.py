"""The learner's language inside a notebook's kernel: self-check labels and hints translated.

A translated release (``academy release --language es``) puts a ``.academy-language`` file next
to its notebooks; ``$ACADEMY_LANGUAGE`` overrides it. The self-checks (``academy.checks``) show
their labels and hints through ``translate``, from the module catalogues in ``locales/`` (the
same ones that translate the notebooks' text), and the explorers (``academy.explore``) their
charts' titles, labels and alt text and their controls' labels, from ``ui/notebook.po``. Only
what the learner reads changes: the checks, their labels as the grader sees them and every score
stay the same in every language. Anything that goes wrong here (no catalogue, no babel, an
unreadable file) leaves the English text.

This module runs in the learner's kernel and in the grader's sandbox: it imports nothing of the
gradebook or of nbgrader.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

LANGUAGE_FILE = ".academy-language"
ENVIRONMENT = "ACADEMY_LANGUAGE"
SOURCE_LANGUAGE = "en"


def current_language(folder: Path | None = None) -> str:
    """Return the learner's language: $ACADEMY_LANGUAGE, else the ``.academy-language`` file in
    ``folder`` (default: the working folder, where the notebook runs), else English."""
    chosen = os.environ.get(ENVIRONMENT, "").strip()
    if chosen:
        return chosen
    try:
        marker = (folder or Path.cwd()) / LANGUAGE_FILE
        if marker.is_file():
            return marker.read_text(encoding="utf-8").strip() or SOURCE_LANGUAGE
    except OSError:
        pass
    return SOURCE_LANGUAGE


@lru_cache(maxsize=8)
def _catalogue(language: str) -> dict[str, str]:
    """Return English → translation from every module catalogue of ``language`` and its
    notebook interface catalogue ({} if none)."""
    try:
        from babel.messages.pofile import read_po

        from academy.paths import project_root

        folder = project_root() / "locales" / language / "LC_MESSAGES"
        found: dict[str, str] = {}
        for path in sorted([*folder.glob("modules/*.po"), *folder.glob("ui/notebook.po")]):
            with path.open("rb") as handle:
                for message in read_po(handle):
                    if (message.id and isinstance(message.id, str) and message.string
                            and not message.fuzzy):
                        found[message.id] = str(message.string)
        return found
    except Exception:  # noqa: BLE001 - a learner's check must never fail on a translation
        return {}


def translate(text: str, language: str | None = None) -> str:
    """Return ``text`` in the learner's language, or ``text`` itself when there is no
    translation. A message is looked up as written (an explorer's message may hold a line
    break), then with its whitespace folded (the notebooks' Markdown messages)."""
    language = language or current_language()
    if language == SOURCE_LANGUAGE or not text:
        return text
    catalogue = _catalogue(language)
    return catalogue.get(text) or catalogue.get(" ".join(text.split()), text)


# How a language writes a number that English writes "12,345.6": its decimal mark, its
# thousands separator (a no-break space, never a mark that reads as a decimal one elsewhere) and
# the smallest number it separates (Spanish writes 2000 but 10 000, as the RAE advises).
NUMBER_STYLES = {"es": (",", "\u00a0", 10_000), "fr": (",", "\u00a0", 1_000)}


def format_number(value: float, spec: str = "", language: str | None = None) -> str:
    """Return ``format(value, spec)`` written as the learner's language writes numbers:
    English as Python writes it (1,088.5), Spanish 1088,5 (10 000,5), French 1 088,5."""
    text = format(value, spec)
    style = NUMBER_STYLES.get(language or current_language())
    if style is None:
        return text
    decimal, group, smallest = style
    group = group if abs(value) >= smallest else ""
    return "".join(group if c == "," else decimal if c == "." else c for c in text)


def decimal_mark(language: str | None = None) -> str:
    """Return the learner's language's decimal mark ("." in English, "," in Spanish)."""
    style = NUMBER_STYLES.get(language or current_language())
    return style[0] if style else "."


# French sets a space before a semicolon (as before a colon, which the catalogues' messages
# carry themselves).
SEMICOLONS = {"fr": " ; "}


def semicolon(language: str | None = None) -> str:
    """Return what separates the items of a list joined by semicolons: "; ", in French " ; "."""
    return SEMICOLONS.get(language or current_language(), "; ")


def _english_plural(count: int) -> int:
    return 0 if count == 1 else 1


@lru_cache(maxsize=8)
def _plural_catalogue(language: str) -> tuple[dict[str, tuple[str, ...]], Callable[[int], int]]:
    """Return English singular → translated forms, from the notebook interface catalogue of
    ``language``, and its rule (Plural-Forms) that picks a form for a count ({} if none)."""
    try:
        import gettext

        from babel.messages.pofile import read_po

        from academy.paths import project_root

        path = project_root() / "locales" / language / "LC_MESSAGES" / "ui" / "notebook.po"
        with path.open("rb") as handle:
            catalog = read_po(handle)
        forms = {str(m.id[0]): tuple(str(form) for form in m.string) for m in catalog
                 if isinstance(m.id, tuple) and isinstance(m.string, tuple) and all(m.string)
                 and not m.fuzzy}
        return forms, gettext.c2py(catalog.plural_expr)
    except Exception:  # noqa: BLE001 - as in _catalogue: English rather than a failure
        return {}, _english_plural


def translate_plural(singular: str, plural: str, count: int, language: str | None = None) -> str:
    """Return the form of a message for ``count`` in the learner's language (gettext's
    ``ngettext``), or the English ``singular`` (count 1) or ``plural`` when untranslated."""
    language = language or current_language()
    if language != SOURCE_LANGUAGE:
        forms, rule = _plural_catalogue(language)
        if translated := forms.get(singular):
            return translated[min(rule(count), len(translated) - 1)]
    return singular if count == 1 else plural


def translatable(text: str) -> str:
    """Return ``text`` unchanged: marks a message that is translated where it is shown.

    A module-level constant is built once, at import, so it is marked with this (imported as
    ``N_``) and passed to ``translate`` (``_``) when drawn; both are extracted into
    ``ui/notebook.pot`` (``academy.i18n.explorer_messages``)."""
    return text
