"""``academy audit``: prove that each autograded exercise tells right answers from wrong ones.

For every exercise of a module the audit grades, through the grader's own rewrite and scoring:

1. ``reference``       the reference solution          must earn full points
2. ``blank``           the released, unanswered cell   must earn 0
3. ``mutants``         faulty variants of the solution  each must earn less than full
4. ``adversaries``     same shape, different contents   each must earn 0
5. ``wrong answers``   the module's wrong_answers.yml   each at most a third (unless ``partial``)

A variant whose observations all equal the reference's is *equivalent* (the tests cannot see the
change) and is set aside. Each test cell is also linted: every expected value is written out, and
at least one hidden check compares a value. Each variant is scored twice, as ``academy grade``
does (observations compared outside the kernel) and as plain nbgrader does (``Exercise.score()``
in the kernel); the two must agree. The module's prefix runs once; variants run in forked copies
of its state (``academy.audit.worker``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

from academy.audit.adversary import STRATEGIES
from academy.audit.mutants import Mutant, blank_answer, mutants
from academy.check_cells import CheckCellError, expected_problems, parse_checks
from academy.checks import matches
from academy.curriculum import Curriculum, Module, load_curriculum
from academy.errors import AcademyError

FULL = 1e-6  # points within this of the maximum count as full marks
WRONG_ANSWER_SHARE = 1 / 3


class AuditError(AcademyError, RuntimeError):
    """The audit could not run (a broken notebook, a missing module); the message says why."""


@dataclass
class VariantResult:
    """One variant of an exercise and what it earned."""

    id: str
    kind: str  # reference | blank | mutant | adversary | wrong-answer
    description: str
    score: float = 0.0
    nbgrader_score: float | None = None
    equivalent: bool = False
    status: str = "ok"
    reason: str = ""
    source: str = ""
    original: str = ""
    partial: str = ""
    accepted: str = ""


@dataclass
class ExerciseAudit:
    """The audit of one autograded exercise."""

    notebook: str
    grade_id: str
    points: float
    variants: list[VariantResult] = field(default_factory=list)
    lint: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[VariantResult]:
        return [v for v in self.variants if v.kind == kind]

    @property
    def mutant_counts(self) -> dict[str, int]:
        ms = self.of("mutant")
        live = [m for m in ms if not m.equivalent]
        return {"generated": len(ms), "equivalent": len(ms) - len(live),
                "killed": sum(1 for m in live if m.score < self.points - FULL),
                "zero": sum(1 for m in live if m.score <= FULL),
                "survived": sum(1 for m in live if m.score >= self.points - FULL)}

    @property
    def survivors(self) -> list[VariantResult]:
        return [m for m in self.of("mutant")
                if not m.equivalent and m.score >= self.points - FULL]

    def failures(self) -> list[str]:
        """Return every threshold this exercise misses, in words."""
        out = [f"lint: {problem}" for problem in self.lint]
        for v in self.of("reference"):
            if v.score < self.points - FULL:
                out.append(f"the reference solution earns {v.score:g} of {self.points:g}"
                           + (f" ({v.reason})" if v.reason else ""))
        for v in self.of("blank"):
            if v.score > FULL:
                out.append(f"the blank answer earns {v.score:g}")
        for v in self.survivors:
            if not v.accepted:
                out.append(f"mutant {v.id} ({v.description}) survives with full points")
        for v in self.of("adversary"):
            if not v.equivalent and v.score > FULL:
                out.append(f"shape adversary '{v.description}' earns {v.score:g}")
        wrong = self.of("wrong-answer")
        if len(wrong) < 3:
            out.append(f"{len(wrong)} wrong answer(s) in wrong_answers.yml; at least 3 needed")
        for v in wrong:
            if v.score > self.points * WRONG_ANSWER_SHARE + FULL and not v.partial:
                out.append(f"wrong answer '{v.description}' earns {v.score:g} of "
                           f"{self.points:g} (more than a third; mark it partial: <reason> "
                           "only if it is genuinely half right)")
        for v in self.variants:
            if v.nbgrader_score is not None and abs(v.nbgrader_score - v.score) > FULL:
                out.append(f"{v.kind} {v.id}: plain nbgrader scores {v.nbgrader_score:g} but "
                           f"academy grade {v.score:g}")
        return out


@dataclass
class ModuleAudit:
    """The audit of a module: one entry per exercise, and the time it took."""

    module: str
    title: str
    exercises: list[ExerciseAudit] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and not any(e.failures() for e in self.exercises)

    @property
    def variant_count(self) -> int:
        return sum(len(e.variants) for e in self.exercises)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        for exercise, raw in zip(self.exercises, data["exercises"], strict=True):
            raw["mutants"] = exercise.mutant_counts
            raw["failures"] = exercise.failures()
        return data


@dataclass
class _Exercise:
    notebook: str
    grade_id: str
    points: float
    test: str
    cells: list[tuple[str | None, str]]  # (grade_id of an answer cell or None, source)


def _nbgrader(cell: Any) -> dict[str, Any]:
    meta: dict[str, Any] = cell.get("metadata", {}).get("nbgrader", {})
    return meta


def _plan(notebook: Path, name: str) -> tuple[list[dict[str, Any]], list[_Exercise]]:
    """Split a source notebook into setup cells and exercises (answer cells + test cell)."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:  # nbformat raises several kinds
        raise AuditError(f"{notebook}: not a readable notebook ({exc})") from None
    steps: list[dict[str, Any]] = []
    exercises: list[_Exercise] = []
    pending: list[tuple[str | None, str]] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = _nbgrader(cell)
        source = cell.source
        if meta.get("grade") and not meta.get("solution"):
            exercise = _Exercise(name, meta["grade_id"], float(meta.get("points", 0)), source,
                                 pending)
            exercises.append(exercise)
            steps.append({"kind": "exercise", "exercise": exercise})
            pending = []
        elif meta.get("solution"):
            pending.append((meta.get("grade_id"), source))
        elif pending:
            pending.append((None, source))
        else:
            steps.append({"kind": "setup", "source": source, "name": meta.get("grade_id", "")})
    for grade_id, source in pending:
        steps.append({"kind": "setup", "source": source, "name": grade_id or ""})
    return steps, exercises


