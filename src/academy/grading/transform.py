"""Rewrite test cells so that expected values never reach the learner's kernel.

A test cell's ``X.gate(label, observed, expected, tol=..., hint=...)``,
``X.self_check(label, observed, expected, tol=..., hint=..., weight=...)`` and ``X.check(...)``
calls become ``X.observe(label, observed, visible=...)``; ``X.score()`` is dropped.
The label, tolerance, hint and weight are read from the cell's syntax tree
(``academy.check_cells``). The expected expression is kept only in the reference run of the source
notebook, where it is observed with ``role="expected"``.
"""

from __future__ import annotations

import ast

from academy.check_cells import (
    CHECK_METHODS,
    CheckCellError,
    CheckSpec,
    _check_call,
    expected_problems,
    parse_checks,
)

__all__ = ["CheckCellError", "CheckSpec", "expected_problems", "parse_checks",
           "rewrite_test_cell"]

PROLOGUE = "import academy.checks as _academy_checks\n_academy_checks.restore()\n"


def _score_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "score"
            and not node.value.args)


def _observe(call: ast.Call, value: ast.expr, role: str | None) -> ast.stmt:
    assert isinstance(call.func, ast.Attribute)
    keywords = [ast.keyword("visible", ast.Constant(CHECK_METHODS[call.func.attr]))]
    if role:
        keywords.append(ast.keyword("role", ast.Constant(role)))
    func = ast.Attribute(call.func.value, "observe", ast.Load())
    return ast.Expr(ast.Call(func, [call.args[0], value], keywords))


def rewrite_test_cell(source: str, *, reference: bool = False) -> str:
    """Return the test cell with checks turned into observations.

    With ``reference`` (the solution run), each check also observes its expected value.
    """
    parse_checks(source)  # validates the whole cell first
    tree = ast.parse(source)
    body: list[ast.stmt] = []
    for node in tree.body:
        call = _check_call(node)
        if call is not None:
            body.append(_observe(call, call.args[1], None))
            if reference:
                body.append(_observe(call, call.args[2], "expected"))
        elif not _score_call(node):
            body.append(node)
    module = ast.Module(body=body, type_ignores=[])
    return PROLOGUE + ast.unparse(ast.fix_missing_locations(module)) + "\n"
