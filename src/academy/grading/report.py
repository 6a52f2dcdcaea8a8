"""The class report of a module: how the class did, which exercises were hard, who needs help.

Figures (embedded PNG): the score distribution; per exercise, the mean share of points
(difficulty) and the discrimination (correlation of the exercise's score with the rest of the
score). Tables: the most common failing self-check messages, and the submissions that need
attention (errors, timeouts, crashes, tampering, missing or unreadable notebooks). Nothing here
comes from test cells, so no hidden test code appears.
"""

from __future__ import annotations

import base64
import io
import math
from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from academy.curriculum import load_curriculum
from academy.exercise_titles import title_of, with_titles
from academy.grading.language import GradingText, grading_text, translated_exercise_titles
from academy.grading.layout import grading_layout
from academy.grading.results import SubmissionResult, graded_results
from academy.i18n import SOURCE_LANGUAGE


@dataclass(frozen=True)
class ExerciseStats:
    """Difficulty (mean share of points) and discrimination of one exercise."""

    grade_id: str
    points: float
    mean_share: float
    discrimination: float | None


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    if sx == 0 or sy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (sx * sy)


def exercise_stats(results: list[SubmissionResult]) -> list[ExerciseStats]:
    """Return difficulty and discrimination (exercise vs rest of score) per exercise."""
    if not results:
        return []
    order = [(e.grade_id, e.points) for e in results[0].exercises]
    stats = []
    for grade_id, points in order:
        own = [next((e.score for e in r.exercises if e.grade_id == grade_id), 0.0)
               for r in results]
        rest = [r.score - s for r, s in zip(results, own, strict=True)]
        mean = sum(own) / len(own) / points if points else 0.0
        stats.append(ExerciseStats(grade_id, points, mean, _correlation(own, rest)))
    return stats


def failing_messages(results: list[SubmissionResult], top: int = 10,
                     titles: dict[str, str] | None = None,
                     text: GradingText | None = None) -> list[tuple[str, int]]:
    """Return the most common failing self-check messages (visible checks only), each with
    its exercise's title as the learner saw it."""
    t = text or GradingText()
    counts: Counter[str] = Counter()
    for result in results:
        for ex in result.exercises:
            for check in ex.checks:
                if check.visible and not check.passed and check.reached:
                    counts[f"{title_of(titles or {}, ex.grade_id)}: "
                           f"{t(check.hint or check.label)}"] += 1
    return counts.most_common(top)


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def _figures(results: list[SubmissionResult], stats: list[ExerciseStats],
             titles: dict[str, str], t: GradingText) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    figures = []
    scores = [r.score for r in results]
    top = max((r.max_score for r in results), default=1.0)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.hist(scores, bins=min(20, max(5, int(top))), range=(0, top), color="#3a6ea5",
            edgecolor="white")
    ax.set_xlabel(t("autograded score (points)"))
    ax.set_ylabel(t("students"))
    ax.set_title(t("Score distribution"))
    figures.append((t("Score distribution: a histogram of the autograded scores of {count} "
                      "submissions", count=len(scores)), _png(fig)))
    plt.close(fig)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    names = [title_of(titles, s.grade_id) for s in stats]
    left.barh(names, [s.mean_share for s in stats], color="#3a6ea5")
    left.set_xlim(0, 1)
    left.set_xlabel(t("mean share of points (difficulty: lower is harder)"))
    left.invert_yaxis()
    right.barh(names, [s.discrimination or 0.0 for s in stats], color="#c26b1e")
    right.set_xlim(-1, 1)
    right.set_xlabel(t("discrimination (correlation with the rest of the score)"))
    right.invert_yaxis()
    right.set_yticklabels([])
    fig.suptitle(t("Exercises"))
    figures.append((t("Per exercise: mean share of points and discrimination"), _png(fig)))
    plt.close(fig)
    return figures


def report_html(module_title: str, results: list[SubmissionResult],
                titles: dict[str, str] | None = None, text: GradingText | None = None) -> str:
    """Return the class report page of one module in ``text``'s language (default English);
    exercises are named by ``titles`` (grade_id to the heading the learner saw)."""
    titles = titles or {}
    t = text or GradingText()
    stats = exercise_stats(results)
    heading = escape(t("Class report: {module}", module=module_title))
    parts = [f"<!doctype html><html lang='{t.language}'><head><meta charset='utf-8'><title>"
             f"{heading}</title><style>body{{font-family:system-ui,sans-serif;"
             "max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}</style></head>"
             f"<body><h1>{heading}</h1>"]
    if not results:
        parts.append(f"<p>{escape(t('No graded submissions yet: run academy grade.'))}</p>")
        return "\n".join([*parts, "</body></html>"])
    scores = sorted(r.score for r in results)
    mean = sum(scores) / len(scores)
    median = scores[len(scores) // 2] if len(scores) % 2 else (
        scores[len(scores) // 2 - 1] + scores[len(scores) // 2]) / 2
    parts.append("<p>" + escape(t(
        "{count} submissions; mean {mean}, median {median} of {total} autograded points.",
        count=len(results), mean=f"{mean:.2f}", median=f"{median:g}",
        total=f"{results[0].max_score:g}")) + "</p>")
    for alt, png in _figures(results, stats, titles, t):
        parts.append(f"<figure><img alt='{escape(alt)}' src='data:image/png;base64,{png}'>"
                     f"<figcaption>{escape(alt)}</figcaption></figure>")

    def header(*names: str) -> str:
        return "<tr>" + "".join(f"<th>{escape(t(n))}</th>" for n in names) + "</tr>"

    parts.append(f"<h2>{escape(t('Exercises'))}</h2><table>"
                 + header("Exercise", "Points", "Mean share", "Discrimination"))
    for s in stats:
        disc = t("n/a") if s.discrimination is None else f"{s.discrimination:.2f}"
        parts.append(f"<tr><td>{escape(title_of(titles, s.grade_id))}</td><td>{s.points:g}</td>"
                     f"<td>{s.mean_share:.2f}</td><td>{escape(disc)}</td></tr>")
    parts.append(f"</table><h2>{escape(t('Most common failing self-checks'))}</h2><table>"
                 + header("Message", "Students"))
    for message, count in failing_messages(results, titles=titles, text=t):
        parts.append(f"<tr><td>{escape(message)}</td><td>{count}</td></tr>")
    parts.append(f"</table><h2>{escape(t('Submissions that need attention'))}</h2><table>"
                 + header("Student", "Score", "Reasons"))
    for result in results:
        reasons = result.needs_attention
        if reasons:
            parts.append(f"<tr><td>{escape(result.student)}</td><td>{result.score:g}</td><td><ul>"
                         + "".join(f"<li>{escape(with_titles(t.problem(r), titles))}</li>"
                                   for r in reasons) + "</ul></td></tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts)


def write_report(module_id: str, *, root: Path | None = None,
                 course: Path | str | None = None, language: str = SOURCE_LANGUAGE) -> Path:
    """Write the class report of ``module_id`` in ``language``; return its path."""
    curriculum = load_curriculum(root)
    module = curriculum.module(module_id)
    layout = grading_layout(curriculum.root, course)
    text = grading_text(curriculum.root, language, module)
    page = layout.report(module.id)
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(report_html(text(module.title), graded_results(layout, module.id),
                                translated_exercise_titles(module, text), text),
                    encoding="utf-8")
    return page
