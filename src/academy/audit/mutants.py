"""Faulty variants of a reference solution cell, made by small changes to its syntax tree.

Each operator models a mistake learners make (Clegg, McMinn & Fraser, "The Influence of Test
Suite Properties on Automated Grading of Programming Exercises", SIGCSE 2021, found mutants of the
model solution reproduce real student errors): a swapped arithmetic operator, a comparison
boundary (``>`` for ``>=``), a constant off by a factor of 100 or by one, a dropped filter or
condition, the wrong aggregation (sum for mean, min for max, first for last), a reversed or
missing sort, an off-by-one slice, or returning an intermediate variable. Only code inside the
cell's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` region is changed: what the learner writes.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

ARITHMETIC: dict[type[ast.operator], list[type[ast.operator]]] = {
    ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult, ast.FloorDiv],
    ast.FloorDiv: [ast.Div], ast.Pow: [ast.Mult], ast.Mod: [ast.FloorDiv],
}
COMPARISON: dict[type[ast.cmpop], list[type[ast.cmpop]]] = {
    ast.Gt: [ast.GtE], ast.GtE: [ast.Gt], ast.Lt: [ast.LtE], ast.LtE: [ast.Lt],
    ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq], ast.In: [ast.NotIn], ast.NotIn: [ast.In],
}
AGGREGATION = {
    "sum": ["mean", "count"], "mean": ["median", "sum"], "median": ["mean"],
    "min": ["max"], "max": ["min"], "idxmin": ["idxmax"], "idxmax": ["idxmin"],
    "nlargest": ["nsmallest"], "nsmallest": ["nlargest"], "first": ["last"], "last": ["first"],
    "head": ["tail"], "tail": ["head"], "count": ["sum"], "std": ["var"], "var": ["std"],
    "cumsum": ["cumprod"], "any": ["all"], "all": ["any"], "nunique": ["count"],
}
BUILTIN_SWAPS = {"min": ["max"], "max": ["min"], "sum": ["len"], "any": ["all"], "all": ["any"],
                 "round": ["int"]}
DROPPABLE_CALLS = {"sort_values", "sort_index", "dropna", "drop_duplicates", "query",
                   "reset_index", "abs"}
FILTER_OPS = (ast.BitAnd, ast.BitOr)


@dataclass(frozen=True)
class Mutant:
    """One faulty variant of a solution cell."""

    id: str
    operator: str
    description: str
    source: str


def solution_lines(source: str) -> set[int]:
    """Return the 1-based line numbers inside the cell's solution regions (all, if none)."""
    lines = source.splitlines()
    inside, found, out = False, False, set()
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith(BEGIN):
            inside, found = True, True
        elif line.strip().startswith(END):
            inside = False
        elif inside:
            out.add(number)
    return out if found else set(range(1, len(lines) + 1))


def blank_answer(source: str) -> str:
    """Return the cell as nbgrader releases it: each solution region replaced by a stub."""
    out: list[str] = []
    inside = False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            indent = line[: len(line) - len(line.lstrip())]
            out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError()"]
            inside = True
        elif stripped.startswith(END):
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out) + "\n"


Replacement = tuple[str, str, Callable[[ast.AST], ast.AST]]  # operator, description, new node


def _number(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and type(node.value) in (int, float))


def _arith(node: ast.BinOp) -> Iterator[Replacement]:
    if isinstance(node.op, FILTER_OPS):
        yield ("dropped condition", "keep only the left condition", lambda n: n.left)  # type: ignore[attr-defined]
        yield ("dropped condition", "keep only the right condition", lambda n: n.right)  # type: ignore[attr-defined]
        return
    for new in ARITHMETIC.get(type(node.op), []):
        def swap(n: ast.AST, new: type[ast.operator] = new) -> ast.AST:
            assert isinstance(n, ast.BinOp)
            n.op = new()
            return n
        yield ("arithmetic", f"{type(node.op).__name__} -> {new.__name__}", swap)


def _compare(node: ast.Compare) -> Iterator[Replacement]:
    for i, op in enumerate(node.ops):
        for new in COMPARISON.get(type(op), []):
            def swap(n: ast.AST, i: int = i, new: type[ast.cmpop] = new) -> ast.AST:
                assert isinstance(n, ast.Compare)
                n.ops[i] = new()
                return n
            yield ("comparison", f"{type(op).__name__} -> {new.__name__}", swap)


