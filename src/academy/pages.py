"""The book's generated pages: syllabus, schedule, curriculum map, heatmap and module reading.

Every function here reads the curriculum model only, so the pages change when curriculum/ or a
module's module.yml changes, and nothing in them is listed by hand.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from academy.curriculum import Citation, Curriculum, Module

ACTIVITY_LABELS = {
    "classroom": "In the classroom",
    "study_mission": "Study mission",
    "mentoring": "Mentoring",
    "self_study": "Self-study",
}
HEATMAP_FILE = "images/curriculum-map.png"


def _link(module: Module, prefix: str = "") -> str:
    return f"[{module.title}]({prefix}modules/{module.id})"


def syllabus_markdown(curriculum: Curriculum) -> str:
    """Return the syllabus page: modules in order with hours, level, prerequisites and outcomes."""
    total = sum(m.hours for m in curriculum.modules)
    lines = [
        "# Syllabus", "", curriculum.summary, "",
        f"The programme runs over {curriculum.weeks} weeks and {len(curriculum.modules)} modules, "
        f"about {total:g} hours of learner work in all.{_week_zero_note(curriculum)}", "",
        "| Week | Module | Level | Hours | Prerequisites |", "|---|---|---|---|---|",
    ]
    titles = {m.id: m.title for m in curriculum.modules}
    for m in curriculum.modules:
        prereq = ", ".join(titles[p] for p in m.prerequisites) or "none"
        lines.append(f"| {m.week} | {_link(m)} | {m.level} | {m.hours:g} | {prereq} |")
    for m in curriculum.modules:
        lines += ["", f"## {m.title}", "",
                  f"*Week {m.week} · {m.level} · about {m.hours:g} hours "
                  f"({m.teaching_minutes} min guided, {m.exercise_minutes} min exercises)*", "",
                  m.summary.strip(), "", "**Learning objectives**", ""]
        lines += [f"{i}. {o}" for i, o in enumerate(m.objectives, 1)]
        lines += ["", "**Key points**", ""] + [f"- {k}" for k in m.keypoints]
        lines += ["", "**Blended learning**", ""]
        lines += [f"- *{ACTIVITY_LABELS[k]}*: {v.strip()}" for k, v in m.activities.items()]
    lines += ["", "The [blended-learning schedule](schedule) puts these activities into a "
              f"{curriculum.weeks}-week plan."]
    return "\n".join(lines) + "\n"


def _week_zero_note(curriculum: Curriculum) -> str:
    """Return a sentence on the week-0 modules (done before the first session), or nothing."""
    early = [m.title for m in curriculum.modules if m.week == 0]
    if not early:
        return ""
    return (f" Week 0 comes before the first session: {', '.join(early)} takes learners who have "
            "never coded to the skills the other modules use; learners who already work with "
            "pandas can skim it.")


def _modules_by_week(curriculum: Curriculum) -> dict[int, list[Module]]:
    first = min([1, *(m.week for m in curriculum.modules)])  # week 0: an on-ramp, if any
    weeks: dict[int, list[Module]] = {w: [] for w in range(first, curriculum.weeks + 1)}
    for module in curriculum.modules:
        weeks.setdefault(module.week, []).append(module)
    return weeks


def _plan_cells(modules: list[Module], week: int, last_week: int) -> tuple[str, str, str]:
    """Return the classroom, mission-or-mentoring and self-study cells of one week's plan."""
    if modules:
        classroom = "<br>".join(f"{m.title}: {m.activities['classroom'].strip()}"
                                for m in modules)
        field = "<br>".join(
            f"{m.title}: " + " ".join(m.activities[k].strip()
                                      for k in ("study_mission", "mentoring") if k in m.activities)
            if any(k in m.activities for k in ("study_mission", "mentoring"))
            else f"{m.title}: mentoring session on the week's exercises"
            for m in modules)
        hours = sum(m.exercise_minutes for m in modules) / 60
        self_study = (f"{'; '.join(m.title for m in modules)} notebook"
                      f"{'s' if len(modules) > 1 else ''}: exercises, self-checks and reflection "
                      f"(about {hours:g} hours); submit before the next session.")
        return classroom, field, self_study
    if week == last_week:
        return ("Capstone: groups present a policy brief that draws on the modules, and review "
                "each other's briefs against the modules' rubrics.",
                "Mentoring: mentors give feedback on the briefs; course evaluation.",
                "Finish the policy brief; revisit the feedback on your graded notebooks.")
    return ("Review session: questions on the graded notebooks and their feedback.",
            "Mentoring in small groups on a policy question of each learner's own country.",
            "Revisit earlier modules' self-checks; start the capstone policy brief.")


