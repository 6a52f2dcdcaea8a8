"""Seeded generators of the curriculum's synthetic and constructed teaching tables: the registry.

Every generator is a module here with ``SEED`` and ``generate(seed: int = SEED) -> DataFrame``,
registered in ``TABLES`` under the name of the dataset it produces (``datasets/<name>.csv``).
A generator whose CSV needs its own formatting (returnee_survey_synthetic: whole dollars,
lower-case booleans) also has ``to_csv_text(frame) -> str``; the others are written as pandas
writes them.
``csv_text(name)`` gives the exact text stored in ``datasets/``; ``write_table(name)`` writes it.
To add a generator: write the module, add one line to ``TABLES``, describe the table in
``datasets/datapackage.yaml`` (synthetic in its name, title and description), and run
``python -m academy.synthetic NAME``; tests/test_data.py checks it regenerates identically.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

# dataset name -> generator module (under academy.synthetic)
TABLES: dict[str, str] = {
    "city_checklist_synthetic": "city_checklist_synthetic",
    "city_services_synthetic": "city_services_synthetic",
    "constructed_headlines": "constructed_headlines",
    "local_vacancies_synthetic": "local_vacancies_synthetic",
    "mentoring_pool_synthetic": "mentoring_pool_synthetic",
    "returnee_survey_synthetic": "returnee_survey_synthetic",
    "synthetic_message_test": "synthetic_message_test",
}


def generator(name: str) -> ModuleType:
    """Return the generator module of dataset ``name``; KeyError names the known ones."""
    if name not in TABLES:
        raise KeyError(f"No generator for '{name}' (known: {', '.join(TABLES)})")
    return importlib.import_module(f"academy.synthetic.{TABLES[name]}")


def generate(name: str, seed: int | None = None) -> Any:
    """Return the table ``name`` generated with ``seed`` (default: its published seed)."""
    module = generator(name)
    return module.generate(module.SEED if seed is None else seed)


def csv_text(name: str, seed: int | None = None) -> str:
    """Return the table as the CSV text stored in ``datasets/<name>.csv``."""
    frame = generate(name, seed)
    module = generator(name)
    if hasattr(module, "to_csv_text"):
        return str(module.to_csv_text(frame))
    return str(frame.to_csv(index=False, lineterminator="\n"))


def write_table(name: str, root: Path | None = None) -> Path:
    """Write the published table ``name`` into ``datasets/``; return its path."""
    from academy.paths import project_root

    path = (root or project_root()) / "datasets" / f"{name}.csv"
    path.write_text(csv_text(name), encoding="utf-8")
    return path

