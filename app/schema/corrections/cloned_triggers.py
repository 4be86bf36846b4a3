"""Triggers of partitioned tables: PostgreSQL clones them onto every partition, and the
clones come and go with the parent's trigger. migra sees the clones as the partitions' own
and creates them ("already exists") or drops them ("trigger … requires it"); those
statements are left out. A partition that leaves its parent (detached, or its parent dropped)
loses the clones: where the desired table has a trigger of its own by that name, it is
created at the end of the plan; a table's own trigger that becomes a clone (the table
becomes a partition) is dropped first.
"""

from __future__ import annotations

from pglast.enums import ObjectType

from app.schema.corrections.sqlnames import ident
from app.schema.corrections.statements import (
    ParsedStatement,
    catalog_of,
    dropped_tables,
    quoted,
)
from app.schema.inspection import InspectedSchema

Trigger = tuple[str, str, str]  # (schema, table, trigger)


def leave_cloned_triggers_to_postgresql(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    created_by_parent = {tuple(t) for t in catalog_of(desired).cloned_triggers}
    dropped_with_parent = {tuple(t) for t in catalog_of(current).cloned_triggers}
    kept = [
        s
        for s in statements
        if _created(s) not in created_by_parent and _dropped(s) not in dropped_with_parent
    ]
    return [
        *_own_triggers_becoming_clones(kept, current, desired),
        *kept,
        *_own_triggers_of_released_partitions(kept, current, desired),
    ]


def _own_triggers_becoming_clones(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    """A table's own trigger where the desired table (now a partition) has the clone of
    its parent's by that name: dropped first, or the parent's trigger cannot be cloned."""
    if current is None or desired is None:
        return []
    cloned_now = {tuple(t) for t in current.catalog.cloned_triggers}
    dropped = dropped_tables(statements)
    own = {(t.schema, t.table_name, t.name) for t in current.raw.triggers.values()}
    return [
        ParsedStatement.of(f"DROP TRIGGER {ident(name)} ON {quoted(schema, table)}")
        for schema, table, name in desired.catalog.cloned_triggers
        if (schema, table, name) in own - cloned_now and quoted(schema, table) not in dropped
    ]


def _own_triggers_of_released_partitions(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None:
        return []
    dropped = dropped_tables(statements)
    released = {k for s in statements for k in s.detached_partitions()} | dropped
    parents = {key: t.parent_table for key, t in current.raw.tables.items() if t.parent_table}
    cloned_in_desired = {tuple(t) for t in desired.catalog.cloned_triggers}
    created = {_created(s) for s in statements}
    restored = []
    for schema, table, name in current.catalog.cloned_triggers:
        key = quoted(schema, table)
        if key not in released and parents.get(key) not in released:
            continue
        trigger = (schema, table, name)
        if key in dropped or trigger in cloned_in_desired | created:
            continue
        restored += [
            ParsedStatement.of(t.create_statement.strip().rstrip(";"))
            for t in desired.raw.triggers.values()
            if (t.schema, t.table_name, t.name) == (schema, table, name)
        ]
    return restored


def _created(statement: ParsedStatement) -> Trigger | None:
    if statement.kind != "CreateTrigStmt":
        return None
    relation = statement.node.relation
    return (relation.schemaname or "public", relation.relname, statement.node.trigname)


def _dropped(statement: ParsedStatement) -> Trigger | None:
    node = statement.node
    if statement.kind != "DropStmt" or node.removeType != ObjectType.OBJECT_TRIGGER:
        return None
    names = [n.sval for n in node.objects[0]]
    schema, table = (names[-3], names[-2]) if len(names) == 3 else ("public", names[-2])
    return (schema, table, names[-1])
