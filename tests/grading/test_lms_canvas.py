"""Canvas, both ways: the submissions zip in, the gradebook CSV out (filled, as Canvas wrote it).

Formats, from Canvas's source (github.com/instructure/canvas-lms):

- ``lib/content_zipper.rb``, ``get_filename``: ``id = @assignment.anonymize_students? ?
  "anon_#{submission.anonymous_id}" : submission.user_id`` and ``[users_name,
  submission.late? ? "LATE" : nil, id].compact.join("_")`` then ``sanitize_file_name``:
  ``filename.gsub(/[^[[:word:]]]/, "")`` (letters of every script stay); ``get_user_name``:
  ``students[submission.user_id].sortable_name`` and ``sanitize_user_name`` ends with
  ``user_name.downcase``; ``add_upload_submission``: ``"#{filename}_#{file.id}_#{...}"``.
  Group assignments zip ``assignment.representatives(...)``: one member per group. Older
  versions (commit a72b23a) down-cased the whole name, ``late`` included, and left anonymous
  submissions without a name.
- ``lib/gradebook_importer.rb``: ``row_has_student_headers?`` accepts ``Student,ID`` or
  ``LastName,FirstName,ID``; ``identify_delimiter`` picks ``;`` or ``,`` from the first lines;
  ``CSV::Converters[:decimal_comma_to_period]`` reads decimal commas; ``check_for_non_student_row``
  skips ``Points Possible`` and ``Muted``/``Manual Posting`` rows; ``process_pp`` reads each
  assignment's points possible; ``readonly_assignment?`` skips ``read only`` columns;
  ``no_change_to_value?`` compares ``EX`` (excused), and the exporter rounds to 2 decimals.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from academy.grading.collect import collect_submissions, read_roster
from academy.grading.export import ExportError, ExportRequest, GradeRow, write_canvas

FIXTURES = Path(__file__).parent / "fixtures" / "lms"
ROSTER = FIXTURES / "roster_canvas.csv"
TITLES = {"remittances": "Remittances and financial inclusion"}


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
def test_canvas_names_keep_letters_of_every_script(tmp_path: Path) -> None:
    """``sanitize_file_name`` keeps ``[[:word:]]``: ``núñezjosé``, ``петровиван``, ``李小龙``."""
    archive = make_zip(tmp_path / "submissions.zip", {
        "núñezjosé_1001_88001_remittances.ipynb": notebook("jose"),
        "петровиван_LATE_1002_88002_remittances-1.ipynb": notebook("ivan"),
        "李小龙_1003_88003_remittances.ipynb": notebook("li"),
        "عليمحمد_late_1004_88004_remittances.ipynb": notebook("ali")})  # older: "late"
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=ROSTER)
    assert owners(tmp_path / "c") == {"jose": "jose", "ivan": "ivan", "li": "li", "ali": "ali"}
    assert not summary.unmatched and not summary.ambiguous


def test_canvas_names_match_the_roster_without_user_ids(tmp_path: Path) -> None:
    """``get_user_name``: the sortable name, down-cased and squashed, matches the roster's
    "First Last" name in any word order; user ids the roster does not know do not matter."""
    archive = make_zip(tmp_path / "submissions.zip", {
        "núñezjosé_2001_88001_remittances.ipynb": notebook("jose"),
        "李小龙_2003_88003_remittances.ipynb": notebook("li")})
    roster = tmp_path / "names.csv"
    roster.write_text("student_id,name\njose,José Núñez\nli,李 小龙\nivan,Иван Петров\n",
                      encoding="utf-8")
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=roster)
    assert owners(tmp_path / "c") == {"jose": "jose", "li": "li"}
    assert summary.notes[-1] == "no submission from 1 roster learners: ivan"


def test_canvas_anonymous_submissions_need_the_anonymous_id(tmp_path: Path) -> None:
    """``"anon_#{submission.anonymous_id}"`` replaces name and user id."""
    archive = make_zip(tmp_path / "submissions.zip", {
        "anon_Xk3pQ_88001_remittances.ipynb": notebook("jose"),
        "LATE_anon_Q9zzA_88003_remittances.ipynb": notebook("li"),
        "anon_zzzzz_88009_remittances.ipynb": notebook("who")})
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=ROSTER)
    assert owners(tmp_path / "c") == {"jose": "jose", "li": "li"}
    assert summary.unmatched == [
        "NOT imported anon_zzzzz_88009_remittances.ipynb: anonymous submission 'anon_zzzzz' "
        "(Canvas anonymous grading): no roster row has this anonymous_id"]


def test_canvas_group_submission_is_copied_to_every_member(tmp_path: Path) -> None:
    """Group assignments arrive under one representative (``assignment.representatives``)."""
    archive = make_zip(tmp_path / "submissions.zip", {
        "петровиван_1002_88002_remittances.ipynb": notebook("sur"),
        "李小龙_1003_88003_remittances.ipynb": notebook("east")})
    collect_submissions("remittances", archive, course=tmp_path / "c", roster=ROSTER,
                        groups=True)
    assert owners(tmp_path / "c") == {"jose": "sur", "ivan": "sur", "li": "east", "ali": "east"}
    collect_submissions("remittances", archive, course=tmp_path / "d", roster=ROSTER)
    assert owners(tmp_path / "d") == {"ivan": "sur", "li": "east"}  # no --groups: no copies


def test_group_members_with_different_files_are_refused(tmp_path: Path) -> None:
    """Two members of one group each with a file (not how ``representatives`` zips a group
    assignment): which is the group's is not guessed."""
    archive = make_zip(tmp_path / "submissions.zip", {
        "петровиван_1002_88002_remittances.ipynb": notebook("ivan"),
        "núñezjosé_1001_88001_remittances.ipynb": notebook("jose")})
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=ROSTER,
                                  groups=True)
    assert owners(tmp_path / "c") == {}
    assert "different files from" in summary.ambiguous[0]


