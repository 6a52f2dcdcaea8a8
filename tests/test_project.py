"""Project hygiene: lint, types, and one list of dependencies."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

BIN = Path(sys.executable).parent


def test_ruff_finds_nothing(repo_root):
    result = subprocess.run([str(BIN / "ruff"), "check", "src", "tests", "benchmarks"],
                            cwd=repo_root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes_on_src(repo_root):
    result = subprocess.run([str(BIN / "mypy")], cwd=repo_root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_has_the_same_dependencies_as_pyproject(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    environment = yaml.safe_load((repo_root / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    from_env = {_name(r): r for r in pip if not r.startswith("-e")}
    from_project = {_name(r): r for r in project["dependencies"]}
    assert from_env == from_project


def test_no_vendored_packages_are_tracked(repo_root):
    tracked = subprocess.run(["git", "ls-files"], cwd=repo_root, capture_output=True,
                             text=True, check=True).stdout.splitlines()
    vendored = [path for path in tracked if "node_modules/" in path or "site-packages/" in path]
    assert vendored == []


def test_package_data_names_only_existing_folders(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())
    package = repo_root / "src" / "academy"
    for pattern in project["tool"]["setuptools"]["package-data"]["academy"]:
        assert list(package.glob(pattern)), f"package-data '{pattern}' matches no file"


def test_import_contracts_hold(repo_root):
    """The layering rules in pyproject.toml ([tool.importlinter]), checked by import-linter."""
    result = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=repo_root,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_every_module_is_bound_by_the_import_contracts(repo_root):
    import pkgutil

    import academy

    contracts = tomllib.loads((repo_root / "pyproject.toml").read_text())["tool"]["importlinter"]
    no_cli = next(c for c in contracts["contracts"] if c["name"] == "Nothing imports the CLI")
    top_level = {f"academy.{info.name}" for info in pkgutil.iter_modules(academy.__path__)}
    assert top_level - {"academy.cli"} == set(no_cli["source_modules"])


def test_xdist_groups_keep_each_group_on_one_worker(tmp_path):
    """The suite relies on `xdist_group` marks (one worker builds each book, hub, round trip);
    a pytest/xdist pair that ignores them splits a group silently (seen with pytest 9.2)."""
    import subprocess
    import sys

    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_group.py").write_text(
        "import os, pytest\n"
        "pytestmark = pytest.mark.xdist_group('one')\n"
        "@pytest.mark.parametrize('i', range(6))\n"
        "def test_worker(i):\n"
        f"    with open({str(tmp_path / 'workers.txt')!r}, 'a') as f:\n"
        "        f.write(os.environ['PYTEST_XDIST_WORKER'] + '\\n')\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-n", "2", "--dist", "loadgroup", "test_group.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    workers = (tmp_path / "workers.txt").read_text().split()
    assert len(workers) == 6 and len(set(workers)) == 1, workers