def schedule_markdown(curriculum: Curriculum) -> str:
    """Return the blended-learning schedule: activities per module and a sample weekly plan."""
    lines = [
        "# Blended-learning schedule", "",
        "A Global Classroom combines four ways of learning: sessions in the classroom, study "
        "missions to institutions that do the work, mentoring by practitioners, and web-based "
        "self-study with the notebooks of this book. This page is generated from the programme "
        "and the modules' metadata.", "",
        "## What happens where, module by module", "",
        "| Module | In the classroom | Study mission or mentoring | Self-study |",
        "|---|---|---|---|",
    ]
    for m in curriculum.modules:
        field = " ".join(
            f"*{ACTIVITY_LABELS[k]}*: {m.activities[k].strip()}"
            for k in ("study_mission", "mentoring") if k in m.activities) or "—"
        lines.append(f"| {_link(m)} | {m.activities['classroom'].strip()} | {field} | "
                     f"{m.activities['self_study'].strip()} |")
    lines += ["", f"## A sample {curriculum.weeks}-week Global Classroom", "",
              "One classroom session and one study mission or mentoring session a week, with "
              "self-study in between. Weeks without a module are for review, mentoring and the "
              "capstone policy brief.", "",
              "| Week | Modules | Classroom session | Study mission or mentoring | Self-study |",
              "|---|---|---|---|---|"]
    for week, modules in _modules_by_week(curriculum).items():
        classroom, field, self_study = _plan_cells(modules, week, curriculum.weeks)
        names = ", ".join(_link(m) for m in modules) or "—"
        lines.append(f"| {week} | {names} | {classroom} | {field} | {self_study} |")
    return "\n".join(lines) + "\n"


def covered_gcm_objectives(curriculum: Curriculum) -> list[int]:
    """Return the GCM objective numbers served by at least one module, in order."""
    return sorted({n for m in curriculum.modules for n in m.gcm_objectives})


def heatmap_alt_text(curriculum: Curriculum) -> str:
    """Return the heatmap's alt text: what it shows and, in words, every filled cell."""
    parts = [f"{m.title}: GCM objective{'s' if len(m.gcm_objectives) > 1 else ''} "
             f"{', '.join(str(n) for n in sorted(m.gcm_objectives))}; SDG target"
             f"{'s' if len(m.sdg_targets) > 1 else ''} {', '.join(m.sdg_targets)}"
             for m in curriculum.modules]
    return ("Heatmap of modules (rows) against the 23 GCM objectives and the SDG targets the "
            "modules serve (columns); a filled cell means the module serves that objective or "
            "target. " + ". ".join(parts) + ".")


def heatmap_png(curriculum: Curriculum) -> bytes:
    """Return a PNG heatmap of which module serves which GCM objective and SDG target."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    gcm = list(curriculum.gcm_objectives)
    sdg = [t for t in curriculum.sdg_targets
           if any(t in m.sdg_targets for m in curriculum.modules)]
    columns = [f"G{n}" for n in gcm] + [f"SDG {t}" for t in sdg]
    grid = [[1.0 if n in m.gcm_objectives else 0.0 for n in gcm]
            + [0.6 if t in m.sdg_targets else 0.0 for t in sdg] for m in curriculum.modules]
    height = 1.6 + 0.42 * max(1, len(curriculum.modules))
    figure = Figure(figsize=(min(12.0, 3.0 + 0.32 * len(columns)), height), dpi=110)
    axes = figure.subplots()
    axes.imshow(grid, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    axes.set_xticks(range(len(columns)), columns, rotation=90, fontsize=8)
    axes.set_yticks(range(len(curriculum.modules)), [m.title for m in curriculum.modules],
                    fontsize=9)
    axes.set_xticks([x - 0.5 for x in range(1, len(columns))], minor=True)
    axes.set_yticks([y - 0.5 for y in range(1, len(curriculum.modules))], minor=True)
    axes.grid(which="minor", color="white", linewidth=1)
    axes.tick_params(which="minor", length=0)
    axes.axvline(len(gcm) - 0.5, color="#333333", linewidth=1.5)
    axes.set_title("GCM objectives (G1-G23) and SDG targets served by each module", fontsize=10)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def curriculum_map_markdown(curriculum: Curriculum) -> str:
    """Return the curriculum map: GCM and SDG coverage tables, heatmap, practitioners' paths."""
    lines = ["# Curriculum map", "",
             "Which objectives of the Global Compact for Safe, Orderly and Regular Migration (GCM) "
             "and which targets of the Sustainable Development Goals (SDGs) each module serves.",
             "", "```{figure} " + HEATMAP_FILE, f":alt: {heatmap_alt_text(curriculum)}",
             ":width: 100%", "", "Modules against GCM objectives (dark) and SDG targets (light). "
             "The same information is in the tables below.", "```", "",
             "## GCM objectives", "", "| GCM objective | Modules |", "|---|---|"]
    for number, title in curriculum.gcm_objectives.items():
        modules = [_link(m) for m in curriculum.modules if number in m.gcm_objectives]
        lines.append(f"| {number}. {title} | {'; '.join(modules) or '—'} |")
    lines += ["", "## SDG targets", "", "| SDG target | Modules |", "|---|---|"]
    for target, title in curriculum.sdg_targets.items():
        modules = [_link(m) for m in curriculum.modules if target in m.sdg_targets]
        if modules:
            lines.append(f"| {target} {title} | {'; '.join(modules)} |")
    lines += ["", "## Paths for policy practitioners", "",
              "If your work is about one GCM objective, take these modules, in this order "
              "(prerequisites included)."]
    titles = {m.id: m for m in curriculum.modules}
    for number in covered_gcm_objectives(curriculum):
        path = _practitioner_path(curriculum, number)
        keyword = curriculum.gcm_keywords.get(number, "")
        hours = sum(titles[i].hours for i in path)
        lines += ["", f"**Objective {number} ({keyword})**: "
                  + " → ".join(_link(titles[i]) for i in path) + f" (about {hours:g} hours)"]
    return "\n".join(lines) + "\n"


