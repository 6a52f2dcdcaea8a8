"""The book's hand-written pages are discovered from book/*.md and placed by their front matter:
adding a page needs no change in the code."""

from __future__ import annotations

import pytest

from academy.book import BookError, page_parts, toc
from academy.curriculum import load_curriculum


def test_a_new_page_joins_its_part_in_order(repo_copy):
    (repo_copy / "book" / "study-tips.md").write_text(
        "---\npart: start\norder: 0\n---\n\n# Study tips\n\nRead a little every day.\n")
    parts = page_parts(repo_copy / "book")
    assert parts["start"][0] == "study-tips"
    assert parts["instructors"] == ["instructor-guide", "hosting"]
    contents = toc(load_curriculum(repo_copy), repo_copy / "book")
    start = next(p for p in contents["parts"] if p["caption"] == "Start here")
    assert start["chapters"][0] == {"file": "study-tips"}


def test_a_page_that_names_no_part_is_refused_naming_the_file(repo_copy):
    (repo_copy / "book" / "orphan.md").write_text("# An orphan page\n")
    (repo_copy / "book" / "typo.md").write_text("---\npart: refrence\n---\n# Typo\n")
    with pytest.raises(BookError) as error:
        page_parts(repo_copy / "book")
    assert "orphan.md" in str(error.value) and "typo.md" in str(error.value)
    assert "part: start | instructors | reference" in str(error.value)
