"""The facilitator's pages of the instructor edition, generated from the facilitation material.

Per module, under ``facilitation/<id>/``: the session plan, the role cards with the dialogue
ground rules and debrief guide, the exemplar reflections, the common misconceptions, and the
printable handouts (tables and bar charts computed here from the module's own datasets, for a class
without computers). For the programme, ``facilitation/global-classroom``: a weekly schedule and
a Migration-Lab-style dialogue across modules. Pages print cleanly (see ``_static/academy.css``):
each role card and each handout starts a new A4 page.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from academy.curriculum import Citation, Curriculum, Module
from academy.facilitation import (
    Facilitation,
    Printout,
    ProgrammeFacilitation,
    load_all_facilitation,
    load_programme_facilitation,
)

FACILITATION_DIR = "facilitation"
PROGRAMME_PAGE = f"{FACILITATION_DIR}/global-classroom"
MODULE_PAGES = {
    "session-plan": "Session plan",
    "role-cards": "Role cards and dialogue guide",
    "exemplars": "Exemplar reflections",
    "misconceptions": "Common misconceptions",
    "handouts": "Printable handouts",
}
STEP_LABELS = {"opening": "Opening question", "data_walkthrough": "Data walk-through",
               "pair_work": "Pair work", "role_play": "Role play", "debrief": "Debrief",
               "break": "Break", "closing": "Closing"}
AGGREGATE_LABELS = {"mean": "mean", "sum": "total", "count": "count", "share_pct": "% yes"}


def module_page_path(module_id: str, page: str) -> str:
    """Return a facilitation page's document path in the book (no suffix)."""
    return f"{FACILITATION_DIR}/{module_id}/{page}"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _chapter_link(module: Module, text: str | None = None) -> str:
    return f"[{text or module.title}](../../modules/{module.id}.ipynb)"


def _exercise_label(facilitation: Facilitation, grade_id: str) -> str:
    exercise = facilitation.exercises[grade_id]
    return f"*{exercise.title}* (`{grade_id}`)"


def _page_links(module: Module, current: str) -> str:
    links = [f"[{title}]({page}.md)" if page != current else f"**{title}**"
             for page, title in MODULE_PAGES.items()]
    return ("*Facilitator's kit for " + _chapter_link(module) + ":* " + " · ".join(links)
            + " · [Running the programme](../global-classroom.md)")


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def session_plan_markdown(facilitation: Facilitation) -> str:
    """Return a module's session plan: before, the classroom minute by minute, after, variants."""
    module = facilitation.module
    lines = [f"# Session plan: {module.title}", "", _page_links(module, "session-plan"), "",
             f"A blended session of {facilitation.session_minutes} minutes in the classroom, "
             "framed by self-study with the notebook before and after. Learners need about "
             f"{module.exercise_minutes} minutes for the notebook's exercises in all. The "
             f"reflection (`{module.rubric.grade_id}`) is graded against the rubric on the "
             "[exemplars page](exemplars.md).", "",
             "## Before the session (online, with the notebook)", ""]
    lines += [f"- {item.strip()}" for item in facilitation.before]
    lines += ["", "## In the classroom, minute by minute", "",
              "| Time | Step | What happens |", "|---|---|---|"]
    start = 0
    for step in facilitation.classroom:
        detail = _cell(step.detail)
        if step.exercise:
            detail += f" Exercise: {_exercise_label(facilitation, step.exercise)}."
        lines.append(f"| {_clock(start)}–{_clock(start + step.minutes)} ({step.minutes} min) | "
                     f"**{STEP_LABELS[step.kind]}**: {_cell(step.activity)} | {detail} |")
        start += step.minutes
    lines += ["", "The role play uses the [role cards](role-cards.md); print one card per "
              "participant, and the dialogue ground rules for each table.", "",
              "## After the session", ""]
    lines += [f"- {item.strip()}" for item in facilitation.after]
    lines += ["", "## Variant: a class without computers", ""]
    lines += [f"- {item.strip()}" for item in facilitation.without_computers]
    lines += ["", "The [printable handouts](handouts.md) hold the tables and charts this variant "
              "needs, computed from the module's own data when the book is built.", "",
              "## Variant: a fully online cohort", ""]
    lines += [f"- {item.strip()}" for item in facilitation.online]
    return "\n".join(lines) + "\n"


