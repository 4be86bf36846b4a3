"""A changed generation expression: migra writes ``ALTER COLUMN … SET DEFAULT <expr>``,
which PostgreSQL refuses on a generated column, and PostgreSQL (up to 16) cannot change
the expression in place. The column is dropped and added again with its new expression
(stored generated columns hold only derived data, so nothing is lost)."""

from __future__ import annotations

from typing import Any

from pglast.enums import AlterTableType

from app.schema.corrections.sqlnames import dotted, ident
from app.schema.corrections.statements import ParsedStatement
from app.schema.inspection import InspectedSchema


def recreate_changed_generated_columns(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None:
        return statements
    result: list[ParsedStatement] = []
    for statement in statements:
        column = _generated_default(statement, desired)
        if column is None:
            result.append(statement)
            continue
        table = dotted(
            (statement.node.relation.schemaname or "public", statement.node.relation.relname)
        )
        result.append(ParsedStatement.of(f"ALTER TABLE {table} DROP COLUMN {ident(column.name)}"))
        result.append(ParsedStatement.of(_add(table, column)))
    return result


def _generated_default(statement: ParsedStatement, desired: InspectedSchema) -> Any:
    """The desired column whose default this statement sets, if it is a generated one."""
    if statement.kind != "AlterTableStmt" or len(statement.node.cmds) != 1:
        return None
    cmd = statement.node.cmds[0]
    if cmd.subtype != AlterTableType.AT_ColumnDefault or cmd.def_ is None:
        return None
    relation = statement.node.relation
    table = desired.raw.tables.get(dotted((relation.schemaname or "public", relation.relname)))
    column = table.columns.get(cmd.name) if table is not None else None
    return column if column is not None and column.is_generated else None


def _add(table: str, column: Any) -> str:
    not_null = " NOT NULL" if column.not_null else ""
    return (
        f"ALTER TABLE {table} ADD COLUMN {ident(column.name)} {column.dbtypestr} "
        f"GENERATED ALWAYS AS ({column.default}) STORED{not_null}"
    )
