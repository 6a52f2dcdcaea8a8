"""`kill -9` during `academy grade`, then a re-run: the same grades as an uninterrupted run."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import MODULE, answered, released_notebook, solutions, wrong_answer

pytestmark = pytest.mark.slow


def _class(course: Path) -> list[str]:
    release = released_notebook(course)
    sol = solutions()
    notebooks = {
        "ana": answered(release, sol),
        "ben": answered(release, {**sol, "total-cost-answer": wrong_answer(
            "total-cost-answer", "ignores")}),
        "chloe": release,
        "dev": answered(release, {**sol, "flows-answer": wrong_answer("flows-answer",
                                                                      "inverts")}),
        "eli": answered(release, {**sol, "savings-answer": wrong_answer("savings-answer",
                                                                        "forgets")}),
    }
    for student, notebook in notebooks.items():
        folder = course / "submitted" / student / MODULE
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{MODULE}.ipynb").write_text(json.dumps(notebook))
    return sorted(notebooks)


def _academy(*args: str, course: Path) -> list[str]:
    return [str(Path(sys.executable).parent / "academy"), *args, "--course-dir", str(course)]


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat_file.parent.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _export(course: Path) -> list[dict[str, Any]]:
    out = subprocess.run(_academy("export", "--format", "csv", course=course), check=True,
                         capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(out)))


def _problems(course: Path) -> str:
    """Each stored result's problems, to explain a difference between two runs."""
    lines = [f"{course.name}:"]
    for path in sorted((course / "grading" / MODULE / "results").glob("*.json")):
        lines.append(f"  {path.stem}: {json.loads(path.read_text()).get('problems')}")
    return "\n".join(lines) + "\n"


def test_kill_9_then_rerun_gives_the_grades_of_an_uninterrupted_run(
        tmp_path: Path, sandbox_mode: str) -> None:
    killed = tmp_path / "killed"
    students = _class(killed)
    steady = tmp_path / "steady"
    shutil.copytree(killed, steady)
    grade = ["grade", MODULE, "--jobs", "2", "--timeout", "30", "--sandbox", sandbox_mode]

    log = tmp_path / "killed-grader.log"
    with log.open("wb") as out:
        process = subprocess.Popen(_academy(*grade, course=killed), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    results = killed / "grading" / MODULE / "results"
    deadline = time.monotonic() + 300
    kernels: list[int] = []
    while time.monotonic() < deadline and process.poll() is None:
        # kill mid-batch: at least one result stored and kernels still at work
        kernels = _descendants(process.pid)
        if list(results.glob("*.json")) and kernels:
            break
        time.sleep(0.2)
    assert process.poll() is None, f"the grader ended before the kill:\n{log.read_text()}"
    assert kernels, "kernels should be running when the grader is killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in kernels):
        time.sleep(0.2)
    assert not [p for p in kernels if _alive(p)], "no kernel may outlive a killed grader"
    done_before = len(list(results.glob("*.json")))
    assert 1 <= done_before < len(students), "the kill should land mid-batch"

    rerun = subprocess.run(_academy(*grade, course=killed), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert f"already graded {done_before}" in rerun.stdout
    subprocess.run(_academy(*grade, course=steady), check=True, capture_output=True)

    after_kill, uninterrupted = _export(killed), _export(steady)
    assert after_kill == uninterrupted, _problems(killed) + _problems(steady)
    assert sorted(row["student_id"] for row in after_kill) == students
