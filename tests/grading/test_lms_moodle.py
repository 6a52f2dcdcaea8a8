"""Moodle, both ways: "Download all submissions" zips in, "Import grades (CSV)" files out.

Formats, from Moodle's source (github.com/moodle/moodle):

- ``mod/assign/classes/downloader.php`` (Moodle 4.1+, commit da54552), ``get_student_prefix``:
  ``$prefix = str_replace('_', ' ', $fullname);`` then
  ``clean_filename($prefix . '_' . $manager->get_uniqueid_for_user($student->id))``; with blind
  marking ``$fullname = get_string('participant', 'mod_assign')``; for team submissions
  ``clean_filename($prefix . $groupinfo)`` with ``$groupinfo = '_' . $submissiongroup->id``.
  ``load_submissionplugin_filelist``: ``$prefix . '_' . $subtype . '_' . $type`` as a folder
  (``downloadasfolders``) or, without folders, ``... . '_' . $zipfilename``.
- ``mod/assign/locallib.php`` before 4.1, ``download_submissions``: ``$groupname =
  $submissiongroup->name . '-'`` and ``$prefix = str_replace('_', ' ', $groupname .
  fullname($student))``: one folder per member, prefixed with the group's name.
- ``grade/import/csv/classes/load_data.php``: ``check_user_exists`` calls ``cleanup_import``
  (the whole import stops) for one unknown user; ``update_grade_item``: ``if ($value === '' or
  $value == '-') { $value = null; // No grade.``; ``insert_grade_record``: a grade above
  ``$gradepointmaximum`` (100 unless unlimited grades) stops the import.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from academy.grading.collect import collect_submissions
from academy.grading.export import ExportError, ExportRequest, GradeRow, write_moodle

FIXTURES = Path(__file__).parent / "fixtures" / "lms"
ROSTER = FIXTURES / "roster_moodle.csv"
TITLES = {"remittances": "Remittances and financial inclusion",
          "return_migration": "Return migration and sustainable reintegration"}


def notebook(owner: str) -> bytes:
    return json.dumps({"cells": [], "metadata": {"owner": owner}, "nbformat": 4,
                       "nbformat_minor": 5}).encode()


def owners(course: Path) -> dict[str, str]:
    base = course / "submitted"
    return {p.name: json.loads((p / "remittances" / "remittances.ipynb").read_text())
            ["metadata"]["owner"] for p in sorted(base.iterdir())} if base.is_dir() else {}


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, content in entries.items():
            z.writestr(name, content)
    return path


# -- collect ------------------------------------------------------------------------------------
def test_moodle_folders_with_names_in_four_scripts(tmp_path: Path) -> None:
    """downloader.php: ``<full name>_<participant id>_assignsubmission_file_/<file>``."""
    archive = make_zip(tmp_path / "moodle.zip", {
        "José Núñez_7310421_assignsubmission_file_/remittances.ipynb": notebook("jose"),
        "Иван Петров_7310422_assignsubmission_file_/remittances (1).ipynb": notebook("ivan"),
        "李 小龙_7310423_assignsubmission_file_/remittances.ipynb": notebook("li"),
        "محمد علي_7310424_assignsubmission_file_/remittances.ipynb": notebook("ali"),
        "محمد علي_7310424_assignsubmission_onlinetext_/onlinetext.html": b"<p>hi</p>"})
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=ROSTER)
    assert owners(tmp_path / "c") == {"jose": "jose", "ivan": "ivan", "li": "li", "ali": "ali"}
    assert not summary.unmatched and not summary.ambiguous


def test_moodle_flat_files_when_download_as_folders_is_off(tmp_path: Path) -> None:
    """downloader.php without folders: ``$prefix . '_' . $subtype . '_' . $type . '_' .
    $zipfilename``."""
    archive = make_zip(tmp_path / "moodle.zip", {
        "José Núñez_7310421_assignsubmission_file_remittances.ipynb": notebook("jose"),
        "李 小龙_7310423_assignsubmission_file_remittances.ipynb": notebook("li")})
    collect_submissions("remittances", archive, course=tmp_path / "c", roster=ROSTER)
    assert owners(tmp_path / "c") == {"jose": "jose", "li": "li"}


def test_moodle_group_prefix_before_4_1(tmp_path: Path) -> None:
    """locallib.php before 4.1: ``$groupname . fullname($student)`` with ``$groupname =
    $submissiongroup->name . '-'``: a dash inside the group name must not confuse the match."""
    archive = make_zip(tmp_path / "moodle.zip", {
        "Equipo Sur-José Núñez_7310421_assignsubmission_file_/remittances.ipynb":
            notebook("jose"),
        "東チーム-李 小龙_9999999_assignsubmission_file_/remittances.ipynb": notebook("li")})
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=ROSTER)
    assert owners(tmp_path / "c") == {"jose": "jose", "li": "li"}  # li by name (id unknown)
    assert not summary.unmatched


def test_moodle_team_folder_is_copied_to_every_member(tmp_path: Path) -> None:
    """downloader.php 4.1+: team submissions are one folder ``<group name>_<group id>``,
    sent once per group ("We already send that file (in group mode)")."""
    archive = make_zip(tmp_path / "moodle.zip", {
        "Equipo Sur_41_assignsubmission_file_/remittances.ipynb": notebook("sur"),
        "東チーム_42_assignsubmission_file_/remittances.ipynb": notebook("east")})
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=ROSTER,
                                  groups=True)
    assert owners(tmp_path / "c") == {"jose": "sur", "ivan": "sur", "li": "east", "ali": "east"}
    assert any("copied from Equipo Sur_41" in n for n in summary.notes)
    without = collect_submissions("remittances", archive, course=tmp_path / "d", roster=ROSTER)
    assert owners(tmp_path / "d") == {}  # without --groups a group is nobody: reported
    assert len(without.unmatched) == 2


def test_moodle_blind_marking_matches_participant_numbers_only(tmp_path: Path) -> None:
    """downloader.php: with blind marking ``$fullname = get_string('participant',
    'mod_assign')``: the participant number is the only clue."""
    archive = make_zip(tmp_path / "moodle.zip", {
        "Participant_7310422_assignsubmission_file_/remittances.ipynb": notebook("ivan"),
        "Participant_5550000_assignsubmission_file_/remittances.ipynb": notebook("who")})
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=ROSTER)
    assert owners(tmp_path / "c") == {"ivan": "ivan"}
    assert "blind marking" in summary.unmatched[0]


# -- export -------------------------------------------------------------------------------------
def row(student: str, score: float, module: str = "remittances", max_score: float = 28,
        pending: bool = False) -> GradeRow:
    return GradeRow(student, module, score, max_score, score, 0.0, pending)


def roster() -> dict[str, dict[str, str]]:
    from academy.grading.collect import read_roster

    return read_roster(ROSTER)


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_moodle_never_writes_an_identifier_moodle_does_not_know() -> None:
    """load_data.php ``check_user_exists``: one unknown user stops the whole import. ali has
    no ID number: the export is refused, naming him, instead of writing our own id."""
    request = ExportRequest([row("jose", 21), row("ali", 14)], TITLES, roster())
    with pytest.raises(ExportError, match=r"none in the roster \(column 'id_number'\): ali"):
        write_moodle(request)
    request.leave_out_unknown = True
    result = write_moodle(request)
    assert table(result.text) == [["ID number", TITLES["remittances"]], ["S-1001", "21"]]
    assert result.skipped == ["ali (محمد علي): no ID number in the roster"]
    no_roster = ExportRequest([row("jose", 21)], TITLES, {}, identifier="email")
    with pytest.raises(ExportError, match="jose"):
        write_moodle(no_roster)


def test_moodle_export_leaves_out_identifiers_missing_from_moodle(tmp_path: Path) -> None:
    """``check_user_exists`` aborts on an ID number Moodle lacks: with Moodle's own grade export
    as --template (fixture shaped as its CSV export), identifiers not in it are left out."""
    people = roster()
    people["ivan"]["id_number"] = "S-9999"
    request = ExportRequest([row("jose", 21), row("ivan", 7)], TITLES, people,
                            template=FIXTURES / "moodle_grade_export.csv")
    result = write_moodle(request)
    assert [r[0] for r in table(result.text)[1:]] == ["S-1001"]
    assert "'S-9999' is not in the Moodle grade export" in result.skipped[0]


def test_moodle_export_writes_no_empty_cell_that_would_erase_a_grade() -> None:
    """load_data.php ``update_grade_item``: ``''`` and ``'-'`` become "no grade", erasing what
    Moodle had. ivan has no return_migration grade: he is left out, not given an empty cell."""
    rows = [row("jose", 21), row("jose", 10, "return_migration", 20), row("ivan", 7)]
    result = write_moodle(ExportRequest(rows, TITLES, roster()))
    lines = table(result.text)
    assert lines == [["ID number", *TITLES.values()], ["S-1001", "21", "10"]]
    assert all(cell not in ("", "-") for line in lines for cell in line)
    assert "an empty cell would erase the grade" in result.skipped[0]
    alone = write_moodle(ExportRequest([r for r in rows if r.module == "remittances"], TITLES,
                                       roster()))
    assert table(alone.text)[1:] == [["S-1002", "7"], ["S-1001", "21"]]


def test_moodle_export_scales_to_the_grade_item_maximum_and_says_how() -> None:
    """A 28-point module into a 100-point grade item; rounding stated, never 1e-07."""
    rows = [row("jose", 20.666667), row("ivan", 0.0000001), row("li", 28)]
    result = write_moodle(ExportRequest(rows, TITLES, roster(), maximum={"remittances": 100}))
    assert {r[0]: r[1] for r in table(result.text)[1:]} == {
        "S-1001": "73.81", "S-1002": "0", "S-1003": "100"}
    assert "scaled from 28 points to the grade item's maximum 100, rounded half up to 2 " \
           "decimals" in result.notes[0]
    raw = write_moodle(ExportRequest(rows, TITLES, roster()))
    assert {r[0]: r[1] for r in table(raw.text)[1:]}["S-1001"] == "20.67"
    assert "the Moodle grade item's maximum must be 28" in raw.notes[0]


def test_moodle_export_by_email_uses_the_roster_column() -> None:
    """``map_user_data_with_value``: ``useremail`` maps the column to the user's ``email``."""
    result = write_moodle(ExportRequest([row("li", 14)], TITLES, roster(), identifier="email"))
    assert table(result.text) == [["Email address", TITLES["remittances"]],
                                  ["li.xiaolong@uni.example", "14"]]
