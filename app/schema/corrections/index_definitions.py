"""Index details migra does not compare: operator classes, collations, and other parts of
an index definition outside the columns and predicate it looks at. An index whose full
definition (pg_get_indexdef) changed, and that the plan neither drops nor creates (nor
drops with its table), is dropped and created again at the end of the plan (after any
change to its table)."""

from __future__ import annotations

from pglast.enums import ObjectType

from app.schema.corrections.sqlnames import dotted
from app.schema.corrections.statements import ParsedStatement, catalog_of, dropped_tables
from app.schema.inspection import InspectedSchema


def rebuild_indexes_with_changed_definitions(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before = {(i.schema, i.name): i.definition for i in catalog_of(current).indexes}
    touched = _touched_indexes(statements)
    dropped = dropped_tables(statements)
    rebuilt: list[ParsedStatement] = []
    for index in catalog_of(desired).indexes:
        key = (index.schema, index.name)
        if key in before and before[key] != index.definition and key not in touched:
            create = ParsedStatement.of(index.definition)
            if create.created_index_table() not in dropped:  # else gone with it
                rebuilt += [ParsedStatement.of(f"DROP INDEX {dotted(key)}"), create]
    return [*statements, *rebuilt]


def _touched_indexes(statements: list[ParsedStatement]) -> set[tuple[str, str]]:
    touched: set[tuple[str, str]] = set()
    for statement in statements:
        node = statement.node
        if statement.kind == "IndexStmt" and node.idxname:
            touched.add((node.relation.schemaname or "public", node.idxname))
        if statement.kind == "DropStmt" and node.removeType == ObjectType.OBJECT_INDEX:
            for names in node.objects:
                parts = [n.sval for n in names]
                touched.add((parts[-2], parts[-1]) if len(parts) > 1 else ("public", parts[0]))
    return touched