def _practitioner_path(curriculum: Curriculum, objective: int) -> list[str]:
    """Return the ids of the modules serving ``objective`` plus their prerequisites, in order."""
    by_id = {m.id: m for m in curriculum.modules}
    wanted: set[str] = set()
    stack = [m.id for m in curriculum.modules if objective in m.gcm_objectives]
    while stack:
        module_id = stack.pop()
        if module_id not in wanted:
            wanted.add(module_id)
            stack += list(by_id[module_id].prerequisites)
    return [m.id for m in curriculum.modules if m.id in wanted]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def citation_key(citation: Citation) -> str:
    """Return a stable BibTeX key for a citation: publisher, year and first title words."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", citation.title)
             if w.lower() not in {"the", "a", "an", "of", "and", "on", "for", "in"}]
    return f"{_slug(citation.publisher.split()[0])}{citation.year}{_slug(''.join(words[:2]))}"


def _bib_escape(text: str) -> str:
    return text.replace("\\", "").replace("{", "").replace("}", "").replace("&", r"\&") \
        .replace("%", r"\%").replace("#", r"\#").replace("_", r"\_")


def further_reading_bib(modules: Iterable[Module], known_titles: dict[str, str]) -> tuple[
        str, dict[str, list[str]]]:
    """Return a BibTeX file of the modules' further reading and each module's citation keys.

    ``known_titles`` maps normalised titles of hand-written bibliography entries to their keys;
    a module's reading that is already there is cited by that key instead of a new entry.
    """
    entries: dict[str, str] = {}
    keys: dict[str, list[str]] = {}
    by_identity: dict[str, str] = {}  # the same work cited by several modules gets one key
    for module in modules:
        keys[module.id] = []
        for citation in module.further_reading:
            identity = f"{_slug(citation.title)}{citation.year}"
            key = known_titles.get(_slug(citation.title)) or by_identity.get(identity, "")
            if not key:
                base = key = citation_key(citation)
                suffix = ord("a")
                while key in entries or key in known_titles.values():
                    key, suffix = f"{base}{chr(suffix)}", suffix + 1
                by_identity[identity] = key
                entries[key] = (
                    f"@misc{{{key},\n  title = {{{{{_bib_escape(citation.title)}}}}},\n"
                    f"  author = {{{{{_bib_escape(citation.publisher)}}}}},\n"
                    f"  year = {{{citation.year}}},\n  url = {{{citation.url}}}\n}}\n")
            if key not in keys[module.id]:
                keys[module.id].append(key)
    return "\n".join(entries.values()), keys


def bib_titles(bibtex: str) -> dict[str, str]:
    """Return normalised title → key for the entries of a (hand-written) BibTeX file."""
    titles: dict[str, str] = {}
    for match in re.finditer(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", bibtex, re.DOTALL):
        title = re.search(r"title\s*=\s*[{\"](.*?)[}\"]\s*,?\s*\n", match.group(2), re.DOTALL)
        if title:
            titles[_slug(title.group(1))] = match.group(1)
    return titles