def _variants(exercise: _Exercise, wrong: list[dict[str, Any]]) -> tuple[
        list[dict[str, Any]], dict[str, VariantResult]]:
    """Return the worker's variants of one exercise and their descriptions by id."""
    reference = [source for _, source in exercise.cells]
    out: list[dict[str, Any]] = []
    info: dict[str, VariantResult] = {}

    def add(variant_id: str, kind: str, description: str, answers: list[str],
            source: str = "", original: str = "", **extra: Any) -> None:
        partial = str(extra.pop("partial", "") or "")
        out.append({"id": variant_id, "answers": answers, **extra})
        info[variant_id] = VariantResult(variant_id, kind, description, source=source,
                                         original=original, partial=partial)

    add("reference", "reference", "the reference solution", reference)
    blank = [blank_answer(s) if gid else s for gid, s in exercise.cells]
    add("blank", "blank", "the released cell, unanswered", blank)
    for position, (gid, source) in enumerate(exercise.cells):
        if gid is None:
            continue
        mutant: Mutant
        for mutant in mutants(source, prefix=f"{gid}-m" if len(exercise.cells) > 1 else "m"):
            answers = list(reference)
            answers[position] = mutant.source
            add(mutant.id, "mutant", mutant.description, answers, source=mutant.source,
                original=source)
    for strategy in STRATEGIES:
        add(f"shape-{strategy}", "adversary", strategy, reference, adversary=strategy)
    for number, entry in enumerate(wrong, start=1):
        answers = list(reference)
        positions = [i for i, (gid, _) in enumerate(exercise.cells) if gid == entry["answer"]]
        if not positions:
            continue
        answers[positions[0]] = entry["code"]
        add(f"wrong-{number}", "wrong-answer", entry.get("why", ""), answers,
            source=entry["code"], original=exercise.cells[positions[0]][1],
            partial=entry.get("partial", ""))
    return out, info


@dataclass(frozen=True)
class AuditTarget:
    """What the audit needs of a module: its folder (notebooks, module.yml, wrong_answers.yml)."""

    id: str
    title: str
    folder: Path
    notebooks: tuple[str, ...]

    @classmethod
    def of(cls, module: Module) -> AuditTarget:
        return cls(module.id, module.title, module.folder, module.notebooks)

    def notebook_path(self, name: str) -> Path:
        return self.folder / f"{name}.ipynb"


def _job(module: AuditTarget, workdir: Path, nbgrader: bool) -> tuple[dict[str, Any], list[tuple[
        _Exercise, dict[str, VariantResult]]]]:
    wrong_path = module.folder / "wrong_answers.yml"
    try:
        wrong_all: list[dict[str, Any]] = (yaml.safe_load(wrong_path.read_text("utf-8")) or []
                                           if wrong_path.exists() else [])
    except yaml.YAMLError as exc:
        raise AuditError(f"{wrong_path}: not valid YAML ({exc})") from None
    cells: list[dict[str, Any]] = []
    planned = []
    for name in module.notebooks:
        steps, _ = _plan(module.notebook_path(name), name)
        for step in steps:
            if step["kind"] == "setup":
                cells.append(step)
                continue
            exercise: _Exercise = step["exercise"]
            wrong = [w for w in wrong_all if w.get("tests") == exercise.grade_id]
            variants, info = _variants(exercise, wrong)
            planned.append((exercise, info))
            cells.append({"kind": "exercise", "grade_id": exercise.grade_id,
                          "test": exercise.test, "variants": variants, "nbgrader": nbgrader,
                          "reference": [source for _, source in exercise.cells]})
    return {"cwd": str(workdir), "cells": cells}, planned


