"""Triggers of partitioned tables: PostgreSQL clones them onto every partition, and the
clones come and go with the parent's trigger. migra sees the clones as the partitions' own
and creates them ("already exists") or drops them ("trigger … requires it"); those
statements are left out.
"""

from __future__ import annotations

from pglast.enums import ObjectType

from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema

Trigger = tuple[str, str, str]  # (schema, table, trigger)


def leave_cloned_triggers_to_postgresql(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    created_by_parent = {tuple(t) for t in catalog_of(desired).cloned_triggers}
    dropped_with_parent = {tuple(t) for t in catalog_of(current).cloned_triggers}
    return [
        s
        for s in statements
        if _created(s) not in created_by_parent and _dropped(s) not in dropped_with_parent
    ]


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
