"""The test cells of a source notebook, read without running them: which checks they make.

A test cell calls ``X.gate(label, observed, expected, ...)``, ``X.self_check(...)`` and
``X.check(...)`` (see ``academy.checks``). This module reads those calls from the cell's syntax
tree: the label, tolerance, hint and weight (literals) of each check, and whether each expected
value is written out. The grader rewrites the cells (``academy.grading.transform``); the audit and
the facilitator's pages read them here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from academy.checks import GATE, VALUE
from academy.errors import AcademyError

CHECK_METHODS = {"gate": True, "self_check": True, "check": False}  # name -> visible to learners
# What an expected value may be built from: literals, arithmetic on them, and pandas/numpy
# containers of literals. Never the notebook's variables, which a learner's code can change.
EXPECTED_CALLS = {"pd.Series", "pd.DataFrame", "pd.Index", "np.array", "float", "int", "str",
                  "list", "tuple", "dict"}


class CheckCellError(AcademyError, ValueError):
    """A test cell does not follow the pattern of academy.checks (see its module docstring)."""


@dataclass(frozen=True)
class CheckSpec:
    """One check of a test cell, as the instructor wrote it."""

    label: str
    visible: bool
    tol: float = 1e-9
    hint: str = ""
    weight: float = 1.0
    kind: str = VALUE

    @property
    def earns(self) -> float:
        """The weight this check carries towards the points (gates carry none)."""
        return 0.0 if self.kind == GATE else self.weight


def _check_call(node: ast.AST) -> ast.Call | None:
    if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in CHECK_METHODS):
        return node.value
    return None


def _literal(node: ast.expr, what: str, label: str) -> object:
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise CheckCellError(f"check '{label}': {what} must be a literal, not "
                            f"'{ast.unparse(node)}'") from None


def _spec(call: ast.Call) -> CheckSpec:
    assert isinstance(call.func, ast.Attribute)
    if len(call.args) != 3:
        raise CheckCellError(f"'{ast.unparse(call)[:80]}': a check takes (label, observed, "
                            "expected) as positional arguments")
    label = _literal(call.args[0], "the label", "?")
    if not isinstance(label, str):
        raise CheckCellError(f"'{ast.unparse(call)[:80]}': the label must be a string")
    options: dict[str, object] = {}
    method = call.func.attr
    allowed = ("tol", "hint") if method == "gate" else ("tol", "hint", "weight")
    for keyword in call.keywords:
        if keyword.arg is None or keyword.arg not in allowed:
            raise CheckCellError(f"check '{label}': unknown argument {keyword.arg}"
                                 + (" (a gate carries no points)" if keyword.arg == "weight"
                                    else ""))
        options[keyword.arg] = _literal(keyword.value, keyword.arg, label)
    return CheckSpec(label=label, visible=CHECK_METHODS[method],
                     tol=float(options.get("tol", 1e-9)),  # type: ignore[arg-type]
                     hint=str(options.get("hint", "")),
                     weight=0.0 if method == "gate"
                     else float(options.get("weight", 1.0)),  # type: ignore[arg-type]
                     kind=GATE if method == "gate" else VALUE)


def parse_checks(source: str) -> list[CheckSpec]:
    """Return the checks of a test cell in the order they run (top-level calls only)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise CheckCellError(f"the test cell is not valid Python: {exc}") from None
    return [_spec(call) for node in tree.body if (call := _check_call(node)) is not None]


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def _written_out(node: ast.AST) -> bool:
    """True if ``node`` is a literal, arithmetic on literals, or an allowed container call."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp | ast.BinOp):
        return all(_written_out(child) for child in ast.iter_child_nodes(node)
                   if isinstance(child, ast.expr))
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_written_out(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _written_out(k) for k in node.keys) and all(
            _written_out(v) for v in node.values)
    if isinstance(node, ast.Call):
        return (_dotted(node.func) in EXPECTED_CALLS
                and all(_written_out(a) for a in node.args)
                and all(_written_out(k.value) for k in node.keywords))
    return False


def expected_problems(source: str) -> list[str]:
    """Return one message per check whose expected value is computed from the notebook's state.

    Such a check compares the learner's answer with a value their own code can change (in plain
    nbgrader the expected expression runs in the learner's kernel), so it proves nothing.
    """
    tree = ast.parse(source)
    problems = []
    for node in tree.body:
        call = _check_call(node)
        if call is None or len(call.args) != 3:
            continue
        if not _written_out(call.args[2]):
            label = ast.unparse(call.args[0])
            problems.append(f"check {label}: the expected value '{ast.unparse(call.args[2])[:70]}'"
                            " is computed from the notebook's variables; write it out")
    return problems


