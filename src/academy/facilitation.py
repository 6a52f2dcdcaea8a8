"""The facilitator's material of each module and of the programme, read and checked.

Each module has ``modules/<id>/facilitation.yml`` (session plan, role-play kit, exemplar
reflections, misconceptions, printouts for a class without computers), validated against
``schemas/facilitation.schema.json`` and then against the module itself: the exercises it names
must exist in the module's notebook (by grade_id), the exemplars must cover every level of the
rubric, the classroom session must last 90 to 120 minutes. The programme's material (dialogue
skills, weeks without a module) is ``facilitation/programme.yml``. Exercise titles, self-check
hints and the exercise audit's wrong answers are read from the module's own files at build time,
so the pages follow the module when its exercises change. None of this reaches learners: the
pages are rendered into the instructor edition only (``academy.facilitation_pages``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from academy.curriculum import (
    Curriculum,
    CurriculumError,
    Module,
    read_yaml,
    validate_against_schema,
)

FACILITATION_FILE = "facilitation.yml"
PROGRAMME_FILE = Path("facilitation") / "programme.yml"
SESSION_MINUTES = (90, 120)
REQUIRED_STEPS = ("opening", "data_walkthrough", "pair_work", "role_play", "debrief")


class FacilitationError(CurriculumError):
    """Facilitation material is missing or invalid; the message names the file and the field."""


@dataclass(frozen=True)
class Exercise:
    """One autograded exercise of a module, as its notebook states it."""

    grade_id: str
    title: str
    self_check_hints: tuple[str, ...]


@dataclass(frozen=True)
class SessionStep:
    minutes: int
    kind: str
    activity: str
    detail: str
    exercise: str = ""


@dataclass(frozen=True)
class Evidence:
    point: str
    exercise: str = ""
    dataset: str = ""


@dataclass(frozen=True)
class RoleCard:
    role: str
    stakeholder: str
    brief: str
    interests: tuple[str, ...]
    constraints: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Exemplar:
    level: str
    reflection: str
    scores: dict[str, float]
    commentary: str

    @property
    def total(self) -> float:
        return sum(self.scores.values())


@dataclass(frozen=True)
class Misconception:
    exercises: tuple[str, ...]
    belief: str
    address: str


@dataclass(frozen=True)
class Printout:
    """A table (and optionally a bar chart) printed from one of the module's datasets."""

    dataset: str
    title: str
    columns: tuple[str, ...]
    where: dict[str, Any]
    group_by: tuple[str, ...]
    aggregate: dict[str, str]
    sort_by: str = ""
    descending: bool = False
    limit: int = 0
    decimals: int = 1
    chart_label: tuple[str, ...] = ()
    chart_value: str = ""
    chart_axis: str = ""
    note: str = ""


@dataclass(frozen=True)
class Facilitation:
    """Everything a facilitator needs to run one module's blended session."""

    module: Module
    before: tuple[str, ...]
    classroom: tuple[SessionStep, ...]
    after: tuple[str, ...]
    without_computers: tuple[str, ...]
    online: tuple[str, ...]
    scenario: str
    roles: tuple[RoleCard, ...]
    debrief: tuple[str, ...]
    exemplars: tuple[Exemplar, ...]
    misconceptions: tuple[Misconception, ...]
    printouts: tuple[Printout, ...]
    exercises: dict[str, Exercise]
    wrong_answers: dict[str, tuple[str, ...]]  # answer grade_id -> why each wrong answer fails

    @property
    def session_minutes(self) -> int:
        return sum(step.minutes for step in self.classroom)


@dataclass(frozen=True)
class DialogueSkill:
    skill: str
    practice: str
    ground_rule: str


@dataclass(frozen=True)
class ProgrammeWeek:
    week: int
    kind: str
    session: str
    self_study: str
    field: str


@dataclass(frozen=True)
class ProgrammeFacilitation:
    """How to run the whole programme as a Global Classroom, with a dialogue across modules."""

    introduction: str
    skills: tuple[DialogueSkill, ...]
    guiding_question: str
    across_modules: tuple[str, ...]
    weeks: tuple[ProgrammeWeek, ...]


def _visible_hints(source: str) -> list[str]:
    from academy.check_cells import CheckCellError, parse_checks

    try:
        return [c.hint for c in parse_checks(source) if c.visible and c.hint]
    except CheckCellError:
        return []


def notebook_exercises(module: Module) -> dict[str, Exercise]:
    """Return the module's autograded exercises by answer grade_id, with titles and hints.

    The title is the notebook's "Exercise ..." heading above the answer cell (points removed);
    the hints are those of the visible self-checks in the test cells that follow it.
    """
    import nbformat

    from academy.exercise_titles import notebook_titles

    exercises: dict[str, Exercise] = {}
    for name in module.notebooks:
        notebook = nbformat.read(module.notebook_path(name), as_version=4)
        learner_titles = notebook_titles(notebook)
        cells = notebook.cells
        current = ""
        hints: dict[str, list[str]] = {}
        titles: dict[str, str] = {}
        for cell in cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code":
                continue
            if meta.get("solution") and meta.get("grade_id"):
                current = meta["grade_id"]
                titles[current] = learner_titles.get(current, current)
                hints[current] = []
            elif meta.get("grade") and current:
                hints[current] += _visible_hints(cell.source)
        exercises |= {g: Exercise(g, titles[g], tuple(dict.fromkeys(hints[g]))) for g in titles}
    return exercises


