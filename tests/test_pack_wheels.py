"""`academy pack --wheels`: the pack carries every package the course needs and installs in a
classroom with no network at all (checked in a network namespace without any interface up)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from types import SimpleNamespace

import pytest

from academy.pack import PackError, copy_toolkit_and_data, course_requirements, download_wheels
from conftest import REPO


def test_wheels_for_another_computer_ask_pip_for_its_platform(tmp_path):
    seen: list[list[str]] = []

    def fake_pip(command, **kwargs):
        seen.append(command)
        return SimpleNamespace(returncode=0, stderr="")

    folder = download_wheels(REPO, tmp_path, "windows", run=fake_pip)
    command = seen[0]
    assert command[command.index("--platform") + 1] == "win_amd64"
    assert "--only-binary=:all:" in command and "3.11" in command
    assert "pandas" in " ".join(command) and "setuptools>=69" in command
    assert "windows" in (folder / "PLATFORM.txt").read_text()


def test_an_unknown_platform_or_a_failed_download_is_a_plain_error(tmp_path):
    with pytest.raises(PackError, match="unknown platform 'amiga'"):
        download_wheels(REPO, tmp_path, "amiga")

    def offline_pip(command, **kwargs):
        return SimpleNamespace(returncode=1, stderr="ERROR: Could not find a version")

    with pytest.raises(PackError, match="is this computer online"):
        download_wheels(REPO, tmp_path, None, run=offline_pip)


def test_requirements_are_the_toolkits_dependencies():
    requirements = course_requirements(REPO)
    assert any(r.startswith("nbgrader") for r in requirements)
    assert not any(r.startswith("pytest") for r in requirements)


def _netns_available() -> str | None:
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return "needs root and iproute2's `ip netns` (apt-get install iproute2; run as root)"
    return None


@pytest.mark.slow
@pytest.mark.skipif(_netns_available() is not None, reason=str(_netns_available()))
def test_a_pack_with_wheels_installs_with_no_network(tmp_path):
    tree = tmp_path / "global-classroom"
    tree.mkdir()
    copy_toolkit_and_data(REPO, tree)
    download_wheels(REPO, tree)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    namespace = f"academy-offline-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", namespace], check=True)
    try:
        links = subprocess.run(["ip", "netns", "exec", namespace, "ip", "-o", "link"],
                               capture_output=True, text=True, check=True).stdout
        assert "state UP" not in links  # no way out of this namespace
        install = subprocess.run(
            ["ip", "netns", "exec", namespace, str(venv / "bin" / "pip"), "install", "--quiet",
             "--no-index", "--find-links", str(tree / "wheels"), "-e", str(tree)],
            capture_output=True, text=True)
        assert install.returncode == 0, install.stderr[-3000:]
        check = subprocess.run(
            ["ip", "netns", "exec", namespace, str(venv / "bin" / "python"), "-c",
             "import academy.checks, academy.data, pandas, nbgrader, jupyterlab, ipywidgets;"
             "print(academy.data.load('rpw_global_averages').shape[0] > 0)"],
            capture_output=True, text=True, cwd=tree)
        assert check.stdout.strip() == "True", check.stderr[-2000:]
    finally:
        subprocess.run(["ip", "netns", "delete", namespace], check=False)
    size = sum(p.stat().st_size for p in (tree / "wheels").iterdir())
    print(f"\nwheels for this computer: {size / 1024 / 1024:.0f} MB")


def test_pack_command_passes_the_wheels_choice_to_the_pack(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import academy.pack
    from academy.cli import main

    asked: list[str | None] = []

    def fake_build_pack(**kwargs):
        asked.append(kwargs["wheels"])
        raise PackError("stopped here")

    monkeypatch.setattr(academy.pack, "build_pack", fake_build_pack)
    for options, expected in ((["--wheels"], "here"), (["--wheels-for", "windows"], "windows"),
                              ([], None)):
        result = CliRunner().invoke(main, ["pack", "--no-build", *options])
        assert result.exit_code == 1 and "stopped here" in result.output, result.output
        assert asked[-1] == expected
    both = CliRunner().invoke(main, ["pack", "--wheels", "--wheels-for", "macos-arm64"])
    assert both.exit_code == 1 and "not both" in both.output