def _lint(exercise: _Exercise) -> list[str]:
    try:
        specs = parse_checks(exercise.test)
    except CheckCellError as exc:
        return [str(exc)]
    problems = expected_problems(exercise.test)
    if not any(not s.visible and s.earns > 0 for s in specs):
        problems.append("no hidden check compares a value (the grade would rest on visible "
                        "checks only)")
    if not any(s.earns > 0 for s in specs):
        problems.append("no check carries points")
    return problems


def _run_worker(job: dict[str, Any], cwd: Path) -> list[dict[str, Any]]:
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    process = subprocess.run([sys.executable, "-m", "academy.audit.worker"],
                             input=json.dumps(job), capture_output=True, text=True, cwd=cwd,
                             env=env, check=False)
    lines = [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]
    if process.returncode != 0:
        tail = process.stderr.strip().splitlines()[-5:]
        raise AuditError("the audit's notebook runner failed:\n" + "\n".join(tail))
    return lines


def _score(exercise: _Exercise, report: dict[str, Any], expected: dict[tuple[str, int], Any],
           ) -> tuple[float, str, str, list[bool]]:
    """Score one variant's test run as ``academy grade`` does; return (score, status, reason,
    whether each check passed)."""
    from academy.grading.kernel import ERROR, OK, CellRun
    from academy.grading.scoring import GradedCell, score_exercise

    if "answer_error" in report:
        # the answer cell itself failed: the test cell then fails on missing names
        return 0.0, "error", f"the answer raised {report['answer_error']}"[:200], []
    specs = tuple(parse_checks(exercise.test))
    test = GradedCell(exercise.notebook, exercise.grade_id, exercise.points, specs, "")
    status = report.get("status", "ok")
    run = CellRun(status=OK if status == "ok" else ERROR if status == "error" else status,
                  ename=report.get("ename", ""), evalue=report.get("evalue", ""),
                  observations=report.get("observations", []))
    if report.get("stderr"):
        run.outputs.append({"output_type": "stream", "name": "stderr",
                            "text": report["stderr"]})
    result = score_exercise(test, run, expected)
    return result.score, result.status, result.reason, [c.passed for c in result.checks]


def _observed(report: dict[str, Any], role: str) -> dict[tuple[str, int], Any]:
    seen: dict[str, int] = {}
    out: dict[tuple[str, int], Any] = {}
    for payload in report.get("observations", []):
        if payload.get("role", "observed") != role:
            continue
        label = payload["label"]
        n = seen.get(label, 0)
        seen[label] = n + 1
        out[(label, n)] = payload.get("value")
    return out


def _same(a: dict[tuple[str, int], Any], b: dict[tuple[str, int], Any]) -> bool:
    return a.keys() == b.keys() and all(matches(a[k], b[k], 0.0) for k in a)


def audit_module(module_id: str, *, root: Path | None = None, nbgrader: bool = True,
                 curriculum: Curriculum | None = None) -> ModuleAudit:
    """Audit every autograded exercise of one module of the programme."""
    curriculum = curriculum or load_curriculum(root)
    return audit_target(AuditTarget.of(curriculum.module(module_id)), nbgrader=nbgrader)


