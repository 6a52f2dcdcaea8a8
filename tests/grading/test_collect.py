"""`academy collect`: folders, Moodle and Canvas zips, roster mapping, unsafe archives refused."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from academy.grading.collect import CollectError, collect_submissions

NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def submitted(course: Path) -> dict[str, list[str]]:
    base = course / "submitted"
    return {p.name: sorted(f.name for f in (p / "remittances").iterdir())
            for p in sorted(base.iterdir())}


def test_collect_from_folder(tmp_path: Path) -> None:
    source = tmp_path / "in"
    for student in ("s001", "s002"):
        (source / student).mkdir(parents=True)
        (source / student / "remittances.ipynb").write_bytes(NOTEBOOK)
    summary = collect_submissions("remittances", source, course=tmp_path / "course")
    assert sorted(summary.collected) == ["s001", "s002"]
    assert submitted(tmp_path / "course") == {"s001": ["remittances.ipynb"],
                                              "s002": ["remittances.ipynb"]}


def test_collect_moodle_download_all_with_roster(tmp_path: Path) -> None:
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Ada Lovelace_1234567_assignsubmission_file_/remittances.ipynb", NOTEBOOK)
        z.writestr("Grace Hopper_7654321_assignsubmission_file_remittances (1).ipynb", NOTEBOOK)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id,name\nada,1234567,Ada Lovelace\n"
                      "grace,7654321,Grace Hopper\n")
    collect_submissions("remittances", archive, course=tmp_path / "course", roster=roster)
    assert submitted(tmp_path / "course") == {"ada": ["remittances.ipynb"],
                                              "grace": ["remittances.ipynb"]}


def test_collect_canvas_download_maps_user_ids(tmp_path: Path) -> None:
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("lovelaceada_1001_55501_remittances.ipynb", NOTEBOOK)
        z.writestr("hoppergrace_LATE_1002_55502_remittances-1.ipynb", NOTEBOOK)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id\nada,1001\ngrace,1002\n")
    collect_submissions("remittances", archive, course=tmp_path / "course", roster=roster)
    assert submitted(tmp_path / "course") == {"ada": ["remittances.ipynb"],
                                              "grace": ["remittances.ipynb"]}
    without = tmp_path / "course2"
    collect_submissions("remittances", archive, course=without)
    assert sorted(submitted(without)) == ["1001", "1002"]


@pytest.mark.parametrize("entry,message", [
    ("../escape/remittances.ipynb", "'..'"),
    ("/etc/remittances.ipynb", "absolute path"),
    ("s001/../../remittances.ipynb", "'..'"),
])
def test_unsafe_archive_entries_are_refused(tmp_path: Path, entry: str, message: str) -> None:
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("s002/remittances.ipynb", NOTEBOOK)
        z.writestr(entry, NOTEBOOK)
    with pytest.raises(CollectError, match=message):
        collect_submissions("remittances", archive, course=tmp_path / "course")
    assert not (tmp_path / "course" / "submitted").exists()


def test_archive_with_symlink_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as z:
        info = zipfile.ZipInfo("s001/remittances.ipynb")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/work/gradebook.db")
    with pytest.raises(CollectError, match="symbolic link"):
        collect_submissions("remittances", archive, course=tmp_path / "course")
