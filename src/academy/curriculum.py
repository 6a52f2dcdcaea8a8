"""The curriculum model: programme, modules, GCM objectives and SDG targets, validated."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from academy.errors import AcademyError
from academy.paths import project_root
from academy.yamlio import parse_yaml

MEASURABLE_VERBS = frozenset(
    """apply assess build calculate classify compare compute construct decide describe design
    distinguish draft estimate evaluate explain identify interpret justify list map match measure
    normalise price propose rank recommend test use weigh""".split()
)


class CurriculumError(AcademyError, ValueError):
    """A curriculum file is invalid; the message names the file and the field."""


class UnknownModuleError(AcademyError, KeyError):
    """A module id that is not in the programme (a KeyError whose message reads plainly)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown module"


@dataclass(frozen=True)
class Citation:
    title: str
    publisher: str
    year: int
    url: str


@dataclass(frozen=True)
class RubricLevel:
    points: float
    label: str
    descriptor: str


@dataclass(frozen=True)
class RubricCriterion:
    name: str
    description: str
    levels: tuple[RubricLevel, ...]

    @property
    def max_points(self) -> float:
        return max(level.points for level in self.levels)


@dataclass(frozen=True)
class Rubric:
    grade_id: str
    prompt: str
    criteria: tuple[RubricCriterion, ...]

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.criteria)


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    summary: str
    level: str
    prerequisites: tuple[str, ...]
    teaching_minutes: int
    exercise_minutes: int
    notebooks: tuple[str, ...]
    questions: tuple[str, ...]
    objectives: tuple[str, ...]
    keypoints: tuple[str, ...]
    gcm_objectives: tuple[int, ...]
    sdg_targets: tuple[str, ...]
    datasets: tuple[str, ...]
    stakeholders: tuple[str, ...]
    activities: dict[str, str]
    autograded_points: float
    manual_points: float
    rubric: Rubric
    further_reading: tuple[Citation, ...]
    folder: Path
    week: int
    teaching_notes: str = ""

    @property
    def hours(self) -> float:
        return round((self.teaching_minutes + self.exercise_minutes) / 60, 1)

    def notebook_path(self, notebook: str | None = None) -> Path:
        """Return the path of one of the module's source notebooks (the first by default)."""
        return self.folder / f"{notebook or self.notebooks[0]}.ipynb"


