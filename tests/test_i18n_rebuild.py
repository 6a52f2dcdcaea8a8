"""A rebuild of every language's book with nothing changed runs no notebook again."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from academy.i18n import LANGUAGES, SOURCE_LANGUAGE
from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("released-course")]


def _executed(language: str) -> dict[str, int]:
    """The execution cache's executed notebooks of a language's learner book: path to mtime."""
    from academy.book import build_dir

    cache = build_dir(REPO, "learner", language) / "_build" / ".jupyter_cache"
    return {p.relative_to(cache).as_posix(): p.stat().st_mtime_ns
            for p in cache.rglob("*.ipynb")}


def test_a_no_change_rebuild_of_every_language_executes_nothing(translated_books: dict[str, Any],
                                                                 course_dir: Path,
                                                                 capsys: pytest.CaptureFixture[
                                                                     str]) -> None:
    """Prints each language's no-change rebuild time; fails if any notebook ran again."""
    from academy.book import build_book

    seconds = {}
    for language in [SOURCE_LANGUAGE, *LANGUAGES]:
        before = _executed(language)
        assert before, f"no executed notebook is cached for {language}"
        started = time.monotonic()
        build_book(root=REPO, course=course_dir, language=language)
        seconds[language] = time.monotonic() - started
        assert _executed(language) == before, f"{language}: a notebook was executed again"
    with capsys.disabled():
        print("\nno-change rebuild of the learner book: " + ", ".join(
            f"{lang} {s:.0f} s" for lang, s in seconds.items()))
