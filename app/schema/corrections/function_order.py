"""Functions that tables use (in a default, a CHECK, a generated column, an index): migra
creates functions after tables and drops them before, so both fail.

Driven by PostgreSQL's own dependency records (pg_depend, read into the catalog data): a
function the desired schema's tables use is created right before the first statement that
touches one of those tables; a function the current schema's tables use is dropped right
after the last statement that touches one of them. Functions that nothing uses stay where
migra put them (a SQL function's body may itself need tables created first).
"""

from __future__ import annotations

from typing import Any

from pglast.enums import ObjectType

from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema

Key = tuple[str, str]
_DROPPED_RELATIONS = (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_INDEX)


def order_functions_around_tables(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    result = list(statements)
    for function, tables in _uses(desired).items():
        created = [s for s in result if _created_function(s) == function]
        touching = [i for i, s in enumerate(result) if touched_table(s) in tables]
        if created and touching and result.index(created[0]) > touching[0]:
            result.remove(created[0])
            result.insert(touching[0], created[0])
    for function, tables in _uses(current).items():
        dropped = [s for s in result if function in _dropped_functions(s)]
        touching = [i for i, s in enumerate(result) if touched_table(s) in tables]
        if dropped and touching and result.index(dropped[0]) < touching[-1]:
            result.remove(dropped[0])
            result.insert(touching[-1], dropped[0])  # after the removal, -1 is past it
    return result


def _uses(schema: InspectedSchema | None) -> dict[Key, set[Key]]:
    uses: dict[Key, set[Key]] = {}
    for use in catalog_of(schema).function_uses:
        key = (use.function_schema, use.function_name)
        uses.setdefault(key, set()).add((use.table_schema, use.table_name))
    return uses


def _created_function(statement: ParsedStatement) -> Key | None:
    if statement.kind != "CreateFunctionStmt":
        return None
    return _key([n.sval for n in statement.node.funcname])


def _dropped_functions(statement: ParsedStatement) -> list[Key]:
    if statement.kind != "DropStmt" or statement.node.removeType != ObjectType.OBJECT_FUNCTION:
        return []
    return [_key([n.sval for n in obj.objname]) for obj in statement.node.objects]


def touched_table(statement: ParsedStatement) -> Key | None:
    """The table a CREATE/ALTER/DROP TABLE or CREATE INDEX statement is about, or the
    index a DROP INDEX drops (function uses list indexes and their tables)."""
    node: Any = statement.node
    if statement.kind in ("CreateStmt", "AlterTableStmt", "IndexStmt"):
        return _key([node.relation.schemaname or "public", node.relation.relname])
    if statement.kind == "DropStmt" and node.removeType in _DROPPED_RELATIONS:
        return _key([n.sval for n in node.objects[0]])
    return None


def _key(names: list[str]) -> Key:
    return (names[-2], names[-1]) if len(names) >= 2 else ("public", names[-1])