# -- export -------------------------------------------------------------------------------------
def rows(**scores: float) -> list[GradeRow]:
    return [GradeRow(s, "remittances", v, 28.0, v, 0.0, False) for s, v in scores.items()]


def request(template: Path, **scores: float) -> ExportRequest:
    return ExportRequest(rows(**scores), TITLES, read_roster(ROSTER), template)


def parsed(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_canvas_export_scales_to_points_possible_and_keeps_every_other_cell() -> None:
    """``process_pp``: the column's Points Possible (20) is the maximum; 28 points -> 20."""
    template = FIXTURES / "canvas_gradebook.csv"
    result = write_canvas(request(template, jose=21, li=0.0000001, ali=28))
    before, after = parsed(template.read_text()), parsed(result.text)
    assert [line[5] for line in after[2:]] == ["15", "EX", "0", "20", ""]
    for old, new in zip(before, after, strict=True):
        assert old[:5] == new[:5] and old[6:] == new[6:]
    assert "scaled from 28 points to 20 points possible, rounded half up to 2 decimals" \
        in result.notes[0]
    assert "li (李 小龙): Remittances and financial inclusion 0 of 20 (was 12.00)" \
        in result.written


def test_canvas_export_keeps_excused_and_reports_it() -> None:
    """``EX`` must survive: overwriting it would un-excuse the learner."""
    result = write_canvas(request(FIXTURES / "canvas_gradebook.csv", ivan=14))
    assert parsed(result.text)[3][5] == "EX"
    assert result.skipped == ["ivan (Иван Петров): Remittances and financial inclusion is "
                              "excused (EX) in Canvas; kept"]


def test_canvas_export_reports_learners_missing_from_the_template(tmp_path: Path) -> None:
    """``process_student`` only knows rows in the file: a learner without one gets nothing in
    Canvas, so the summary says so."""
    people = read_roster(ROSTER)
    people["new"] = {"student_id": "new", "name": "Late Enrolment", "lms_id": "1200"}
    req = ExportRequest(rows(jose=14, new=7), TITLES, people, FIXTURES / "canvas_gradebook.csv")
    result = write_canvas(req)
    assert result.skipped == ["new (Late Enrolment): not in the Canvas gradebook export "
                              "(enrolled later, or no matching ID/SIS id in the roster)"]


def test_canvas_semicolon_gradebook_keeps_delimiter_decimal_comma_bom_and_crlf() -> None:
    """``identify_delimiter``: Canvas exports ``;`` for comma-decimal locales and reads it."""
    template = FIXTURES / "canvas_gradebook_semicolon.csv"
    result = write_canvas(request(template, jose=20.666667))
    assert result.encoding == "utf-8-sig"
    assert "\r\n" in result.text and result.text.count("\r\n") == 7
    lines = parsed(result.text, ";")
    assert lines[0][0] == "Student"
    assert lines[2][5] == "14,76" and lines[2][6] == "7,00"


def test_canvas_last_name_first_name_gradebook() -> None:
    """``row_has_student_headers?``: ``LastName,FirstName,ID``: the Canvas ID is column 3."""
    result = write_canvas(request(FIXTURES / "canvas_gradebook_lastfirst.csv", li=14, ali=7))
    lines = parsed(result.text)
    assert lines[0][:3] == ["LastName", "FirstName", "ID"]
    assert {line[1]: line[6] for line in lines[2:]} == {
        "José": "", "Иван": "EX", "小龙": "10", "محمد": "5", "Test": ""}


def test_non_utf8_template_is_a_clear_error(tmp_path: Path) -> None:
    """A template re-saved by a spreadsheet as Windows-1252 gives a message, not a traceback."""
    template = tmp_path / "excel.csv"
    text = (FIXTURES / "canvas_gradebook.csv").read_text(encoding="utf-8")
    latin = "\n".join(line for line in text.splitlines() if line.isascii() or "Núñez" in line)
    template.write_bytes(latin.encode("cp1252"))
    with pytest.raises(ExportError, match=r"not UTF-8 text \(byte 0xfa .*CSV UTF-8"):
        write_canvas(request(template, jose=14))
    utf16 = tmp_path / "unicode.txt"
    utf16.write_bytes(text.encode("utf-16"))
    with pytest.raises(ExportError, match="UTF-16"):
        write_canvas(request(utf16, jose=14))


def test_canvas_read_only_column_and_missing_points_are_refused(tmp_path: Path) -> None:
    """``readonly_assignment?``: ``@pp_row[...] =~ /read\\s+only/``; ``process_pp`` needs the
    points possible to scale to."""
    text = (FIXTURES / "canvas_gradebook.csv").read_text(encoding="utf-8")
    template = tmp_path / "readonly.csv"
    template.write_text(text.replace(",20.00,", ",(read only),"), encoding="utf-8")
    with pytest.raises(ExportError, match="is read only"):
        write_canvas(request(template, jose=14))
    template.write_text(text.replace(",20.00,", ",,"), encoding="utf-8")
    with pytest.raises(ExportError, match="no Points Possible.*--max remittances="):
        write_canvas(request(template, jose=14))
    req = request(template, jose=14)
    req.maximum = {"remittances": 100}
    assert parsed(write_canvas(req).text)[2][5] == "50"


def test_canvas_template_that_is_not_a_gradebook_is_refused(tmp_path: Path) -> None:
    """``row_has_student_headers?`` would raise ``InvalidHeaderRow`` on this file."""
    template = tmp_path / "other.csv"
    template.write_text("Name,Score\nAda,3\n", encoding="utf-8")
    with pytest.raises(ExportError, match="not a Canvas gradebook export"):
        write_canvas(request(template, jose=14))
