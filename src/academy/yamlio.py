"""Reading the project's YAML files: PyYAML's safe loader, in C when PyYAML has libyaml."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's safe loader (in PyYAML's wheels) reads the same documents about ten times faster:
# every notebook kernel that loads the curriculum and the data package pays for it otherwise.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """Return the parsed YAML ``text`` (safe loading: plain data only)."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