def module_wrong_answers(module: Module) -> dict[str, tuple[str, ...]]:
    """Return, per answer grade_id, why each plausible wrong answer of the audit is wrong."""
    path = module.folder / "wrong_answers.yml"
    if not path.is_file():
        return {}
    entries = read_yaml(path) or []
    grouped: dict[str, list[str]] = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("answer") and entry.get("why"):
            grouped.setdefault(str(entry["answer"]), []).append(str(entry["why"]).strip())
    return {answer: tuple(whys) for answer, whys in grouped.items()}


def _printout(raw: dict[str, Any]) -> Printout:
    chart = raw.get("chart") or {}
    return Printout(
        dataset=raw["dataset"], title=raw["title"], columns=tuple(raw["columns"]),
        where=dict(raw.get("where") or {}), group_by=tuple(raw.get("group_by") or ()),
        aggregate=dict(raw.get("aggregate") or {}), sort_by=raw.get("sort_by", ""),
        descending=bool(raw.get("descending", False)), limit=int(raw.get("limit", 0)),
        decimals=int(raw.get("decimals", 1)), chart_label=tuple(chart.get("label", ())),
        chart_value=chart.get("value", ""), chart_axis=chart.get("axis", ""),
        note=raw.get("note", ""))


def _parse(module: Module, raw: dict[str, Any]) -> Facilitation:
    session, play = raw["session"], raw["role_play"]
    return Facilitation(
        module=module,
        before=tuple(session["before"]),
        classroom=tuple(SessionStep(s["minutes"], s["kind"], s["activity"], s["detail"],
                                    s.get("exercise", "")) for s in session["classroom"]),
        after=tuple(session["after"]),
        without_computers=tuple(session["without_computers"]),
        online=tuple(session["online"]),
        scenario=play["scenario"],
        roles=tuple(RoleCard(r["role"], r["stakeholder"], r["brief"], tuple(r["interests"]),
                             tuple(r["constraints"]),
                             tuple(Evidence(e["point"], e.get("exercise", ""),
                                            e.get("dataset", "")) for e in r["evidence"]))
                    for r in play["roles"]),
        debrief=tuple(play["debrief"]),
        exemplars=tuple(Exemplar(e["level"], e["reflection"],
                                 {k: float(v) for k, v in e["scores"].items()}, e["commentary"])
                        for e in raw["exemplars"]),
        misconceptions=tuple(Misconception(tuple(m["exercises"]), m["belief"], m["address"])
                             for m in raw["misconceptions"]),
        printouts=tuple(_printout(p) for p in raw["printouts"]),
        exercises=notebook_exercises(module),
        wrong_answers=module_wrong_answers(module),
    )


def _rubric_levels(module: Module) -> list[str]:
    """Return the rubric's level labels from lowest to highest (as the first criterion lists)."""
    labels: list[str] = []
    for criterion in module.rubric.criteria:
        for level in criterion.levels:
            if level.label not in labels:
                labels.append(level.label)
    return labels


