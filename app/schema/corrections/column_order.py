"""Columns added to an existing table, in the desired schema's order: migra adds them in
alphabetical order, so a table that gains ``slot, score, names`` ends up with ``names,
score, slot``, which ``pg_dump`` (and ``SELECT *``) shows. The ADD COLUMN statements of
each table are put back in their own places, in the order of the desired table.
"""

from __future__ import annotations

from pglast.enums import AlterTableType

from app.schema.corrections.statements import ParsedStatement, quoted
from app.schema.inspection import InspectedSchema


def add_columns_in_desired_order(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if desired is None:
        return statements
    slots: dict[str, list[int]] = {}
    for index, statement in enumerate(statements):
        added = _added_column(statement)
        if added is not None:
            slots.setdefault(added[0], []).append(index)
    result = list(statements)
    for table, indexes in slots.items():
        relation = desired.raw.tables.get(table)
        if relation is None or len(indexes) < 2:
            continue
        order = {name: position for position, name in enumerate(relation.columns)}
        ordered = sorted(
            (statements[i] for i in indexes),
            key=lambda s: order.get(_column(s), len(order)),
        )
        for index, statement in zip(indexes, ordered, strict=True):
            result[index] = statement
    return result


def _added_column(statement: ParsedStatement) -> tuple[str, str] | None:
    """(table key, column) of a single-command ALTER TABLE … ADD COLUMN."""
    if statement.kind != "AlterTableStmt" or len(statement.node.cmds) != 1:
        return None
    command = statement.node.cmds[0]
    if command.subtype != AlterTableType.AT_AddColumn:
        return None
    relation = statement.node.relation
    return quoted(relation.schemaname or "public", relation.relname), command.def_.colname


def _column(statement: ParsedStatement) -> str:
    added = _added_column(statement)
    return added[1] if added is not None else ""
