"""Benchmark: plain `nbgrader autograde` (sequential) against `academy grade --jobs 2` (sandboxed).

Builds a class of 24 submissions of the remittances module (correct, partly correct and wrong
answers), grades it both ways in fresh course folders, checks that the scores agree, and prints
the times and the speed-up. Run from the repository: `.venv/bin/python benchmarks/grading.py`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
MODULE = "remittances"


def build_class(course: Path, size: int) -> list[str]:
    """Release the module into ``course`` and write ``size`` submissions; return the ids."""
    from academy.release import release_module

    release = json.loads((release_module(MODULE, course=course) / f"{MODULE}.ipynb").read_text())
    source = json.loads((ROOT / "modules" / MODULE / f"{MODULE}.ipynb").read_text())
    gid = lambda c: c["metadata"].get("nbgrader", {}).get("grade_id")  # noqa: E731
    solutions = {gid(c): "".join(c["source"]) for c in source["cells"]
                 if c["metadata"].get("nbgrader", {}).get("solution")}
    wrong = yaml.safe_load((ROOT / "modules" / MODULE / "wrong_answers.yml").read_text())
    students = []
    for i in range(size):
        answers = dict(solutions)
        if i % 3 == 1:  # partly correct: one wrong answer
            entry = wrong[i % len(wrong)]
            answers[entry["answer"]] = entry["code"]
        elif i % 3 == 2:  # wrong: several wrong answers
            for entry in wrong[i % 4::4]:
                answers[entry["answer"]] = entry["code"]
        notebook = json.loads(json.dumps(release))
        for cell in notebook["cells"]:
            if gid(cell) in answers and cell["cell_type"] == "code":
                cell["source"] = answers[gid(cell)]
        student = f"student{i:02d}"
        folder = course / "submitted" / student / MODULE
        folder.mkdir(parents=True)
        (folder / f"{MODULE}.ipynb").write_text(json.dumps(notebook))
        students.append(student)
    return students


def export_scores(course: Path) -> dict[str, float]:
    from academy.grading.export import export_grades

    rows = csv.DictReader(io.StringIO(export_grades(fmt="csv", root=ROOT, course=course)))
    return {r["student_id"]: float(r["score"]) for r in rows}


def run(command: list[str], course: Path) -> float:
    env = {**os.environ, "ACADEMY_COURSE_DIR": str(course)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=24, help="submissions in the class")
    parser.add_argument("--jobs", type=int, default=2, help="academy grade --jobs")
    parser.add_argument("--sandbox", default="on", choices=["on", "auto", "off"])
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    work = Path(tempfile.mkdtemp(prefix="grading-benchmark-"))
    try:
        plain, ours = work / "plain", work / "academy"
        build_class(plain, args.size)
        shutil.copytree(plain, ours)
        baseline = run([str(bin_dir / "nbgrader"), "autograde", MODULE, "--force"], plain)
        academy = run([str(bin_dir / "academy"), "grade", MODULE, "--jobs", str(args.jobs),
                       "--sandbox", args.sandbox, "--course-dir", str(ours)], ours)
        same = export_scores(plain) == export_scores(ours)
        figures = {"submissions": args.size, "nbgrader_autograde_s": round(baseline, 1),
                   "academy_grade_s": round(academy, 1), "jobs": args.jobs,
                   "sandbox": args.sandbox, "speedup": round(baseline / academy, 2),
                   "same_scores": same, "cores": os.cpu_count()}
        print(f"plain nbgrader autograde (sequential): {baseline:7.1f} s")
        print(f"academy grade --jobs {args.jobs} --sandbox {args.sandbox}:   {academy:7.1f} s")
        print(f"speed-up: {baseline / academy:.2f}x on {os.cpu_count()} cores; "
              f"same scores: {same}")
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
