"""Benchmark: `academy audit` against naively re-executing the notebook once per variant.

The audit runs each module's notebook once and grades every variant of an exercise in a forked
copy of the state before its answer. The naive way executes the whole source notebook in a fresh
kernel (nbclient) for each variant, with the variant in place and the test cell rewritten into
observations. Both are measured in the same process, on the same module, so the ratio holds on a
noisy machine; the naive way is measured on a sample of variants and reported per variant.

Prints: the whole course's audit time with 2 jobs, variants per second, and the speed-up per
variant over the naive way. Run from the repository: `.venv/bin/python benchmarks/audit.py`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]


def naive_seconds_per_variant(module_id: str, sample: int) -> float:
    """Execute the whole notebook once per variant (a sample of the module's wrong answers and
    mutants) with nbclient; return the mean seconds per variant."""
    from nbclient import NotebookClient

    from academy.audit.mutants import mutants
    from academy.grading.transform import rewrite_test_cell

    folder = ROOT / "modules" / module_id
    source = nbformat.read(folder / f"{module_id}.ipynb", as_version=4)
    answers = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")
               and c.cell_type == "code"]
    variants: list[tuple[str, str]] = []
    for cell in answers:
        variants += [(cell.metadata["nbgrader"]["grade_id"], m.source)
                     for m in mutants(cell.source)[:2]]
    variants = variants[:sample]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / module_id
        shutil.copytree(folder, work)
        for grade_id, code in variants:
            nb = nbformat.read(folder / f"{module_id}.ipynb", as_version=4)
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("grade_id") == grade_id:
                    cell.source = code
                elif meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
                    cell.source = rewrite_test_cell(cell.source)
            NotebookClient(nb, timeout=120, allow_errors=True,
                           resources={"metadata": {"path": str(work)}}).execute()
    return (time.perf_counter() - started) / max(1, len(variants))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-module", default="remittances")
    parser.add_argument("--naive-sample", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")

    from academy.audit import audit_modules

    programme = yaml.safe_load((ROOT / "curriculum" / "programme.yml").read_text())
    ids = [m["id"] for m in programme["modules"]]
    started = time.perf_counter()
    audits = audit_modules(ids, root=ROOT, jobs=args.jobs)
    course_seconds = time.perf_counter() - started
    variants = sum(a.variant_count for a in audits)
    mutants = sum(e.mutant_counts["generated"] for a in audits for e in a.exercises)
    print(f"whole course ({len(ids)} modules, {variants} variants of which {mutants} mutants, "
          f"each also scored as plain nbgrader): {course_seconds:.1f} s with {args.jobs} jobs "
          f"= {variants / course_seconds:.1f} variants/s")
    for audit in audits:
        print(f"  {audit.module}: {audit.variant_count} variants in {audit.seconds:.1f} s "
              f"({'pass' if audit.passed else 'FAIL'})")

    one = next(a for a in audits if a.module == args.naive_module)
    per_variant_audit = one.seconds / max(1, one.variant_count)
    naive = naive_seconds_per_variant(args.naive_module, args.naive_sample)
    print(f"{args.naive_module}: audit {per_variant_audit:.3f} s per variant (prefix included) vs "
          f"naive re-execution {naive:.2f} s per variant: {naive / per_variant_audit:.0f}x")


if __name__ == "__main__":
    main()
