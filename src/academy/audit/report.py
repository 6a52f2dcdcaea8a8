"""The audit's report: a terminal summary, an HTML page next to the class report, and JSON."""

from __future__ import annotations

import difflib
import json
from html import escape
from pathlib import Path

from academy.audit import ExerciseAudit, ModuleAudit, VariantResult


def summary_lines(audit: ModuleAudit) -> list[str]:
    """Return the terminal summary of one module's audit."""
    verdict = "PASS" if audit.passed else "FAIL"
    out = [f"{audit.module}: {verdict} — {len(audit.exercises)} exercises, "
           f"{audit.variant_count} variants graded in {audit.seconds:.1f} s"]
    out += [f"  problem: {p}" for p in audit.problems]
    for exercise in audit.exercises:
        counts = exercise.mutant_counts
        live = counts["generated"] - counts["equivalent"]
        score = f"{counts['killed']}/{live}" if live else "-"
        adversary = max((v.score for v in exercise.of("adversary") if not v.equivalent),
                        default=0.0)
        wrong = exercise.of("wrong-answer")
        worst = max((v.score for v in wrong), default=0.0)
        out.append(f"  {exercise.grade_id} ({exercise.points:g} pts): mutants {counts['generated']}"
                   f" ({counts['equivalent']} equivalent), killed {score}, "
                   f"earning 0: {counts['zero']}; shape adversary max {adversary:g}; "
                   f"{len(wrong)} wrong answers, max {worst:g}")
        for failure in exercise.failures():
            out.append(f"    ✗ {failure}")
        for survivor in exercise.survivors:
            if survivor.accepted:
                out.append(f"    accepted survivor {survivor.id} ({survivor.description}): "
                           f"{survivor.accepted}")
    return out


def _diff(reference: str, variant: str) -> str:
    lines = difflib.unified_diff(reference.splitlines(), variant.splitlines(), "reference",
                                 "variant", lineterm="", n=1)
    return "\n".join(list(lines)[2:])


def _row(exercise: ExerciseAudit, variant: VariantResult) -> str:
    mark = ("equivalent" if variant.equivalent else
            "survived" if variant.kind == "mutant" and variant.score >= exercise.points - 1e-6
            else "")
    diff = (_diff(variant.original, variant.source) if variant.original
            else variant.source)
    return (f"<tr class='{mark}'><td>{escape(variant.kind)}</td><td>{escape(variant.id)}</td>"
            f"<td>{escape(variant.description)}"
            + (f"<br><em>partial: {escape(variant.partial)}</em>" if variant.partial else "")
            + (f"<br><em>accepted: {escape(variant.accepted)}</em>" if variant.accepted else "")
            + f"</td><td>{variant.score:g}</td><td>{escape(mark)}</td>"
            f"<td><pre>{escape(diff[:1500])}</pre></td></tr>")


def report_html(audit: ModuleAudit) -> str:
    """Return the audit of one module as a self-contained HTML page."""
    verdict = "passes" if audit.passed else "fails"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Exercise audit: {escape(audit.title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:1rem auto;"
        "padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;"
        "padding:.2rem .4rem;vertical-align:top;text-align:left}pre{margin:0;white-space:"
        "pre-wrap}tr.survived{background:#fde0dc}tr.equivalent{color:#555}"
        ".fail{color:#a40000}</style></head><body>",
        f"<h1>Exercise audit: {escape(audit.title)}</h1>",
        f"<p>The module <strong>{verdict}</strong> the audit: {len(audit.exercises)} exercises, "
        f"{audit.variant_count} variants graded in {audit.seconds:.1f} s. Each variant is "
        "graded as <code>academy grade</code> does; equivalent variants (the tests observe "
        "exactly what the reference gives) are set aside.</p>",
    ]
    parts += [f"<p class='fail'>{escape(p)}</p>" for p in audit.problems]
    for exercise in audit.exercises:
        counts = exercise.mutant_counts
        parts.append(f"<h2>{escape(exercise.grade_id)} ({exercise.points:g} points)</h2>")
        parts.append(f"<p>Mutants: {counts['generated']} generated, {counts['equivalent']} "
                     f"equivalent, {counts['killed']} killed, {counts['zero']} earning 0, "
                     f"{counts['survived']} surviving.</p>")
        failures = exercise.failures()
        if failures:
            parts.append("<ul class='fail'>" + "".join(f"<li>{escape(f)}</li>"
                                                        for f in failures) + "</ul>")
        parts.append("<table><thead><tr><th>kind</th><th>id</th><th>what</th><th>points</th>"
                     "<th>verdict</th><th>change</th></tr></thead><tbody>")
        parts += [_row(exercise, v) for v in exercise.variants]
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_reports(audit: ModuleAudit, folder: Path) -> tuple[Path, Path]:
    """Write ``audit.html`` and ``audit.json`` into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    html_path, json_path = folder / "audit.html", folder / "audit.json"
    html_path.write_text(report_html(audit), encoding="utf-8")
    json_path.write_text(json.dumps(audit.to_json(), indent=1, ensure_ascii=False),
                         encoding="utf-8")
    return html_path, json_path
