"""The shape adversary: every value an exercise's answer produced, replaced by one of the same type
and shape with different contents.

After the reference answer runs, each name its cells bind (variables, and the columns they add to
tables) is replaced; each function they define is wrapped so that its results are replaced. If the
tests then still give points, they reward the shape of an answer, not its truth.

Strategies: ``perturb`` (numbers changed, booleans flipped), ``reorder`` (sequences and rows
reversed, dictionary values rotated), ``replace`` (labels swapped for other valid labels of the
data, the last item of a list replaced), ``empty`` (empty collections, zero numbers).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from typing import Any

STRATEGIES = ("perturb", "reorder", "replace", "empty")


def assigned_names(sources: list[str]) -> list[str]:
    """Return the names the cells bind at top level: assignments, augmented assignments,
    subscript assignments (a table gains a column) and function definitions."""
    names: list[str] = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = list(node.targets)
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            elif isinstance(node, ast.FunctionDef):
                names.append(node.name)
            for target in targets:
                for sub in ast.walk(target):
                    base = sub
                    while isinstance(base, ast.Subscript | ast.Attribute):
                        base = base.value
                    if isinstance(base, ast.Name):
                        names.append(base.id)
    return list(dict.fromkeys(names))


def _labels(namespace: dict[str, Any]) -> list[str]:
    """Valid labels of the data: strings found in the notebook's tables and lists."""
    import pandas as pd

    found: dict[str, None] = {}
    for value in list(namespace.values()):
        if isinstance(value, pd.DataFrame):
            for column in value.columns:
                if value[column].dtype == object:
                    for item in value[column].dropna().unique()[:200]:
                        if isinstance(item, str):
                            found[item] = None
        elif isinstance(value, pd.Series) and value.dtype == object:
            for item in value.dropna().unique()[:200]:
                if isinstance(item, str):
                    found[item] = None
    return list(found)


class Adversary:
    """Build a same-shape, different-contents version of a value."""

    def __init__(self, strategy: str, labels: list[str]) -> None:
        self.strategy = strategy
        self.labels = labels

    def other_label(self, text: str) -> str:
        for label in self.labels:
            if label != text:
                return label
        return text + " (other)"

    def __call__(self, value: Any) -> Any:
        import numpy as np
        import pandas as pd

        s = self.strategy
        if isinstance(value, bool | np.bool_):
            return (not value) if s in ("perturb", "replace") else (False if s == "empty"
                                                                    else value)
        if isinstance(value, int | np.integer):
            return type(value)(0 if s == "empty" else value + 1 if s in ("perturb", "replace")
                               else value)
        if isinstance(value, float | np.floating):
            if s == "empty":
                return type(value)(0.0)
            return type(value)(value * 1.1 + 0.5) if s in ("perturb", "replace") else value
        if isinstance(value, str):
            if s == "replace":
                return self.other_label(value)
            return "" if s == "empty" else value
        if isinstance(value, list | tuple):
            return type(value)(self._sequence(list(value)))
        if isinstance(value, dict):
            return self._dict(value)
        if isinstance(value, pd.Series):
            return self._series(value)
        if isinstance(value, pd.DataFrame):
            return self._frame(value)
        if isinstance(value, np.ndarray):
            return np.array(self._sequence(value.tolist()), dtype=value.dtype)
        return value

    def _sequence(self, items: list[Any]) -> list[Any]:
        if self.strategy == "empty":
            return []
        if self.strategy == "reorder":
            if len(items) > 1 and items[::-1] != items:
                return items[::-1]
            return items[1:] + items[:1]
        if self.strategy == "replace":
            if not items:
                return items
            last = items[-1]
            if isinstance(last, str):
                others = [label for label in self.labels if label not in items]
                return items[:-1] + [others[0] if others else self.other_label(last)]
            return items[:-1] + [self(last)]
        return [self(item) for item in items]

    def _dict(self, value: dict[Any, Any]) -> dict[Any, Any]:
        if self.strategy == "empty":
            return {}
        if self.strategy == "reorder":
            keys, values = list(value), list(value.values())
            return dict(zip(keys, values[1:] + values[:1], strict=True))
        return {key: self(item) for key, item in value.items()}

    def _series(self, value: Any) -> Any:
        if self.strategy == "empty":
            return value.iloc[0:0]
        if self.strategy == "reorder":
            return value.iloc[::-1]
        if self.strategy == "replace" and value.dtype == object:
            return value.map(lambda v: self.other_label(v) if isinstance(v, str) else v)
        return value.map(self._scalar_change) if value.dtype != object else value

    def _scalar_change(self, v: Any) -> Any:
        return self(v)

    def _frame(self, value: Any) -> Any:
        if self.strategy == "empty":
            return value.iloc[0:0]
        if self.strategy == "reorder":
            return value.iloc[::-1]
        out = value.copy()
        for column in out.columns:
            if self.strategy == "replace" and out[column].dtype == object:
                out[column] = out[column].map(
                    lambda v: self.other_label(v) if isinstance(v, str) else v)
            elif out[column].dtype != object:
                out[column] = out[column].map(self._scalar_change)
        return out


def apply(namespace: dict[str, Any], strategy: str, names: list[str]) -> None:
    """Replace every bound name's value (or function's results) in ``namespace``."""
    change = Adversary(strategy, _labels(namespace))
    for name in names:
        if name not in namespace:
            continue
        value = namespace[name]
        if callable(value) and getattr(value, "__module__", None) == "__main__":
            namespace[name] = _wrapped(value, change)
        elif not callable(value):
            namespace[name] = change(value)


def _wrapped(function: Callable[..., Any], change: Adversary) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return change(function(*args, **kwargs))
    return wrapper
