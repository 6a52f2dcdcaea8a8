"""Fast checks of the grading steps: test-cell rewrite, scoring, sandbox policy, CLI help."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from academy.grading import sandbox
from academy.grading.kernel import OK, CellRun
from academy.grading.transform import CheckCellError, parse_checks, rewrite_test_cell

CELL = '''from academy.checks import Exercise, attempt
q1 = Exercise("q1", points=3)
q1.self_check("example", f(2), 4.0, tol=1e-6, hint="f(2) is 4")
### BEGIN HIDDEN TESTS
q1.check("secret", f(3), 9.123, weight=2)
### END HIDDEN TESTS
q1.score()
'''


def test_rewrite_keeps_expected_values_out_of_the_kernel() -> None:
    rewritten = rewrite_test_cell(CELL)
    assert "9.123" not in rewritten and "4.0" not in rewritten
    assert "f(2) is 4" not in rewritten and "score()" not in rewritten
    assert "q1.observe('secret', f(3), visible=False)" in rewritten
    reference = rewrite_test_cell(CELL, reference=True)
    assert "q1.observe('secret', 9.123, visible=False, role='expected')" in reference


def test_check_options_are_read_from_the_syntax_tree() -> None:
    specs = parse_checks(CELL)
    assert [(s.label, s.visible, s.tol, s.weight) for s in specs] == [
        ("example", True, 1e-6, 1.0), ("secret", False, 1e-9, 2.0)]
    assert specs[0].hint == "f(2) is 4"
    with pytest.raises(CheckCellError, match="tol must be a literal"):
        parse_checks('q.check("x", a, 1, tol=eps)')


def test_score_matches_the_in_kernel_formula() -> None:
    from academy.grading.scoring import GradedCell, score_exercise

    test = GradedCell("nb", "q1", 3.0, tuple(parse_checks(CELL)), "")

    def run(example: object, secret: object) -> CellRun:
        return CellRun(status=OK, observations=[
            {"label": "example", "visible": True, "value": example},
            {"label": "secret", "visible": False, "value": secret}])

    expected = {("example", 0): 4.0, ("secret", 0): 9.123}
    assert score_exercise(test, run(4.0, 9.123), expected).score == 3
    assert score_exercise(test, run(4.0, 1.0), expected).score == 1
    failed = score_exercise(test, run(5.0, 9.123), expected)
    assert failed.score == 0 and "f(2) is 4" in failed.reason
    forged = CellRun(status="error", ename="NameError", evalue="x", observations=[
        {"label": "example", "visible": True, "value": 4.0}])
    assert score_exercise(test, forged, expected).score == 0


def test_sandbox_on_refuses_without_bubblewrap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "bubblewrap_works", lambda: False)
    with pytest.raises(sandbox.SandboxUnavailableError, match="apt-get install bubblewrap"):
        sandbox.resolve_policy("on", sandbox.Limits(), readonly=[], env={})
    with pytest.warns(UserWarning, match="WITHOUT a sandbox"):
        policy = sandbox.resolve_policy("auto", sandbox.Limits(), readonly=[], env={})
    assert not policy.bubblewrap


def test_grading_commands_have_help_and_the_functions_defaults() -> None:
    from academy.cli import main
    from academy.grading.autograde import grade_module

    runner = CliRunner()
    for command in (["collect"], ["grade"], ["rubric"], ["rubric", "export"],
                    ["rubric", "import"], ["feedback"], ["export"], ["report"]):
        result = runner.invoke(main, [*command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Show this message" in result.output
    grade = main.commands["grade"]
    context = click.Context(grade)
    options = {p.name: p.get_default(context) for p in grade.params}
    defaults = grade_module.__kwdefaults__ or {}
    for name in ("jobs", "timeout", "sandbox"):
        assert options[name] == defaults[name]
    assert options["memory_mb"] == defaults["memory_mb"]


@pytest.mark.skipif(not sandbox.orphan_guard(1), reason="needs setpriv (util-linux): "
                    "apt-get install util-linux")
def test_a_command_whose_grader_died_before_the_guard_does_not_start(tmp_path) -> None:
    """The race a kill -9 can win: the grader dies after forking the kernel's launcher but before
    setpriv sets the parent-death signal. The guard's parent check then stops the launch."""
    import os
    import subprocess

    started = tmp_path / "started"
    ours = subprocess.run([*sandbox.orphan_guard(os.getpid()), "touch", str(started)])
    assert ours.returncode == 0 and started.exists()
    started.unlink()
    # A parent other than the grader named in the guard: what the launcher sees once orphaned.
    orphaned = subprocess.run([*sandbox.orphan_guard(os.getpid() + 1), "touch", str(started)])
    assert orphaned.returncode == sandbox.ORPHANED_EXIT and not started.exists()
