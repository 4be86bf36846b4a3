"""Tables with INHERITS parents: migra writes every column into the child's CREATE TABLE,
which makes the inherited ones the child's own as well (``attislocal``), so the child keeps
them if it is ever detached and ``pg_dump`` shows another table. Columns the child only
inherits are left out of its CREATE TABLE; where the child overrides an inherited column's
default or NOT NULL, that is set after it.
"""

from __future__ import annotations

from typing import Any

from pglast import ast
from pglast.stream import RawStream

from app.schema.corrections.sqlnames import dotted, ident
from app.schema.corrections.statements import ParsedStatement, catalog_of, quoted
from app.schema.inspection import InspectedSchema


def create_children_with_local_columns_only(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    inherited: dict[tuple[str, str], set[str]] = {}
    for column in catalog_of(desired).inherited_columns:
        inherited.setdefault((column.schema, column.table), set()).add(column.column)
    if desired is None or not inherited:
        return statements
    result: list[ParsedStatement] = []
    for statement in statements:
        node = statement.node
        key = _child_key(statement)
        if key is None or key not in inherited:
            result.append(statement)
            continue
        node.tableElts = tuple(e for e in node.tableElts or () if not _is_column(e, inherited[key]))
        result.append(ParsedStatement.of(RawStream()(node)))
        overrides = _overrides(desired, key, node.inhRelations, inherited[key])
        result.extend(ParsedStatement.of(sql) for sql in overrides)
    return result


def _child_key(statement: ParsedStatement) -> tuple[str, str] | None:
    node = statement.node
    if statement.kind != "CreateStmt" or not node.inhRelations or node.partbound is not None:
        return None
    return (node.relation.schemaname or "public", node.relation.relname)


def _is_column(element: Any, names: set[str]) -> bool:
    return isinstance(element, ast.ColumnDef) and element.colname in names


def _overrides(
    desired: InspectedSchema, key: tuple[str, str], parents: Any, columns: set[str]
) -> list[str]:
    """SET DEFAULT / SET NOT NULL where the child differs from every parent."""
    child = desired.raw.tables[quoted(*key)]
    parent_tables = [
        desired.raw.tables.get(quoted(p.schemaname or "public", p.relname)) for p in parents
    ]
    alters = []
    for name in sorted(columns):
        column = child.columns[name]
        inherited = [p.columns[name] for p in parent_tables if p is not None and name in p.columns]
        prefix = f"ALTER TABLE {dotted(key)} ALTER COLUMN {ident(name)}"
        if column.default is not None and all(p.default != column.default for p in inherited):
            alters.append(f"{prefix} SET DEFAULT {column.default}")
        if column.not_null and not any(p.not_null for p in inherited):
            alters.append(f"{prefix} SET NOT NULL")
    return alters
