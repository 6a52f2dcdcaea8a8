"""Display helpers used inside module notebooks: header, dataset citations, rubric, reading."""

from __future__ import annotations

from typing import Any

from academy.curriculum import Curriculum, Module, load_curriculum


def _markdown(text: str) -> Any:
    from IPython.display import Markdown

    return Markdown(text)


def _module(module_id: str) -> tuple[Curriculum, Module]:
    curriculum = load_curriculum()
    return curriculum, curriculum.module(module_id)


def header_markdown(curriculum: Curriculum, module: Module) -> str:
    """Return the Markdown of a module's header: questions, objectives, GCM and SDG links."""
    gcm = "\n".join(f"- **GCM Objective {n}**: {curriculum.gcm_objectives[n]}"
                    for n in module.gcm_objectives)
    sdg = "\n".join(f"- **SDG target {t}**: {curriculum.sdg_targets[t]}"
                    for t in module.sdg_targets)
    return "\n".join([
        f"**Level:** {module.level} · **Time:** about {module.hours:g} hours "
        f"({module.teaching_minutes} min guided, {module.exercise_minutes} min exercises) · "
        f"**Points:** {module.autograded_points:g} autograded + {module.manual_points:g} "
        "for the reflection",
        "",
        "### Questions", *[f"- {q}" for q in module.questions], "",
        "### Learning objectives", "By the end of this module you will be able to:",
        *[f"{i}. {o}" for i, o in enumerate(module.objectives, 1)], "",
        "### Policy frameworks", gcm, sdg,
    ])


def show_header(module_id: str) -> Any:
    """Return the module's header (questions, objectives, GCM/SDG links) as Markdown."""
    curriculum, module = _module(module_id)
    return _markdown(header_markdown(curriculum, module))


def show_sources(*dataset_names: str) -> Any:
    """Return Markdown citing each dataset: title, licence and sources."""
    from academy.data import describe

    return _markdown("\n\n".join(describe(name).citation_markdown() for name in dataset_names))


def rubric_markdown(module: Module) -> str:
    """Return the reflection rubric as a Markdown table per criterion."""
    parts = [f"**Rubric** ({module.rubric.max_points:g} points)", ""]
    for criterion in module.rubric.criteria:
        parts.append(f"**{criterion.name}** ({criterion.max_points:g} points): "
                     f"{criterion.description}")
        parts.append("")
        parts.append("| Level | Points | What it looks like |")
        parts.append("|---|---|---|")
        parts += [f"| {lv.label} | {lv.points:g} | {lv.descriptor} |" for lv in criterion.levels]
        parts.append("")
    return "\n".join(parts)


def show_rubric(module_id: str) -> Any:
    """Return the module's reflection rubric as Markdown, shown before learners write."""
    _, module = _module(module_id)
    return _markdown(rubric_markdown(module))


def show_key_points(module_id: str) -> Any:
    """Return the module's key points and further reading as Markdown."""
    _, module = _module(module_id)
    lines = ["### Key points", *[f"- {k}" for k in module.keypoints], "",
             "### Further reading"]
    lines += [f"- {c.publisher} ({c.year}). *{c.title}*. <{c.url}>" for c in module.further_reading]
    return _markdown("\n".join(lines))