def _publication(citation: Citation | None) -> str:
    if citation is None:
        return "the Migration Laboratory's publication"
    return (f"{citation.publisher} ({citation.year}), *{citation.title}* (subtitled "
            "*Multi-stakeholder dialogues to implement global policy frameworks on migration "
            "and development*), section \"A response: the Migration Laboratory\", "
            f"<{citation.url}>")


def ground_rules_markdown(programme: ProgrammeFacilitation, citation: Citation | None) -> str:
    """Return the dialogue ground rules: the Professional Dialogue skills, taught and cited."""
    lines = ["## Ground rules: Professional Dialogue", "",
             "The Migration Laboratory, which proposed the Academy, ran its meetings of "
             "government, civil-society and private-sector participants as a Professional "
             f"Dialogue, with dialogue skills contributed by Dialogue Associates (described in "
             f"{_publication(citation)}). The publication names what these skills let people "
             "do: voice their views and needs, listen, respect others, and agree or disagree so "
             "as to support and challenge ideas. We teach them as ground rules for every role "
             "play:", "",
             "| Skill | How to practise it | Ground rule at the table |", "|---|---|---|"]
    lines += [f"| **{s.skill}** | {_cell(s.practice)} | {_cell(s.ground_rule)} |"
              for s in programme.skills]
    return "\n".join(lines)


def _evidence_source(facilitation: Facilitation, evidence: Any) -> str:
    if evidence.exercise:
        return f"from {_exercise_label(facilitation, evidence.exercise)}"
    from academy.data import describe

    info = describe(evidence.dataset, facilitation.module.folder.parent.parent)
    return f"from the table *{info.title}*"


def role_cards_markdown(facilitation: Facilitation, programme: ProgrammeFacilitation,
                        citation: Citation | None) -> str:
    """Return the role-play kit: scenario, ground rules, debrief guide and one card per role."""
    module = facilitation.module
    lines = [f"# Role cards: {module.title}", "", _page_links(module, "role-cards"), "",
             "## The scenario", "", facilitation.scenario.strip(), "",
             ground_rules_markdown(programme, citation), "",
             "## Debrief guide", "",
             "After the role play, step out of the roles (say so explicitly) and ask:", ""]
    lines += [f"{i}. {q.strip()}" for i, q in enumerate(facilitation.debrief, 1)]
    lines += ["", "## The cards", "",
              f"{len(facilitation.roles)} cards, one per stakeholder at the table; each prints "
              "on one A4 page."]
    skills = ", ".join(s.skill.lower() for s in programme.skills)
    for role in facilitation.roles:
        lines += ["", "```{container} role-card", "",
                  f"**Role card · {module.title}**", "",
                  f"**{role.role}** ({role.stakeholder})", "", role.brief.strip(), "",
                  "**What you want**", ""]
        lines += [f"- {item.strip()}" for item in role.interests]
        lines += ["", "**What limits you**", ""]
        lines += [f"- {item.strip()}" for item in role.constraints]
        lines += ["", "**Evidence from the module you can cite**", ""]
        lines += [f"- {e.point.strip()} ({_evidence_source(facilitation, e)})"
                  for e in role.evidence]
        lines += ["", f"*Dialogue ground rules: {skills}. Speak for your role, listen to "
                  "understand, and challenge ideas rather than people.*", "", "```"]
    return "\n".join(lines) + "\n"


