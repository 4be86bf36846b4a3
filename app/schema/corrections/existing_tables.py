"""Tables schemainspect cannot see: one whose every column was dropped (it has only
dropped attributes) is missing from schemainspect's tables, so migra plans to create it
again on every diff ("re-diffs forever"). Our catalog sees every relation: a CREATE TABLE
for a table that already exists, and that the plan did not drop first, is left out."""

from __future__ import annotations

from app.schema.corrections.dropped import dropped_objects
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema


def skip_creating_existing_tables(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    existing = {(r.schema, r.name) for r in catalog_of(current).relations if r.relkind in "rp"}
    if not existing:
        return statements
    dropped = dropped_objects(statements).objects
    return [s for s in statements if not _creates_existing(s, existing - dropped)]


def _creates_existing(statement: ParsedStatement, existing: set[tuple[str, str]]) -> bool:
    if statement.kind != "CreateStmt":
        return False
    relation = statement.node.relation
    return (relation.schemaname or "public", relation.relname) in existing
