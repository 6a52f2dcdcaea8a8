"""`academy collect` and `academy export` on LMS files: plain messages, never a traceback."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from academy.cli import main
from academy.grading.export import FORMATS

FIXTURES = Path(__file__).parent / "fixtures" / "lms"


def test_collect_lists_what_was_not_imported(tmp_path: Path) -> None:
    archive = tmp_path / "moodle.zip"
    notebook = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("李 小龙_7310423_assignsubmission_file_/remittances.ipynb", notebook)
        z.writestr("Participant_1_assignsubmission_file_/remittances.ipynb", notebook)
    result = CliRunner().invoke(main, ["collect", "remittances", str(archive), "--roster",
                                       str(FIXTURES / "roster_moodle.csv"), "--course-dir",
                                       str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "li: remittances.ipynb" in result.output
    assert "NOT imported Participant_1_" in result.output and "blind marking" in result.output
    assert "collected 1 submissions of remittances; 1 files NOT imported" in result.output


def test_export_of_a_non_utf8_template_is_one_plain_message(tmp_path: Path) -> None:
    template = tmp_path / "excel.csv"
    template.write_bytes("Student,ID,SIS User ID,SIS Login ID,Section,Remittances (1)\n"
                         "\"Núñez, José\",1001,,,,\n".encode("cp1252"))
    result = CliRunner().invoke(main, ["export", "--format", "canvas", "--template",
                                       str(template), "--course-dir", str(tmp_path / "c")])
    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_export_formats_come_from_the_registry(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--help"])
    for name, fmt in FORMATS.items():
        assert f"{name}: " in " ".join(result.output.split())
        assert fmt.description.split()[0] in result.output
    unknown = CliRunner().invoke(main, ["export", "--format", "xlsx", "--course-dir",
                                        str(tmp_path / "c")])
    assert unknown.exit_code == 1
    assert f"format must be one of {', '.join(FORMATS)}" in unknown.output
    bad_max = CliRunner().invoke(main, ["export", "--format", "moodle", "--max", "abc",
                                        "--course-dir", str(tmp_path / "c")])
    assert bad_max.exit_code == 1 and "--max abc: give a positive number" in bad_max.output
