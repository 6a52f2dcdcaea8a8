"""Every `academy` command documents itself, and the README's commands exist."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from academy.cli import main


def _commands(group: click.Group, prefix: str = "academy"):
    for name, command in group.commands.items():
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


def test_every_command_and_option_has_help_text():
    for name, command in _commands(main):
        assert command.help and len(command.help) > 15, f"{name} has no help text"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts[0]} has no help text"


def test_help_runs_for_every_command():
    runner = CliRunner()
    for name, _ in _commands(main):
        args = name.split()[1:] + ["--help"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (name, result.output)


def test_validate_reports_ok():
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_release_of_unknown_module_fails_with_the_known_ids(tmp_path):
    result = CliRunner().invoke(main, ["release", "nonexistent", "--course-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "remittances" in result.output


@pytest.mark.parametrize("command", [
    ["grade", "nonexistent"], ["feedback", "nonexistent"], ["report", "nonexistent"],
    ["rubric", "export", "nonexistent", "-o", "sheet.csv"], ["collect", "nonexistent", "."],
])
def test_every_command_names_an_unknown_module_plainly(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*command, "--course-dir", str(tmp_path / "course")])
    assert result.exit_code == 1, result.output
    assert "No module 'nonexistent' in the programme (known: working_with_data, remittances" \
        in result.output
    assert not isinstance(result.exception, KeyError)  # a message, not a traceback


def test_readme_shows_the_two_commands_and_the_makefile_has_them(repo_root):
    readme = (repo_root / "README.md").read_text()
    assert "make course" in readme and "make test" in readme
    makefile = (repo_root / "Makefile").read_text()
    for target in ("course", "test", "lab"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    assert "make test" in (repo_root / ".ci" / "run").read_text()


def test_plain_nbgrader_commands_work_on_the_repository(repo_root, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "ACADEMY_COURSE_DIR": str(tmp_path),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["nbgrader", "generate_assignment", "remittances", "--force"],
                            cwd=repo_root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "release" / "remittances" / "remittances.ipynb").is_file()
    assert (tmp_path / "gradebook.db").is_file()


@pytest.mark.parametrize("command", [
    ["rubric", "export", "remittances", "-o", "sheet.csv"], ["feedback", "remittances"],
    ["report", "remittances"],
])
def test_commands_that_need_grades_say_so_when_there_are_none(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*command, "--course-dir", str(tmp_path / "course")])
    assert result.exit_code == 1, result.output
    assert "No graded submissions of 'remittances'" in result.output
    assert "academy grade remittances" in result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback


def test_rubric_export_to_an_unwritable_path_says_so(tmp_path, repo_root):
    from academy.grading.layout import grading_layout
    from academy.grading.results import SubmissionResult, save_result

    layout = grading_layout(repo_root, tmp_path / "course")
    save_result(layout, SubmissionResult(student="ada", module="remittances", key="k"))
    target = tmp_path / "no such folder" / "sheet.csv"
    result = CliRunner().invoke(main, ["rubric", "export", "remittances", "-o", str(target),
                                       "--course-dir", str(tmp_path / "course")])
    assert result.exit_code == 1, result.output
    assert f"Cannot write {target}" in result.output
    assert isinstance(result.exception, SystemExit)


def test_every_error_class_derives_from_the_one_base_error():
    import importlib
    import pkgutil

    import academy
    from academy.errors import AcademyError

    errors = []
    for info in pkgutil.walk_packages(academy.__path__, "academy."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Exception)
                    and value.__module__ == info.name):
                errors.append(value)
    assert len(errors) >= 21
    strays = [f"{e.__module__}.{e.__qualname__}" for e in errors if not issubclass(e, AcademyError)]
    assert sorted(set(strays)) == []


def test_course_dir_option_is_declared_once(repo_root):
    source = (repo_root / "src" / "academy" / "cli.py").read_text()
    assert source.count('"--course-dir"') == 1


def test_grading_options_default_to_the_grading_function():
    from academy.grading.autograde import grade_module

    grade = main.commands["grade"]
    defaults = grade_module.__kwdefaults__
    ctx = click.Context(grade)
    for param in grade.params:
        if param.name in ("jobs", "timeout", "memory_mb", "sandbox"):
            assert param.get_default(ctx) == defaults[param.name], param.name


def test_grade_exits_non_zero_when_a_submission_is_left_ungraded(monkeypatch, tmp_path):
    from academy.grading import autograde

    def grade_with_one_failure(module, **_):
        return autograde.GradeSummary(module=module, graded=["ada"],
                                      failed=["kofi: OSError: the grader could not start"])

    grade_with_one_failure.__kwdefaults__ = autograde.grade_module.__kwdefaults__
    monkeypatch.setattr(autograde, "grade_module", grade_with_one_failure)
    result = CliRunner().invoke(main, ["grade", "remittances", "--course-dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "1 submissions NOT graded" in result.output
    assert "kofi: OSError" in result.output
