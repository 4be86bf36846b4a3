"""Names and tree walking over pglast nodes, shared by the classifier's rules."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pglast import ast
from pglast.stream import RawStream, maybe_double_quote_name

Relation = tuple[str, str]
"""A relation (table, materialized view, index) as (schema, name), unquoted."""


def qualify(range_var: ast.RangeVar | None, default_schema: str) -> Relation:
    """The (schema, name) of a relation reference, unqualified names in ``default_schema``."""
    if range_var is None or range_var.relname is None:
        raise ValueError("statement without a relation name")
    return (range_var.schemaname or default_schema, range_var.relname)


def qualify_names(names: Sequence[str], default_schema: str) -> Relation:
    """The (schema, name) of a dotted name such as DROP TABLE's ``schema.table``."""
    return (names[-2] if len(names) > 1 else default_schema, names[-1])


def strings(node: Any) -> list[str]:
    """The values of a tuple of ``String`` nodes (a qualified name in the parse tree)."""
    items = node if isinstance(node, tuple) else (node,)
    return [item.sval for item in items if isinstance(item, ast.String) and item.sval]


def show(*parts: str) -> str:
    """A dotted name for people, each part quoted only where SQL would need it."""
    return ".".join(maybe_double_quote_name(part) for part in parts)


def render(node: ast.Node | tuple[Any, ...]) -> str:
    """Prints a parse-tree fragment (a type, a function signature, …) back as SQL."""
    if isinstance(node, tuple) and all(isinstance(item, ast.String) for item in node):
        return show(*strings(node))
    if isinstance(node, tuple):
        return ", ".join(render(item) for item in node)
    if isinstance(node, ast.String):
        return show(node.sval or "")
    return RawStream()(node)


def walk(node: Any) -> Iterator[ast.Node]:
    """Every node below and including ``node``, depth first."""
    if isinstance(node, tuple):
        for item in node:
            yield from walk(item)
    elif isinstance(node, ast.Node):
        yield node
        for member in node:
            yield from walk(getattr(node, member))