def exemplars_markdown(facilitation: Facilitation) -> str:
    """Return the exemplar reflections, one per rubric level, scored criterion by criterion."""
    module = facilitation.module
    rubric = module.rubric
    lines = [f"# Exemplar reflections: {module.title}", "", _page_links(module, "exemplars"),
             "", "Written for markers to calibrate their grading: one reflection at each level "
             "of the rubric, with the score each criterion would earn and why. They are "
             "constructed for this course, not learners' work. Do not share them with learners "
             "before they have submitted.", "",
             f"**The question** (`{rubric.grade_id}`, {rubric.max_points:g} points): "
             f"{rubric.prompt.strip()}"]
    order = {label: i for i, label in enumerate(
        lv.label for lv in sorted(rubric.criteria[0].levels, key=lambda lv: lv.points))}
    for exemplar in sorted(facilitation.exemplars, key=lambda e: order.get(e.level, 99)):
        lines += ["", f"## {exemplar.level}: {exemplar.total:g} of {rubric.max_points:g} points",
                  "", "```{container} exemplar", ""]
        lines += [f"> {line}" if line.strip() else ">"
                  for line in exemplar.reflection.strip().splitlines()]
        lines += ["", "```", "", "| Criterion | Points | Rubric level |", "|---|---|---|"]
        for criterion in rubric.criteria:
            points = exemplar.scores[criterion.name]
            level = next(lv for lv in criterion.levels if lv.points == points)
            lines.append(f"| {criterion.name} | {points:g} of {criterion.max_points:g} | "
                         f"{level.label}: {_cell(level.descriptor)} |")
        lines += ["", f"**Why**: {exemplar.commentary.strip()}"]
    return "\n".join(lines) + "\n"


def misconceptions_markdown(facilitation: Facilitation) -> str:
    """Return the common misconceptions, how to address them, and the audit's wrong answers."""
    module = facilitation.module
    lines = [f"# Common misconceptions: {module.title}", "",
             _page_links(module, "misconceptions"), "",
             "## What learners tend to believe, and how to respond", ""]
    for i, item in enumerate(facilitation.misconceptions, 1):
        exercises = ", ".join(_exercise_label(facilitation, g) for g in item.exercises)
        lines += [f"### {i}. {item.belief.strip().rstrip('.')}", "", f"*Shows up in*: {exercises}",
                  "", f"**How to address it**: {item.address.strip()}", ""]
    lines += ["## Exercise by exercise: plausible mistakes and the self-check hints", "",
              "The plausible wrong answers come from the module's exercise audit "
              "(`wrong_answers.yml`: each earns at most a third of the points); the hints are "
              "what the visible self-checks tell a learner. After grading, `academy report "
              f"{module.id}` lists the self-check messages your own class failed most often: "
              "compare them with this list before the next session.", ""]
    for grade_id, exercise in facilitation.exercises.items():
        whys = facilitation.wrong_answers.get(grade_id, ())
        if not whys and not exercise.self_check_hints:
            continue
        lines += [f"**{exercise.title}** (`{grade_id}`)", ""]
        lines += [f"- Plausible mistake: {why}" for why in whys]
        lines += [f"- Self-check hint: {_cell(hint)}" for hint in exercise.self_check_hints]
        lines.append("")
    return "\n".join(lines)


def printout_table(printout: Printout, root: Path) -> Any:
    """Return the printout's table (a DataFrame) computed from the dataset it names."""
    from academy import data

    frame = data.load(printout.dataset, root=root)
    missing = [c for c in [*printout.where, *printout.group_by, *printout.aggregate]
               if c not in frame.columns]
    if missing:
        raise KeyError(f"printout '{printout.title}': no column {', '.join(missing)} in "
                       f"dataset {printout.dataset}")
    for column, value in printout.where.items():
        frame = frame[frame[column].astype(str) == str(value)]
    if printout.group_by:
        grouped = frame.groupby(list(printout.group_by), sort=True)
        parts = {}
        for column, how in printout.aggregate.items():
            series = grouped[column]
            if how == "share_pct":
                parts[column] = 100 * series.mean()
            else:
                parts[column] = getattr(series, how)()
        frame = grouped.size().rename("n").to_frame().assign(**parts).reset_index()
    missing = [c for c in printout.columns if c not in frame.columns]
    if missing:
        raise KeyError(f"printout '{printout.title}': no column {', '.join(missing)} after "
                       "filtering and grouping")
    if printout.sort_by:
        frame = frame.sort_values(printout.sort_by, ascending=not printout.descending)
    if printout.limit:
        frame = frame.head(printout.limit)
    return frame[list(printout.columns)].round(printout.decimals).reset_index(drop=True)


def _header(printout: Printout, column: str) -> str:
    how = printout.aggregate.get(column)
    name = column.replace("_", " ")
    return f"{name} ({AGGREGATE_LABELS[how]})" if how else ("rows" if column == "n" else name)


