"""Column defaults around column type changes.

migra sets a column's new default before changing its type (so ``'green'::varchar`` meets
an enum column: "default expression is of type character varying"), keeps the old default
through the change (which fails when it cannot be cast), and, when it recreates an enum,
writes the column's earlier default back as ``SET DEFAULT None`` (Python's None, read by
PostgreSQL as a column reference). For each column whose type the plan changes, the
default is dropped right before the change and the desired one set right after it;
migra's own default statements for that column are left out.
"""

from __future__ import annotations

from typing import Any

from pglast.enums import AlterTableType

from app.schema.corrections.sqlnames import ident
from app.schema.corrections.statements import ParsedStatement, quoted
from app.schema.inspection import InspectedSchema

Column = tuple[str, str]  # (table key, column name)


def set_defaults_around_type_changes(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None:
        return statements
    retyped = {c for s in statements if (c := _single(s, AlterTableType.AT_AlterColumnType))}
    result: list[ParsedStatement] = []
    for statement in statements:
        column = _single(statement, AlterTableType.AT_ColumnDefault)
        if column in retyped or (column is not None and _sets_none(statement)):
            continue
        retyping = _single(statement, AlterTableType.AT_AlterColumnType)
        if retyping is None:
            result.append(statement)
            continue
        old, new = _default(current, retyping), _default(desired, retyping)
        prefix = f"alter table {retyping[0]} alter column {ident(retyping[1])}"
        result += [ParsedStatement.of(f"{prefix} drop default")] if old is not None else []
        result.append(statement)
        result += [ParsedStatement.of(f"{prefix} set default {new}")] if new is not None else []
    return result


def _single(statement: ParsedStatement, subtype: AlterTableType) -> Column | None:
    """(table, column) of an ALTER TABLE whose one command is of ``subtype``."""
    if statement.kind != "AlterTableStmt" or len(statement.node.cmds) != 1:
        return None
    command = statement.node.cmds[0]
    if command.subtype != subtype:
        return None
    relation = statement.node.relation
    return (quoted(relation.schemaname or "public", relation.relname), command.name)


def _sets_none(statement: ParsedStatement) -> bool:
    """``SET DEFAULT None``: migra's text for "no default"."""
    expression: Any = statement.node.cmds[0].def_
    if type(expression).__name__ != "ColumnRef":
        return False
    return [getattr(f, "sval", None) for f in expression.fields] == ["none"]


def _default(schema: InspectedSchema, column: Column) -> str | None:
    table = schema.raw.tables.get(column[0])
    found = table.columns.get(column[1]) if table is not None else None
    return None if found is None else found.default