def audit_target(module: AuditTarget, *, nbgrader: bool = True) -> ModuleAudit:
    """Audit every autograded exercise of a module folder; see this package's docstring."""
    started = time.perf_counter()
    accepted = _accepted(module)
    with tempfile.TemporaryDirectory(prefix=f"audit-{module.id}-") as tmp:
        workdir = Path(tmp) / module.id
        shutil.copytree(module.folder, workdir,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        job, planned = _job(module, workdir, nbgrader)
        lines = _run_worker(job, workdir)
    audit = ModuleAudit(module.id, module.title)
    audit.problems += [line["cell_error"] for line in lines if "cell_error" in line]
    by_key: dict[tuple[str, str, str], dict[str, Any]] = {
        (line["exercise"], line["variant"], line["mode"]): line
        for line in lines if "exercise" in line}
    for exercise, info in planned:
        result = ExerciseAudit(exercise.notebook, exercise.grade_id, exercise.points,
                               lint=_lint(exercise))
        audit.exercises.append(result)
        expected_line = by_key.get((exercise.grade_id, "expected", "grade"))
        if expected_line is None:
            result.lint.append("the notebook stopped before this exercise")
            continue
        if expected_line.get("status") != "ok":
            result.lint.append(f"the reference test cell raised {expected_line.get('ename')}: "
                               f"{expected_line.get('evalue')}")
        expected = _observed(expected_line, "expected")
        reference = by_key.get((exercise.grade_id, "reference", "grade"), {})
        reference_observed = _observed(reference, "observed")
        passes: dict[str, list[bool]] = {}
        for variant_id, variant in info.items():
            report = by_key.get((exercise.grade_id, variant_id, "grade"))
            if report is None:
                continue
            variant.score, variant.status, variant.reason, passes[variant_id] = _score(
                exercise, report, expected)
            nb_report = by_key.get((exercise.grade_id, variant_id, "nbgrader"))
            if nb_report is not None:
                variant.nbgrader_score = _nbgrader_points(nb_report, exercise.points)
            variant.equivalent = (variant.kind in ("mutant", "adversary")
                                  and "answer_error" not in report
                                  and report.get("status") == reference.get("status")
                                  and _same(_observed(report, "observed"), reference_observed))
            variant.accepted = accepted.get((exercise.grade_id, variant.description), "")
            result.variants.append(variant)
        _judge_adversaries(exercise, result, by_key, reference_observed, passes)
    audit.seconds = round(time.perf_counter() - started, 2)
    return audit


def _judge_adversaries(exercise: _Exercise, result: ExerciseAudit,
                       by_key: dict[tuple[str, str, str], dict[str, Any]],
                       reference: dict[tuple[str, int], Any], passes: dict[str, list[bool]],
                       ) -> None:
    """Score each shape adversary by the checks that could see it.

    A check counts for an adversary if its observation changed under that adversary, or if it
    carries points yet observes the same value under every adversary (it tests only shape: that
    is reported too). A check that passes because the adversary left its value alone (reversing
    a list the tests sort, say) is not the test's fault and does not count.
    """
    from academy.grading.scoring import _keys

    try:
        keys = _keys(tuple(parse_checks(exercise.test)))
    except CheckCellError:
        return
    ran = [v for v in result.of("adversary")
           if "answer_error" not in by_key.get((exercise.grade_id, v.id, "grade"), {"x": 1})]
    if not ran:
        return
    changed: dict[str, set[tuple[str, int]]] = {}
    for v in ran:
        observed = _observed(by_key[(exercise.grade_id, v.id, "grade")], "observed")
        changed[v.id] = {key for key, _ in keys
                         if not (key in observed and key in reference
                                 and matches(observed[key], reference[key], 0.0))}
    seen_by_any = set().union(*changed.values())
    shape_only = {key for key, spec in keys if spec.earns > 0 and key not in seen_by_any}
    for label, _n in sorted(shape_only):
        result.lint.append(f"check '{label}' carries points but observes the same value for "
                           "every same-shape answer: make it a gate")
    total = sum(spec.earns for _, spec in keys)
    for v in ran:
        flags = passes.get(v.id, [])
        if v.score <= FULL or not flags or total <= 0:
            continue
        earned = sum(spec.earns for (key, spec), passed in zip(keys, flags, strict=False)
                     if passed and (key in changed[v.id] or key in shape_only))
        v.score = round(exercise.points * earned / total, 6)


def _nbgrader_points(report: dict[str, Any], points: float) -> float:
    """What plain nbgrader gives a test cell: 0 on error or stderr, else its partial credit."""
    if "answer_error" in report or report.get("status") != "ok" or report.get("stderr"):
        return 0.0
    value = report.get("value")
    if value is None:
        return points  # a test cell without a numeric result passes with full marks
    return max(0.0, min(float(value), points))


def _accepted(module: AuditTarget) -> dict[tuple[str, str], str]:
    path = module.folder / "module.yml"
    raw = yaml.safe_load(path.read_text("utf-8")) or {} if path.exists() else {}
    return {(a["exercise"], a["mutant"]): a["reason"]
            for a in (raw.get("audit") or {}).get("accepted", [])}


def audit_modules(module_ids: list[str], *, root: Path | None = None, jobs: int = 2,
                  nbgrader: bool = True) -> list[ModuleAudit]:
    """Audit several modules, ``jobs`` at a time (each runs its own notebook worker)."""
    from concurrent.futures import ThreadPoolExecutor

    curriculum = load_curriculum(root)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda m: audit_module(m, curriculum=curriculum,
                                                    nbgrader=nbgrader), module_ids))