def _table_markdown(printout: Printout, table: Any) -> str:
    headers = [_header(printout, c) for c in table.columns]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in table.itertuples(index=False):
        lines.append("| " + " | ".join(_value(v, printout.decimals) for v in row) + " |")
    return "\n".join(lines)


def _value(value: Any, decimals: int) -> str:
    import pandas as pd

    if pd.isna(value):
        return "—"
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    return _cell(str(value))


def _chart_labels(printout: Printout, table: Any) -> list[str]:
    return [" · ".join(str(row[c]) for c in printout.chart_label) for _, row in table.iterrows()]


def printout_chart(printout: Printout, table: Any) -> tuple[bytes, str]:
    """Return a horizontal bar chart (PNG) of the printout's table and its alt text."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    labels = _chart_labels(printout, table)
    values = [float(v) for v in table[printout.chart_value]]
    figure = Figure(figsize=(7.0, 1.2 + 0.32 * len(labels)), dpi=110)
    axes = figure.subplots()
    axes.barh(range(len(labels)), values, color="#1f5f99")
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(printout.chart_axis, fontsize=9)
    axes.set_title(printout.title, fontsize=10)
    for y, value in enumerate(values):
        axes.text(value, y, f" {value:g}", va="center", fontsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    alt = (f"Bar chart: {printout.title}. {printout.chart_axis} by "
           f"{', '.join(printout.chart_label)}: "
           + "; ".join(f"{label} {value:g}" for label, value in zip(labels, values, strict=True))
           + ".")
    return buffer.getvalue(), alt


def handouts_markdown(facilitation: Facilitation, root: Path,
                      write_image: Callable[[str, bytes], None]) -> str:
    """Return the printable handouts page; ``write_image(name, png)`` saves each chart."""
    from academy.data import describe

    module = facilitation.module
    lines = [f"# Printable handouts: {module.title}", "", _page_links(module, "handouts"), "",
             "Print this page for a class without computers (each handout starts a new page), "
             "together with the [session plan](session-plan.md) and the "
             "[role cards](role-cards.md) (one card per page). The tables and charts are "
             "computed from the module's datasets each time the book is built."]
    for i, printout in enumerate(facilitation.printouts, 1):
        table = printout_table(printout, root)
        info = describe(printout.dataset, root)
        # Four backticks: the container holds a ```{figure} block of its own.
        lines += ["", f"## Handout {i}: {printout.title}", "", "````{container} handout", ""]
        if printout.chart_value:
            png, alt = printout_chart(printout, table)
            name = f"handout-{i}.png"
            write_image(name, png)
            lines += ["```{figure} " + name, f":alt: {_cell(alt)}", ":width: 100%", "",
                      f"{printout.title} (the same figures are in the table below).", "```", ""]
        lines += [_table_markdown(printout, table), ""]
        if printout.note:
            lines += [printout.note.strip(), ""]
        sources = "; ".join(f"{s.publisher} ({s.year}), {s.title}" for s in info.sources)
        synthetic = " Synthetic data, generated for teaching." if info.synthetic else ""
        lines += [f"*Source*: {info.title}, from {sources}; licence {info.licence}.{synthetic}",
                  "", "````"]
    return "\n".join(lines) + "\n"


def facilitation_links_markdown(module: Module) -> str:
    """Return the line of an instructor chapter that links the module's facilitator's kit."""
    links = " · ".join(f"[{title}](../{module_page_path(module.id, page)}.md)"
                       for page, title in MODULE_PAGES.items())
    return f"**Facilitator's kit**: {links}."


def global_classroom_markdown(curriculum: Curriculum, facilitations: list[Facilitation],
                              programme: ProgrammeFacilitation) -> str:
    """Return the page on running the whole programme as a Global Classroom."""
    by_week: dict[int, list[Facilitation]] = {}
    for facilitation in facilitations:
        by_week.setdefault(facilitation.module.week, []).append(facilitation)
    extra = {w.week: w for w in programme.weeks}
    lines = ["# Running the programme as a Global Classroom", "",
             f"How to run the {len(curriculum.modules)} modules as one {curriculum.weeks}-week "
             "blended Global Classroom: classroom sessions, self-study with the notebooks, a "
             "study mission and mentoring, held together by one dialogue between stakeholders "
             "that runs across the modules.", "",
             f"## A {curriculum.weeks}-week schedule", "",
             "| Week | Classroom session | Self-study | Study mission, mentoring or Lab |",
             "|---|---|---|---|"]
    first = min([1, *(m.week for m in curriculum.modules)])  # week 0: an on-ramp, if any
    for week in range(first, curriculum.weeks + 1):
        sessions, study, field = [], [], []
        for f in by_week.get(week, []):
            m = f.module
            sessions.append(f"[{m.title}]({m.id}/session-plan.md): {f.session_minutes}-minute "
                            f"session with the role play ({len(f.roles)} roles)")
            study.append(f"{m.title}: notebook and reflection (about "
                         f"{m.exercise_minutes / 60:.1f} hours)")
            field.append(" ".join(_cell(m.activities[k]) for k in ("study_mission", "mentoring")
                                  if k in m.activities) or "Mentoring on the week's exercises.")
        if week in extra:
            sessions.append(_cell(extra[week].session))
            study.append(_cell(extra[week].self_study))
            field.append(_cell(extra[week].field))
        lines.append(f"| {week} | {'<br>'.join(sessions)} | {'<br>'.join(study)} | "
                     f"{'<br>'.join(field)} |")
    lines += ["", "## A Migration-Lab-style dialogue across the modules", "",
              programme.introduction.strip(), "",
              f"**The question the dialogue returns to each week**: "
              f"{programme.guiding_question.strip()}", ""]
    lines += [f"{i}. {step.strip()}" for i, step in enumerate(programme.across_modules, 1)]
    lines += ["", ground_rules_markdown(programme, curriculum.founding_publication), "",
              "## Each module's kit", "", "| Week | Module | Roles in its role play | Kit |",
              "|---|---|---|---|"]
    for f in facilitations:
        m = f.module
        roles = "; ".join(r.role for r in f.roles)
        kit = " · ".join(f"[{title}]({m.id}/{page}.md)" for page, title in MODULE_PAGES.items())
        lines.append(f"| {m.week} | {_chapter_link(m).replace('../../', '../')} | "
                     f"{_cell(roles)} | {kit} |")
    return "\n".join(lines) + "\n"


def _image_writer(write: Callable[[Path, bytes], None],
                  folder: Path) -> Callable[[str, bytes], None]:
    def write_image(name: str, png: bytes) -> None:
        write(folder / name, png)

    return write_image


def write_facilitation_pages(curriculum: Curriculum, out: Path,
                             write: Callable[[Path, bytes], None]) -> None:
    """Write the programme page and every module's facilitation pages under ``out``."""
    facilitations = load_all_facilitation(curriculum)
    programme = load_programme_facilitation(curriculum)
    base = out / FACILITATION_DIR
    write(base / "global-classroom.md",
          global_classroom_markdown(curriculum, facilitations, programme).encode())
    for f in facilitations:
        folder = base / f.module.id
        write(folder / "session-plan.md", session_plan_markdown(f).encode())
        write(folder / "role-cards.md", role_cards_markdown(
            f, programme, curriculum.founding_publication).encode())
        write(folder / "exemplars.md", exemplars_markdown(f).encode())
        write(folder / "misconceptions.md", misconceptions_markdown(f).encode())
        write(folder / "handouts.md",
              handouts_markdown(f, curriculum.root, _image_writer(write, folder)).encode())


def facilitation_toc_parts(curriculum: Curriculum) -> list[dict[str, Any]]:
    """Return the instructor edition's table-of-contents parts for the facilitator's pages.

    One part for the programme and one per module, with flat chapters: nested sections would
    give the theme's navigation collapsible toggles without an accessible name.
    """
    parts: list[dict[str, Any]] = [{"caption": "Facilitator's edition",
                                    "chapters": [{"file": PROGRAMME_PAGE}]}]
    for module in curriculum.modules:
        parts.append({"caption": f"Facilitator's kit: {module.title}",
                      "chapters": [{"file": module_page_path(module.id, p)}
                                   for p in MODULE_PAGES]})
    return parts
