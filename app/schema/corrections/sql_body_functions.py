"""Functions and procedures with a SQL-standard body (``BEGIN ATOMIC … END`` or ``RETURN
…``): PostgreSQL parses the body and keeps no source text, and schemainspect compares the
source text, so migra never sees such a body change. Our catalog compares
pg_get_functiondef(); a changed one is replaced (``CREATE OR REPLACE``) at the start of the
plan, before migra's drops of what its old body used (the body's dependencies are recorded
by PostgreSQL, so dropping a function the old body calls fails until it is replaced). The
dependency ordering moves the creation of what the new body calls ahead of it.
"""

from __future__ import annotations

from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema


def replace_changed_sql_bodies(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before = {(f.schema, f.name, f.arguments): f for f in catalog_of(current).sql_body_functions}
    replaced = {_created(s) for s in statements}
    changed = [
        f.definition
        for f in catalog_of(desired).sql_body_functions
        if (key := (f.schema, f.name, f.arguments)) in before
        and before[key].definition != f.definition
        and (f.schema, f.name) not in replaced
    ]
    return [*(ParsedStatement.of(sql) for sql in changed), *statements]


def _created(statement: ParsedStatement) -> tuple[str, str] | None:
    if statement.kind != "CreateFunctionStmt":
        return None
    names = [n.sval for n in statement.node.funcname]
    return (names[-2], names[-1]) if len(names) > 1 else ("public", names[-1])
