"""Foreign keys dropped before the keys they reference.

A foreign key depends on the unique index of the table it references, so dropping that
key first fails ("cannot drop constraint … because other objects depend on it"). migra
writes constraint drops table by table, and a foreign key of a later table can come after
the key it uses (on a partitioned table the dependency even names a partition's index).
A DROP of a foreign key that comes after a drop of a primary key, unique constraint or
unique index of the table it references moves to right before the first such drop; never
before a DETACH of its own table, whose clone of a parent's key only then becomes its own.
"""

from __future__ import annotations

from pglast.enums import AlterTableType, ObjectType

from app.schema.corrections.constraints import constraint_commands
from app.schema.corrections.dropped import drop_targets
from app.schema.corrections.sqlnames import dotted
from app.schema.corrections.statements import ParsedStatement, quoted, relation_key
from app.schema.inspection import InspectedSchema


def drop_foreign_keys_before_their_keys(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None:
        return statements
    first_key_drop: dict[str, int] = {}
    for position, statement in enumerate(statements):
        for table in _tables_losing_a_key(statement, current):
            first_key_drop.setdefault(table, position)
    if not first_key_drop:
        return statements
    order = list(statements)
    for statement in statements:
        referenced = _dropped_foreign_key_target(statement, current)
        if referenced is None or referenced not in first_key_drop:
            continue
        position = order.index(statement)
        target = order.index(statements[first_key_drop[referenced]])
        target = max(
            target, _after_last_detach(order[:position], relation_key(statement.node.relation))
        )
        if target < position:
            order.pop(position)
            order.insert(target, statement)
    return order


def _tables_losing_a_key(statement: ParsedStatement, current: InspectedSchema) -> list[str]:
    """Tables whose primary key, unique constraint or unique index this statement drops."""
    if statement.kind == "DropStmt" and statement.node.removeType == ObjectType.OBJECT_INDEX:
        indexes = [current.raw.indexes.get(quoted(*name)) for name in drop_targets(statement)]
        return [quoted(i.schema, i.table_name) for i in indexes if i is not None and i.is_unique]
    for key in _dropped_constraints(statement):
        constraint = current.raw.constraints.get(dotted(key))
        if constraint is not None and constraint.constraint_type in ("PRIMARY KEY", "UNIQUE"):
            return [quoted(*key[:2])]
    return []


def _dropped_foreign_key_target(statement: ParsedStatement, current: InspectedSchema) -> str | None:
    """The table a statement's only command, a DROP of a foreign key, references."""
    dropped = _dropped_constraints(statement)
    if len(dropped) != 1 or len(statement.node.cmds) != 1:
        return None
    constraint = current.raw.constraints.get(dotted(dropped[0]))
    if constraint is None or not constraint.is_fk:
        return None
    return str(constraint.quoted_full_foreign_table_name)


def _dropped_constraints(statement: ParsedStatement) -> list[tuple[str, str, str]]:
    """(schema, table, constraint) of each DROP CONSTRAINT of an ALTER TABLE."""
    return [
        key
        for command, key in constraint_commands(statement)
        if command.subtype == AlterTableType.AT_DropConstraint
    ]


def _after_last_detach(statements: list[ParsedStatement], table: str) -> int:
    """The position right after the last statement that detaches ``table`` (0 if none)."""
    positions = [i + 1 for i, s in enumerate(statements) if table in s.detached_partitions()]
    return max(positions, default=0)