@dataclass(frozen=True)
class Curriculum:
    root: Path
    title: str
    organisation: str
    summary: str
    weeks: int
    founding_publication: Citation | None
    modules: tuple[Module, ...]
    gcm_objectives: dict[int, str]
    gcm_keywords: dict[int, str]
    sdg_goals: dict[int, str]
    sdg_targets: dict[str, str]

    def module(self, module_id: str) -> Module:
        """Return the module with this id, or raise UnknownModuleError naming the known ids."""
        for module in self.modules:
            if module.id == module_id:
                return module
        known = ", ".join(m.id for m in self.modules)
        raise UnknownModuleError(f"No module '{module_id}' in the programme (known: {known})")


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files("academy.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _field_path(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def read_yaml(path: Path) -> Any:
    """Return the parsed content of a YAML file, with errors that name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CurriculumError(f"{path}: file not found") from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        raise CurriculumError(f"{path}: not valid YAML: {exc}") from None


def validate_against_schema(data: Any, schema_name: str, path: Path) -> None:
    """Raise CurriculumError listing every schema violation in ``data`` by file and field."""
    validator = jsonschema.Draft202012Validator(_schema(schema_name))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{path}: {_field_path(e.absolute_path)}: {e.message}" for e in errors]
        raise CurriculumError("\n".join(lines))


def _citation(raw: dict[str, Any] | None) -> Citation | None:
    if not raw:
        return None
    return Citation(str(raw["title"]), str(raw["publisher"]), int(raw["year"]), str(raw["url"]))


def _module(raw: dict[str, Any], folder: Path, week: int) -> Module:
    rubric = raw["rubric"]
    return Module(
        id=raw["id"],
        title=raw["title"],
        summary=raw["summary"],
        level=raw["level"],
        prerequisites=tuple(raw["prerequisites"]),
        teaching_minutes=raw["minutes"]["teaching"],
        exercise_minutes=raw["minutes"]["exercises"],
        notebooks=tuple(raw["notebooks"]),
        questions=tuple(raw["questions"]),
        objectives=tuple(raw["objectives"]),
        keypoints=tuple(raw["keypoints"]),
        gcm_objectives=tuple(raw["gcm_objectives"]),
        sdg_targets=tuple(raw["sdg_targets"]),
        datasets=tuple(raw["datasets"]),
        stakeholders=tuple(raw["stakeholders"]),
        activities=dict(raw["activities"]),
        autograded_points=float(raw["points"]["autograded"]),
        manual_points=float(raw["points"]["manual"]),
        rubric=Rubric(
            grade_id=rubric["grade_id"],
            prompt=rubric["prompt"],
            criteria=tuple(
                RubricCriterion(
                    name=c["name"],
                    description=c["description"],
                    levels=tuple(RubricLevel(float(lv["points"]), lv["label"], lv["descriptor"])
                                 for lv in c["levels"]),
                )
                for c in rubric["criteria"]
            ),
        ),
        further_reading=tuple(c for c in (_citation(r) for r in raw["further_reading"]) if c),
        folder=folder,
        week=week,
        teaching_notes=raw.get("teaching_notes", ""),
    )


def _check_module(module: Module, path: Path, cur_gcm: dict[int, str], cur_sdg: dict[str, str],
                  datasets: set[str], known_ids: list[str]) -> list[str]:
    problems: list[str] = []
    if module.id != module.folder.name:
        problems.append(f"{path}: id: '{module.id}' differs from its folder name "
                        f"'{module.folder.name}'")
    for i, number in enumerate(module.gcm_objectives):
        if number not in cur_gcm:
            problems.append(f"{path}: gcm_objectives[{i}]: unknown GCM objective {number}")
    for i, target in enumerate(module.sdg_targets):
        if target not in cur_sdg:
            problems.append(f"{path}: sdg_targets[{i}]: SDG target '{target}' is not listed in "
                            "curriculum/sdg_targets.yml")
    for i, name in enumerate(module.datasets):
        if name not in datasets:
            problems.append(f"{path}: datasets[{i}]: no dataset '{name}' in "
                            "datasets/datapackage.yaml")
    earlier = known_ids[: known_ids.index(module.id)] if module.id in known_ids else known_ids
    for i, prereq in enumerate(module.prerequisites):
        if prereq not in earlier:
            problems.append(f"{path}: prerequisites[{i}]: '{prereq}' is not a module that comes "
                            "earlier in curriculum/programme.yml")
    for i, objective in enumerate(module.objectives):
        verb = re.split(r"\W+", objective.strip(), maxsplit=1)[0].lower()
        if verb not in MEASURABLE_VERBS:
            problems.append(f"{path}: objectives[{i}]: starts with '{verb}', which is not a "
                            "measurable verb (e.g. compute, compare, explain, design)")
    for i, notebook in enumerate(module.notebooks):
        if not module.notebook_path(notebook).is_file():
            problems.append(f"{path}: notebooks[{i}]: {module.notebook_path(notebook)} is missing")
    if abs(module.rubric.max_points - module.manual_points) > 1e-9:
        problems.append(f"{path}: rubric.criteria: the levels' top points add up to "
                        f"{module.rubric.max_points:g}, but points.manual is "
                        f"{module.manual_points:g}")
    for i, criterion in enumerate(module.rubric.criteria):
        points = [lv.points for lv in criterion.levels]
        if points != sorted(points) or len(set(points)) != len(points):
            problems.append(f"{path}: rubric.criteria[{i}].levels: points must rise strictly "
                            "from the lowest to the highest level")
    return problems


def load_curriculum(root: Path | None = None) -> Curriculum:
    """Return the validated curriculum of the repository at ``root``.

    Raises CurriculumError with one line per problem, each naming the file and the field.
    """
    root = (root or project_root()).resolve()
    cdir = root / "curriculum"
    programme_path = cdir / "programme.yml"
    programme = read_yaml(programme_path)
    validate_against_schema(programme, "programme", programme_path)

    gcm_raw = read_yaml(cdir / "gcm_objectives.yml")
    gcm = {int(o["number"]): str(o["title"]) for o in gcm_raw["objectives"]}
    gcm_keywords = {int(o["number"]): str(o["keyword"]) for o in gcm_raw["objectives"]}
    if sorted(gcm) != list(range(1, 24)):
        raise CurriculumError(f"{cdir / 'gcm_objectives.yml'}: objectives: expected numbers 1-23")
    sdg_raw = read_yaml(cdir / "sdg_targets.yml")
    goals = {int(g["number"]): str(g["title"]) for g in sdg_raw["goals"]}
    targets = {str(t["id"]): str(t["title"]) for t in sdg_raw["targets"]}

    from academy.data import dataset_names  # local import keeps CLI start fast

    datasets = set(dataset_names(root))
    problems: list[str] = []
    ids = [entry["id"] for entry in programme["modules"]]
    for i, module_id in enumerate(ids):
        if ids.index(module_id) != i:
            problems.append(f"{programme_path}: modules[{i}].id: duplicate module id '{module_id}'")
    for i, entry in enumerate(programme["modules"]):
        if entry["week"] > programme["weeks"]:
            problems.append(f"{programme_path}: modules[{i}].week: week {entry['week']} is after "
                            f"the programme's last week ({programme['weeks']})")
    listed = set(ids)
    for folder in sorted((root / "modules").iterdir()) if (root / "modules").is_dir() else []:
        if folder.is_dir() and (folder / "module.yml").is_file() and folder.name not in listed:
            problems.append(f"{programme_path}: modules: folder modules/{folder.name} is not "
                            "listed in the programme")

    modules: list[Module] = []
    for i, entry in enumerate(programme["modules"]):
        path = root / "modules" / entry["id"] / "module.yml"
        if not path.is_file():
            problems.append(f"{programme_path}: modules[{i}].id: no file {path}")
            continue
        raw = read_yaml(path)
        try:
            validate_against_schema(raw, "module", path)
        except CurriculumError as exc:
            problems.append(str(exc))
            continue
        module = _module(raw, path.parent, int(entry["week"]))
        problems += _check_module(module, path, gcm, targets, datasets, ids)
        modules.append(module)
    if problems:
        raise CurriculumError("\n".join(problems))
    return Curriculum(
        root=root,
        title=programme["title"],
        organisation=programme["organisation"],
        summary=programme["summary"].strip(),
        weeks=int(programme["weeks"]),
        founding_publication=_citation(programme.get("founding_publication")),
        modules=tuple(modules),
        gcm_objectives=gcm,
        gcm_keywords=gcm_keywords,
        sdg_goals=goals,
        sdg_targets=targets,
    )
