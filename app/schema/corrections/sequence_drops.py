"""Sequences dropped only once no column default uses them.

A column default that calls ``nextval('s')`` depends on ``s``, so ``DROP SEQUENCE s`` fails
while the default is still there ("cannot drop sequence … because other objects depend on
it"). Corrections write some default changes late in a plan (a partition that was a plain
table with its own serial column keeps its own default when it is attached, and is given its
parent's afterwards). A DROP SEQUENCE moves to right after the last statement that changes
such a default: sets or drops it, drops its column, or drops its table.
"""

from __future__ import annotations

from functools import partial

from pglast.enums import AlterTableType, ObjectType

from app.schema.corrections.dropped import drop_targets
from app.schema.corrections.statements import (
    ParsedStatement,
    move_after_last,
    quoted,
    relation_key,
)
from app.schema.inspection import InspectedSchema

_DEFAULT_CHANGES = (AlterTableType.AT_ColumnDefault, AlterTableType.AT_DropColumn)


def drop_sequences_after_their_defaults(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or not current.catalog.sequence_defaults:
        return statements
    users: dict[str, set[tuple[str, str]]] = {}
    for sequence, table, column in current.catalog.sequence_defaults:
        users.setdefault(sequence, set()).add((table, column))
    order = list(statements)
    for statement in statements:
        if statement.kind != "DropStmt" or statement.node.removeType != ObjectType.OBJECT_SEQUENCE:
            continue
        columns = {c for target in drop_targets(statement) for c in users.get(quoted(*target), ())}
        move_after_last(order, statement, partial(_changes_default, columns=columns))
    return order


def _changes_default(statement: ParsedStatement, columns: set[tuple[str, str]]) -> bool:
    """Whether the statement changes the default of one of ``columns`` (table, column)."""
    tables = {table for table, _ in columns}
    if any(table in tables for table in statement.dropped_tables()):
        return True
    if statement.kind != "AlterTableStmt":
        return False
    table = relation_key(statement.node.relation)
    return any(
        cmd.subtype in _DEFAULT_CHANGES and (table, cmd.name) in columns
        for cmd in statement.node.cmds
    )