def check_facilitation(facilitation: Facilitation, path: Path) -> list[str]:
    """Return every way the material disagrees with its module, one line naming the field."""
    module = facilitation.module
    problems: list[str] = []
    minutes = facilitation.session_minutes
    low, high = SESSION_MINUTES
    if not low <= minutes <= high:
        problems.append(f"{path}: session.classroom: the steps last {minutes} minutes; a "
                        f"classroom session lasts {low} to {high}")
    kinds = {step.kind for step in facilitation.classroom}
    for kind in REQUIRED_STEPS:
        if kind not in kinds:
            problems.append(f"{path}: session.classroom: no step of kind '{kind}'")
    known = facilitation.exercises

    def check_exercise(grade_id: str, field: str) -> None:
        if grade_id and grade_id not in known:
            problems.append(f"{path}: {field}: no exercise '{grade_id}' in "
                            f"{module.notebook_path().name} (answer cells: {', '.join(known)})")

    for i, step in enumerate(facilitation.classroom):
        check_exercise(step.exercise, f"session.classroom[{i}].exercise")
    for i, role in enumerate(facilitation.roles):
        if role.stakeholder not in module.stakeholders:
            problems.append(f"{path}: role_play.roles[{i}].stakeholder: '{role.stakeholder}' "
                            "is not among the module's stakeholders "
                            f"({', '.join(module.stakeholders)})")
        for j, evidence in enumerate(role.evidence):
            field = f"role_play.roles[{i}].evidence[{j}]"
            check_exercise(evidence.exercise, f"{field}.exercise")
            if evidence.dataset and evidence.dataset not in module.datasets:
                problems.append(f"{path}: {field}.dataset: '{evidence.dataset}' is not one of "
                                f"the module's datasets ({', '.join(module.datasets)})")
    names = [role.role for role in facilitation.roles]
    if len(set(names)) != len(names):
        problems.append(f"{path}: role_play.roles: two cards have the same role name")
    levels = _rubric_levels(module)
    given = [e.level for e in facilitation.exemplars]
    if sorted(given) != sorted(levels):
        problems.append(f"{path}: exemplars: expected one exemplar per rubric level "
                        f"({', '.join(levels)}), found {', '.join(given) or 'none'}")
    criteria = {c.name: {lv.points for lv in c.levels} for c in module.rubric.criteria}
    for i, exemplar in enumerate(facilitation.exemplars):
        if set(exemplar.scores) != set(criteria):
            problems.append(f"{path}: exemplars[{i}].scores: expected a score for each rubric "
                            f"criterion ({', '.join(criteria)})")
            continue
        for name, points in exemplar.scores.items():
            if points not in criteria[name]:
                problems.append(f"{path}: exemplars[{i}].scores.{name}: {points:g} is not a "
                                "level of this criterion")
    for i, misconception in enumerate(facilitation.misconceptions):
        for j, grade_id in enumerate(misconception.exercises):
            check_exercise(grade_id, f"misconceptions[{i}].exercises[{j}]")
    for i, printout in enumerate(facilitation.printouts):
        if printout.dataset not in module.datasets:
            problems.append(f"{path}: printouts[{i}].dataset: '{printout.dataset}' is not one "
                            f"of the module's datasets ({', '.join(module.datasets)})")
    if facilitation.printouts and not any(p.chart_value for p in facilitation.printouts):
        problems.append(f"{path}: printouts: none has a chart; a class without computers needs "
                        "at least one figure (add `chart: {label: [...], value: ..., axis: ...}`)")
    return problems


def load_facilitation(module: Module) -> Facilitation:
    """Return the module's checked facilitation material.

    Raises FacilitationError, one line per problem naming the file and the field, when the file
    is missing, invalid, or disagrees with the module.
    """
    path = module.folder / FACILITATION_FILE
    if not path.is_file():
        raise FacilitationError(f"{path}: file not found: every module in the programme needs "
                                "its facilitation material (session plan, role cards, "
                                "exemplars, misconceptions, printouts)")
    raw = read_yaml(path)
    try:
        validate_against_schema(raw, "facilitation", path)
    except CurriculumError as exc:
        raise FacilitationError(str(exc)) from None
    facilitation = _parse(module, raw)
    problems = check_facilitation(facilitation, path)
    if problems:
        raise FacilitationError("\n".join(problems))
    return facilitation


def load_all_facilitation(curriculum: Curriculum) -> list[Facilitation]:
    """Return every module's facilitation material; raise one error listing all problems."""
    found: list[Facilitation] = []
    problems: list[str] = []
    for module in curriculum.modules:
        try:
            found.append(load_facilitation(module))
        except FacilitationError as exc:
            problems.append(str(exc))
    if problems:
        raise FacilitationError("\n".join(problems))
    return found


def load_programme_facilitation(curriculum: Curriculum) -> ProgrammeFacilitation:
    """Return the programme's facilitation material, checked against the programme's weeks."""
    path = curriculum.root / PROGRAMME_FILE
    raw = read_yaml(path)
    try:
        validate_against_schema(raw, "facilitation_programme", path)
    except CurriculumError as exc:
        raise FacilitationError(str(exc)) from None
    dialogue = raw["dialogue"]
    weeks = tuple(ProgrammeWeek(w["week"], w["kind"], w["session"], w["self_study"], w["field"])
                  for w in raw["weeks"])
    problems = []
    with_module = {m.week for m in curriculum.modules}
    described = [w.week for w in weeks]
    for week in range(1, curriculum.weeks + 1):
        if week not in with_module and week not in described:
            problems.append(f"{path}: weeks: week {week} has no module and no entry here")
    for i, week in enumerate(described):
        if week > curriculum.weeks or described.index(week) != i:
            problems.append(f"{path}: weeks[{i}].week: week {week} is a duplicate or after the "
                            f"programme's last week ({curriculum.weeks})")
    if "study_mission" not in {w.kind for w in weeks}:
        problems.append(f"{path}: weeks: no week of kind 'study_mission'")
    if problems:
        raise FacilitationError("\n".join(problems))
    return ProgrammeFacilitation(
        introduction=dialogue["introduction"],
        skills=tuple(DialogueSkill(s["skill"], s["practice"], s["ground_rule"])
                     for s in dialogue["skills"]),
        guiding_question=dialogue["guiding_question"],
        across_modules=tuple(dialogue["across_modules"]),
        weeks=weeks,
    )
