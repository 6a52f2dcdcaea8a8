"""Curated teaching datasets: list, describe, validate and load them as typed DataFrames."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from academy.errors import AcademyError
from academy.paths import project_root
from academy.yamlio import parse_yaml

DESCRIPTOR = Path("datasets") / "datapackage.yaml"

_PANDAS_TYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
}


class DatasetError(AcademyError, ValueError):
    """A dataset is missing, unreadable or does not match its schema; the message names the file."""


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    publisher: str
    year: int
    url: str
    secondary: bool = False

    def citation(self) -> str:
        """Return a one-line citation: publisher (year). Title. URL."""
        flag = " (secondary source)" if self.secondary else ""
        return f"{self.publisher} ({self.year}). {self.title}{flag}. {self.url}"


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    title: str
    description: str
    path: Path
    licence: str
    sources: tuple[Source, ...]
    synthetic: bool
    fields: tuple[dict[str, Any], ...]
    descriptor: dict[str, Any]

    def citation_markdown(self) -> str:
        """Return Markdown naming the dataset, its licence and every source."""
        lines = [f"**{self.title}** (`{self.name}`), licence {self.licence}.", "", "Sources:"]
        lines += [f"- {s.citation()}" for s in self.sources]
        if self.synthetic:
            lines += ["", "*This table is synthetic: generated for teaching, not observed data.*"]
        return "\n".join(lines)


def _read_descriptor(root: Path) -> dict[str, Any]:
    path = root / DESCRIPTOR
    try:
        descriptor = parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(f"{path}: the data package descriptor is missing") from None
    except yaml.YAMLError as exc:
        raise DatasetError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DatasetError(f"{path}: expected a mapping with a list of `resources`")
    return descriptor


def dataset_names(root: Path | None = None) -> list[str]:
    """Return the names of every resource in the data package, in descriptor order."""
    descriptor = _read_descriptor(root or project_root())
    return [str(r.get("name")) for r in descriptor["resources"]]


def _source(raw: dict[str, Any]) -> Source:
    return Source(
        name=str(raw.get("name", "")),
        title=str(raw.get("title", "")),
        publisher=str(raw.get("publisher", "")),
        year=int(raw.get("year", 0) or 0),
        url=str(raw.get("path", "")),
        secondary=bool(raw.get("secondary", False)),
    )


def describe(name: str, root: Path | None = None) -> DatasetInfo:
    """Return the metadata of dataset ``name``: title, licence, sources and schema fields."""
    root = root or project_root()
    descriptor = _read_descriptor(root)
    for raw in descriptor["resources"]:
        if raw.get("name") == name:
            licences = raw.get("licenses") or descriptor.get("licenses") or [{}]
            return DatasetInfo(
                name=name,
                title=str(raw.get("title", name)),
                description=str(raw.get("description", "")).strip(),
                path=root / "datasets" / str(raw["path"]),
                licence=str(licences[0].get("name", "unknown")),
                sources=tuple(_source(s) for s in raw.get("sources", [])),
                synthetic=bool(raw.get("synthetic", False)),
                fields=tuple(raw.get("schema", {}).get("fields", [])),
                descriptor=raw,
            )
    known = ", ".join(str(r.get("name")) for r in descriptor["resources"])
    raise DatasetError(f"No dataset named '{name}' in {root / DESCRIPTOR} (known: {known})")


def load(name: str, *, root: Path | None = None) -> pd.DataFrame:
    """Return dataset ``name`` as a DataFrame typed from its schema.

    The frame's ``attrs`` hold the title, licence and citations. A missing, unreadable or
    mistyped file raises DatasetError naming the file.
    """
    info = describe(name, root)
    if not info.path.is_file():
        raise DatasetError(f"{info.path}: data file of dataset '{name}' is missing")
    if info.descriptor.get("raw"):
        reader = info.descriptor.get("reader", "pandas.read_csv")
        raise DatasetError(f"{info.path}: dataset '{name}' is a raw publisher file in its "
                           f"publisher's layout, not a curated table: read it with {reader}")
    columns = [str(f["name"]) for f in info.fields]
    try:
        frame = pd.read_csv(info.path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DatasetError(f"{info.path}: cannot be read as CSV ({exc})") from None
    if list(frame.columns) != columns:
        raise DatasetError(
            f"{info.path}: columns {list(frame.columns)} do not match the schema's {columns}"
        )
    for spec in info.fields:
        frame[spec["name"]] = _typed_column(frame[spec["name"]], spec, info.path)
    frame.attrs.update(
        name=name, title=info.title, licence=info.licence,
        sources=[s.citation() for s in info.sources], synthetic=info.synthetic,
    )
    return frame


def _typed_column(raw: pd.Series, spec: dict[str, Any], path: Path) -> pd.Series:
    kind = str(spec.get("type", "string"))
    column = str(spec["name"])
    values = raw.where(raw != "", None)
    required = bool(spec.get("constraints", {}).get("required", False))
    if required and values.isna().any():
        row = int(values.isna().to_numpy().argmax()) + 2
        raise DatasetError(f"{path}: row {row}, column '{column}': a value is required")
    try:
        if kind in ("integer", "number"):
            numbers = pd.to_numeric(values, errors="raise")
            return numbers.astype(_PANDAS_TYPES[kind])
        if kind == "boolean":
            mapped = values.map({"true": True, "false": False, None: None})
            bad = values.notna() & mapped.isna()
            if bad.any():
                raise ValueError(f"'{values[bad].iloc[0]}' is not true or false")
            return mapped.astype("boolean")
        if kind == "date":
            return pd.to_datetime(values, format="%Y-%m-%d", errors="raise")
        return values.astype("string")
    except (ValueError, TypeError) as exc:
        raise DatasetError(f"{path}: column '{column}' is not of type {kind}: {exc}") from None


def validate_package(root: Path | None = None) -> list[str]:
    """Return every problem in the data package: schema errors and missing citations."""
    from frictionless import Package  # heavy import, only when validating

    root = root or project_root()
    descriptor_path = root / DESCRIPTOR
    problems: list[str] = []
    descriptor = _read_descriptor(root)
    for i, raw in enumerate(descriptor["resources"]):
        where = f"{descriptor_path}: resources[{i}] ({raw.get('name', '?')})"
        if not raw.get("licenses") and not descriptor.get("licenses"):
            problems.append(f"{where}: licenses: no licence given")
        sources = raw.get("sources") or []
        if not sources:
            problems.append(f"{where}: sources: no source cited")
        for j, src in enumerate(sources):
            for key in ("name", "title", "publisher", "year", "path"):
                if not src.get(key):
                    problems.append(f"{where}: sources[{j}].{key}: missing")
        if raw.get("synthetic"):
            if "synthetic" not in str(raw.get("title", "")).lower():
                problems.append(f"{where}: title: a synthetic dataset must say so in its title")
            if not raw.get("generation"):
                problems.append(f"{where}: generation: a synthetic dataset must document how "
                                "it was generated and from which published aggregates")
        names = {s.get("name") for s in sources}
        fields = [f.get("name") for f in raw.get("schema", {}).get("fields", [])]
        path = root / "datasets" / str(raw.get("path", ""))
        if "source" in fields and path.is_file():
            used = set(pd.read_csv(path, usecols=["source"], dtype=str)["source"].dropna())
            for key in sorted(used - names):
                problems.append(f"{path}: column 'source': '{key}' is not one of the resource's "
                                "sources")
    try:
        package = Package(str(descriptor_path))
        report = package.validate()
    except Exception as exc:  # frictionless raises its own error types for broken descriptors
        return [*problems, f"{descriptor_path}: {exc}"]
    # A raw publisher file keeps its layout, including the empty column that a comma at the end
    # of every line makes (World Bank WDI downloads): that one error is the file's, not ours.
    raw_files = {str(r.get("name")) for r in descriptor["resources"] if r.get("raw")}
    for task in report.tasks:
        for error in task.errors:
            if task.name in raw_files and error.type == "blank-label":
                continue
            row = getattr(error, "row_number", None)
            col = getattr(error, "field_name", None)
            at = "".join([f" row {row}" if row else "", f" column '{col}'" if col else ""])
            problems.append(f"{root / 'datasets' / str(task.name)}:{at} {error.message}")
    for error in report.errors:
        problems.append(f"{descriptor_path}: {error.message}")
    return problems
