"""A materialized view that the plan (re)creates loses its indexes; recreate them.

migra drops and recreates a materialized view whose definition (or whose table) changed,
but it emits the view's indexes only when the indexes themselves changed, so unchanged
indexes vanish with the old view. This correction adds every index the desired schema has
on the view right after the view's creation, unless the plan creates it later anyway.
"""

from __future__ import annotations

from app.schema.corrections.statements import ParsedStatement, quoted
from app.schema.inspection import InspectedSchema


def restore_matview_indexes(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if desired is None:
        return statements
    result: list[ParsedStatement] = []
    for position, statement in enumerate(statements):
        result.append(statement)
        created = statement.created_relation()
        if created is None or statement.kind != "CreateTableAsStmt":
            continue
        created_later = {s.created_index() for s in statements[position + 1 :]}
        result.extend(
            ParsedStatement.of(index.create_statement)
            for index in desired.raw.indexes.values()
            if quoted(index.schema, index.table_name) == created
            and quoted(index.schema, index.name) not in created_later
        )
    return result