def _constant(node: ast.Constant) -> Iterator[Replacement]:
    raw = node.value
    if isinstance(raw, bool):
        flipped = not raw
        yield ("constant", f"{raw} -> {flipped}", lambda n: ast.Constant(flipped))
        return
    if not isinstance(raw, int | float):
        return
    value: float = raw
    changes: list[tuple[str, float]] = [("+1", value + 1), ("-1", value - 1)]
    if value not in (0, 1):
        changes.append(("x100", value * 100))
        if isinstance(raw, float):
            changes.append(("/100", value / 100))
    for label, new in changes:
        yield ("constant", f"{raw!r} {label}", _constant_maker(new))


def _constant_maker(new: float) -> Callable[[ast.AST], ast.AST]:
    return lambda n: ast.Constant(new)


def _call(node: ast.Call) -> Iterator[Replacement]:
    func = node.func
    if isinstance(func, ast.Attribute):
        for new in AGGREGATION.get(func.attr, []):
            def swap(n: ast.AST, new: str = new) -> ast.AST:
                assert isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                n.func.attr = new
                return n
            yield ("aggregation", f".{func.attr}() -> .{new}()", swap)
        if func.attr in DROPPABLE_CALLS:
            yield ("dropped step", f"without .{func.attr}()",
                   lambda n: n.func.value)  # type: ignore[attr-defined]
        if func.attr == "sort_values":
            yield ("sort", "sort order reversed", _flip_keyword("ascending", False))
    elif isinstance(func, ast.Name):
        for new in BUILTIN_SWAPS.get(func.id, []):
            def swap_name(n: ast.AST, new: str = new) -> ast.AST:
                assert isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                n.func = ast.Name(new, ast.Load())
                return n
            yield ("aggregation", f"{func.id}() -> {new}()", swap_name)
        if func.id == "sorted" and node.args:
            yield ("sort", "missing sort", lambda n: n.args[0])  # type: ignore[attr-defined]
            yield ("sort", "sort order reversed", _flip_keyword("reverse", True))


def _flip_keyword(name: str, flipped: bool) -> Callable[[ast.AST], ast.AST]:
    """A mutation that negates the call's boolean keyword ``name``, or adds it as ``flipped``
    (the opposite of its default): ``ascending`` of sort_values, ``reverse`` of sorted."""
    def flip(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.Call)
        for keyword in n.keywords:
            if keyword.arg == name:
                keyword.value = ast.UnaryOp(ast.Not(), keyword.value)
                return n
        n.keywords.append(ast.keyword(name, ast.Constant(flipped)))
        return n
    return flip


def _is_filter(node: ast.AST) -> bool:
    return (isinstance(node, ast.Compare | ast.BoolOp)
            or (isinstance(node, ast.BinOp) and isinstance(node.op, FILTER_OPS))
            or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert)))


def _subscript(node: ast.Subscript) -> Iterator[Replacement]:
    index = node.slice
    if _is_filter(index):
        yield ("dropped condition", "filter dropped", lambda n: n.value)  # type: ignore[attr-defined]
    if isinstance(index, ast.Tuple) and index.elts and _is_filter(index.elts[0]):
        def all_rows(n: ast.AST) -> ast.AST:
            assert isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Tuple)
            n.slice.elts[0] = ast.Slice()
            return n
        yield ("dropped condition", "row filter dropped", all_rows)
    if isinstance(index, ast.Slice):
        for part in ("lower", "upper"):
            bound = getattr(index, part)
            if bound is None or _number(bound):
                continue  # numeric bounds are covered by the constant operator
            for delta, op in ((1, ast.Add), (-1, ast.Sub)):
                def shift(n: ast.AST, part: str = part, op: type[ast.operator] = op) -> ast.AST:
                    assert isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice)
                    setattr(n.slice, part, ast.BinOp(getattr(n.slice, part), op(),
                                                     ast.Constant(1)))
                    return n
                yield ("off by one", f"slice {part} {delta:+d}", shift)


def _boolop(node: ast.BoolOp) -> Iterator[Replacement]:
    for i in range(len(node.values)):
        yield ("dropped condition", f"keep only condition {i + 1}", _keep_value(i))


