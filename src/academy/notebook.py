"""Display helpers used inside module notebooks: header, dataset citations, rubric, reading."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from academy.checks import CHECK_MESSAGES
from academy.curriculum import Curriculum, Module, load_curriculum


def _markdown(text: str) -> Any:
    from IPython.display import Markdown

    return Markdown(text)


def _module(module_id: str) -> tuple[Curriculum, Module]:
    curriculum = load_curriculum()
    return curriculum, curriculum.module(module_id)


# The fixed sentences of the helpers below: messages of the notebook interface catalogue
# (locales/<lang>/LC_MESSAGES/ui/notebook.po), shown in the learner's language.
HEADER_LINE = ("**Level:** {level} · **Time:** about {hours} hours ({guided} min guided, "
               "{exercises} min exercises) · **Points:** {autograded} autograded + {manual} "
               "for the reflection")
LEVELS = ("introductory", "intermediate", "advanced")
NOTEBOOK_MESSAGES = (
    HEADER_LINE, *LEVELS, "Questions", "Learning objectives",
    "By the end of this module you will be able to:", "Policy frameworks", "GCM Objective",
    "SDG target", "Rubric", "points", "Level", "Points", "What it looks like", "Key points",
    "Further reading", *CHECK_MESSAGES,
)


def _same(text: str) -> str:
    return text


def header_markdown(curriculum: Curriculum, module: Module,
                    t: Callable[[str], str] = _same) -> str:
    """Return the Markdown of a module's header: questions, objectives, GCM and SDG links.

    ``t`` translates each text (the learner's language in ``show_header``)."""
    gcm = "\n".join(f"- **{t('GCM Objective')} {n}**: {t(curriculum.gcm_objectives[n])}"
                    for n in module.gcm_objectives)
    sdg = "\n".join(f"- **{t('SDG target')} {target}**: {t(curriculum.sdg_targets[target])}"
                    for target in module.sdg_targets)
    return "\n".join([
        t(HEADER_LINE).format(
            level=t(module.level), hours=f"{module.hours:g}", guided=module.teaching_minutes,
            exercises=module.exercise_minutes, autograded=f"{module.autograded_points:g}",
            manual=f"{module.manual_points:g}"),
        "",
        f"### {t('Questions')}", *[f"- {t(q)}" for q in module.questions], "",
        f"### {t('Learning objectives')}", t("By the end of this module you will be able to:"),
        *[f"{i}. {t(o)}" for i, o in enumerate(module.objectives, 1)], "",
        f"### {t('Policy frameworks')}", gcm, sdg,
    ])


def _translate(text: str) -> str:
    from academy.notebook_language import translate

    return translate(text)


def show_header(module_id: str) -> Any:
    """Return the module's header (questions, objectives, GCM/SDG links) as Markdown."""
    curriculum, module = _module(module_id)
    return _markdown(header_markdown(curriculum, module, _translate))


def show_sources(*dataset_names: str) -> Any:
    """Return Markdown citing each dataset: title, licence and sources."""
    from academy.data import describe

    return _markdown("\n\n".join(describe(name).citation_markdown() for name in dataset_names))


def rubric_markdown(module: Module, t: Callable[[str], str] = _same) -> str:
    """Return the reflection rubric as a Markdown table per criterion."""
    parts = [f"**{t('Rubric')}** ({module.rubric.max_points:g} {t('points')})", ""]
    for criterion in module.rubric.criteria:
        parts.append(f"**{t(criterion.name)}** ({criterion.max_points:g} {t('points')}): "
                     f"{t(criterion.description)}")
        parts.append("")
        parts.append(f"| {t('Level')} | {t('Points')} | {t('What it looks like')} |")
        parts.append("|---|---|---|")
        parts += [f"| {t(lv.label)} | {lv.points:g} | {t(lv.descriptor)} |"
                  for lv in criterion.levels]
        parts.append("")
    return "\n".join(parts)


def show_rubric(module_id: str) -> Any:
    """Return the module's reflection rubric as Markdown, shown before learners write."""
    _, module = _module(module_id)
    return _markdown(rubric_markdown(module, _translate))


def show_key_points(module_id: str) -> Any:
    """Return the module's key points and further reading as Markdown."""
    _, module = _module(module_id)
    t = _translate
    lines = [f"### {t('Key points')}", *[f"- {t(k)}" for k in module.keypoints], "",
             f"### {t('Further reading')}"]
    lines += [f"- {c.publisher} ({c.year}). *{c.title}*. <{c.url}>" for c in module.further_reading]
    return _markdown("\n".join(lines))
