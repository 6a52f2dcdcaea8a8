"""Feedback, class report, rubric sheet and LMS exports of the graded scenario class."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import MODULE, ROOT, SOURCE

# one worker builds the session fixture for every test of the group (pytest-xdist)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("graded-class")]


def hidden_test_lines() -> list[str]:
    """Return the code lines between the hidden-test markers of the source notebook."""
    lines: list[str] = []
    for cell in json.loads(SOURCE.read_text())["cells"]:
        inside = False
        for line in "".join(cell["source"]).splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
    assert lines
    return lines


def hidden_fragments() -> list[str]:
    """Distinctive pieces of hidden test code: the calls and their arguments."""
    out = ["BEGIN HIDDEN TESTS", "q1.check(", ".check("]
    for line in hidden_test_lines():
        out.append(line)
        match = re.search(r"\.check\((.*)", line)
        if match:
            out.append(match.group(1)[:40])
    return out


def assert_no_hidden_code(text: str) -> None:
    from html import unescape

    plain = unescape(text)
    for fragment in hidden_fragments():
        assert fragment not in plain, fragment


def test_feedback_pages_show_scores_and_no_hidden_test_code(graded_class: dict[str, Any]) -> None:
    from academy.grading.feedback import write_feedback

    course = graded_class["course"]
    pages = write_feedback(MODULE, course=course)
    assert len(pages) == len(graded_class["students"])
    for page in pages:
        assert_no_hidden_code(page.read_text())
    partly = (course / "feedback" / "partly_correct" / MODULE / f"{MODULE}-feedback.html")
    text = partly.read_text()
    assert "Exercise 1 — The cost of one transfer" in text and "0 / 3" in text
    assert "total-cost-tests" not in text  # exercises are named as the learner saw them
    assert "should be 6.5" in text  # the failing self-check's message
    loop = (course / "feedback" / "infinite_loop_in_q2" / MODULE / f"{MODULE}-feedback.html")
    assert "timed out" in loop.read_text()


def test_report_has_figures_stats_and_attention_list(graded_class: dict[str, Any]) -> None:
    from academy.grading.report import write_report

    page = write_report(MODULE, course=graded_class["course"])
    text = page.read_text()
    assert text.count("data:image/png;base64,") >= 2
    assert "Score distribution" in text and "Discrimination" in text
    for student in ("kernel_dies_after_q2", "invalid_json", "missing_notebook",
                    "test_cell_edited_to_pass", "loop_ignores_interrupt_in_q2"):
        assert student in text
    assert "Most common failing self-checks" in text
    assert "<td>Exercise 1 — The cost of one transfer</td>" in text
    assert_no_hidden_code(text)


def test_rubric_sheet_round_trip_writes_manual_scores(graded_class: dict[str, Any],
                                                      tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    from academy.grading.rubric import (
        RubricSheetError,
        export_rubric_sheet,
        import_rubric_sheet,
    )

    course = graded_class["course"]
    rows = list(csv.DictReader(io.StringIO(export_rubric_sheet(MODULE, course=course))))
    criteria = [c for c in rows[0] if c.endswith("(0/1/2)")]
    assert len(criteria) == 4
    row = next(r for r in rows if r["student_id"] == "correct")
    for i, column in enumerate(criteria):
        row[column] = str(i % 3)
    row["comment"] = "Clear measures; add a source for the 6.36% figure."
    sheet = tmp_path / "sheet.csv"
    with sheet.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(row)
    outcome = import_rubric_sheet(MODULE, sheet, course=course)
    assert outcome.scores == {("correct", "reflection"): 0 + 1 + 2 + 0}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade("reflection", MODULE, MODULE, "correct")
        assert grade.manual_score == 3
        comment = gb.find_comment("reflection", MODULE, MODULE, "correct")
        assert comment.manual_comment.startswith("Clear measures")
    row[criteria[0]] = "5"
    with sheet.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(row)
    with pytest.raises(RubricSheetError, match="row 2, column 'Use of evidence"):
        import_rubric_sheet(MODULE, sheet, course=course)


def test_csv_export_has_one_row_per_student(graded_class: dict[str, Any]) -> None:
    from academy.grading.export import export_grades

    rows = list(csv.DictReader(io.StringIO(export_grades(fmt="csv",
                                                         course=graded_class["course"]))))
    assert {"student_id", "module", "score", "max_score"} <= set(rows[0])
    assert sorted(r["student_id"] for r in rows) == sorted(graded_class["students"])
    correct = next(r for r in rows if r["student_id"] == "correct")
    assert float(correct["max_score"]) == MODULE_MAX  # autograded + the reflection


MODULE_MAX = sum(yaml.safe_load((ROOT / "modules" / "remittances" / "module.yml").read_text())[
    "points"].values())  # autograded + the reflection: the Canvas item is out of the same total


def total(course: Path, student: str) -> str:
    from academy.grading.export import fixed, gradebook_rows

    return fixed(next(r.score for r in gradebook_rows(course=course) if r.student_id == student))


def test_moodle_export_matches_grade_import_format(graded_class: dict[str, Any],
                                                   tmp_path: Path) -> None:
    from academy.grading.export import ExportError, export

    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,email\ncorrect,correct@uni.example\n")
    with pytest.raises(ExportError, match="none in the roster.*wrong"):
        export("moodle", course=graded_class["course"], roster=roster,
               moodle_identifier="email")
    result = export("moodle", course=graded_class["course"], roster=roster,
                    moodle_identifier="email", leave_out_unknown=True)
    rows = list(csv.reader(io.StringIO(result.text)))
    assert rows == [["Email address", "Remittances and financial inclusion"],
                    ["correct@uni.example", total(graded_class["course"], "correct")]]
    assert "wrong: no Email address in the roster" in result.skipped
    with pytest.raises(ExportError, match="ID number"):  # never our own ids
        export("moodle", course=graded_class["course"])


def test_canvas_export_fills_the_template_by_sis_id(graded_class: dict[str, Any],
                                                    tmp_path: Path) -> None:
    from academy.grading.export import CANVAS_FIXED, export_grades

    template = tmp_path / "canvas.csv"
    header = [*CANVAS_FIXED, "Remittances and financial inclusion (5501)",
              "Another assignment (5502)", "Current Score", "Final Score"]
    with template.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(["    Points Possible", "", "", "", "", f"{MODULE_MAX:g}", "10",
                         "(read only)", "(read only)"])
        writer.writerow(["Lovelace, Ada", "1001", "s-correct", "ada@uni.example", "A",
                         "", "7", "", ""])
        writer.writerow(["Hopper, Grace", "1002", "S-0042", "grace@uni.example", "A", "", "",
                         "", ""])
        writer.writerow(["Student, Test", "1003", "", "", "A", "", "", "", ""])
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,sis_id\ncorrect,s-correct\npartly_correct,S-0042\n")
    text = export_grades(fmt="canvas", course=graded_class["course"], template=template,
                         roster=roster)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == header and rows[1][0].strip() == "Points Possible"
    assert rows[2][5] == total(graded_class["course"], "correct") and rows[2][6] == "7"
    assert rows[3][5] == total(graded_class["course"], "partly_correct")
    assert rows[4][5] == ""