def _keep_value(i: int) -> Callable[[ast.AST], ast.AST]:
    def keep(n: ast.AST) -> ast.AST:
        assert isinstance(n, ast.BoolOp)
        return n.values[i]
    return keep


def _if(node: ast.If | ast.IfExp) -> Iterator[Replacement]:
    def always(n: ast.AST) -> ast.AST:
        n.test = ast.Constant(True)  # type: ignore[attr-defined]
        return n
    yield ("dropped condition", "condition always true", always)


def _sites(node: ast.AST) -> Iterator[Replacement]:
    if isinstance(node, ast.BinOp):
        yield from _arith(node)
    elif isinstance(node, ast.Compare):
        yield from _compare(node)
    elif isinstance(node, ast.Constant):
        yield from _constant(node)
    elif isinstance(node, ast.Call):
        yield from _call(node)
    elif isinstance(node, ast.Subscript):
        yield from _subscript(node)
    elif isinstance(node, ast.BoolOp):
        yield from _boolop(node)
    elif isinstance(node, ast.If | ast.IfExp):
        yield from _if(node)


def _replace(tree: ast.AST, index: int, make: Callable[[ast.AST], ast.AST]) -> ast.AST:
    """Return a copy of ``tree`` with its ``index``-th node (in ``ast.walk`` order) replaced."""
    tree = copy.deepcopy(tree)
    nodes = list(ast.walk(tree))
    target = nodes[index]
    new = make(target)
    if new is target:
        return tree
    for parent in nodes:
        for field, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, field, new)
                return tree
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is target:
                        value[i] = new
                        return tree
    return tree


def _assigned_names(body: list[ast.stmt]) -> list[tuple[int, str]]:
    out = []
    for statement in body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    out.append((statement.lineno, target.id))
    return out


def _intermediates(tree: ast.Module, lines: set[int]) -> Iterator[tuple[str, str, ast.AST]]:
    """Mutants that return or keep an intermediate variable instead of the final result."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assigned = _assigned_names(node.body)
            for statement in node.body:
                if isinstance(statement, ast.Return) and statement.lineno in lines:
                    for _, name in [a for a in assigned if a[0] < statement.lineno][-3:]:
                        new_tree = copy.deepcopy(tree)
                        for new_node in ast.walk(new_tree):
                            if (isinstance(new_node, ast.Return)
                                    and new_node.lineno == statement.lineno):
                                new_node.value = ast.Name(name, ast.Load())
                        yield ("intermediate", f"returns {name}", new_tree)
    assigned = [a for a in _assigned_names(tree.body) if a[0] in lines]
    for position, (lineno, name) in enumerate(assigned):
        earlier = [n for _, n in assigned[:position] if n != name][-2:]
        for other in earlier:
            new_tree = copy.deepcopy(tree)
            for statement in new_tree.body:
                if isinstance(statement, ast.Assign) and statement.lineno == lineno:
                    statement.value = ast.Name(other, ast.Load())
            yield ("intermediate", f"{name} = {other}", new_tree)


def mutants(source: str, prefix: str = "m") -> list[Mutant]:
    """Return the distinct mutants of a solution cell (none equal to the cell itself)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    lines = solution_lines(source)
    original = ast.unparse(tree)
    seen = {original}
    out: list[Mutant] = []

    def add(operator: str, description: str, new_tree: ast.AST) -> None:
        try:
            text = ast.unparse(ast.fix_missing_locations(new_tree))
            compile(text, "<mutant>", "exec")
        except (SyntaxError, ValueError, TypeError, AttributeError):
            return
        if text in seen:
            return
        seen.add(text)
        out.append(Mutant(f"{prefix}{len(out) + 1:03d}", operator, description, text))

    for index, node in enumerate(ast.walk(tree)):
        if getattr(node, "lineno", None) not in lines:
            continue
        if isinstance(node, ast.Constant) and _is_docstring_or_label(tree, node):
            continue
        for operator, description, make in _sites(node):
            add(operator, f"line {node.lineno - min(lines) + 1}: {description}",  # type: ignore[attr-defined]
                _replace(tree, index, make))
    for operator, description, new_tree in _intermediates(tree, lines):
        add(operator, description, new_tree)
    return out


def _is_docstring_or_label(tree: ast.AST, node: ast.Constant) -> bool:
    return isinstance(node.value, str)
