"""Every object dropped after what depends on it, from PostgreSQL's dependency records.

migra drops functions, views and tables in name order, so ``DROP FUNCTION add`` can come
before the DROP of a function whose body calls it ("cannot drop function … because other
objects depend on it"). A DROP of a function, view, materialized view or table whose
dependents (pg_depend: views as schemainspect reads them, routines and domains from our
catalog) the plan drops later moves to right after the last of those drops.
"""

from __future__ import annotations

from functools import partial

from pglast.enums import ObjectType

from app.schema.corrections.dropped import drop_targets
from app.schema.corrections.sqlnames import schema_and_name
from app.schema.corrections.statements import ParsedStatement, move_after_last
from app.schema.inspection import InspectedSchema

_ORDERED_DROPS = (
    ObjectType.OBJECT_FUNCTION,
    ObjectType.OBJECT_PROCEDURE,
    ObjectType.OBJECT_VIEW,
    ObjectType.OBJECT_MATVIEW,
    ObjectType.OBJECT_TABLE,
    ObjectType.OBJECT_DOMAIN,
    ObjectType.OBJECT_TYPE,
)


def drop_after_dependents(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None:
        return statements
    graph = _dependents(current)
    keys_by_name: dict[tuple[str, str], set[str]] = {}
    for key in graph:
        keys_by_name.setdefault(schema_and_name(key), set()).add(key)
    dropped = {id(s): _dropped_keys(s, keys_by_name) for s in statements}
    order = list(statements)
    for statement in statements:
        dependents = {d for key in dropped[id(statement)] for d in graph.get(key, ())}
        if not dependents:
            continue
        move_after_last(order, statement, partial(_drops_any, dropped=dropped, keys=dependents))
    return order


def _drops_any(statement: ParsedStatement, dropped: dict[int, set[str]], keys: set[str]) -> bool:
    return bool(dropped[id(statement)] & keys)


def _dependents(current: InspectedSchema) -> dict[str, set[str]]:
    graph = {key: set(s.dependents_all) for key, s in current.raw.selectables.items()}
    edges = [
        *current.catalog.routine_dependents,
        *((t, dependent) for t, dependent, _kind in current.catalog.type_dependents),
    ]
    for referenced, dependent in edges:
        graph.setdefault(referenced, set()).add(dependent)
        graph.setdefault(dependent, set())
    return graph


def _dropped_keys(
    statement: ParsedStatement, keys_by_name: dict[tuple[str, str], set[str]]
) -> set[str]:
    """The keys of what a DROP statement drops (every overload of a dropped routine's name:
    ordering after one too many only costs nothing)."""
    if statement.kind != "DropStmt" or statement.node.removeType not in _ORDERED_DROPS:
        return set()
    return {key for name in drop_targets(statement) for key in keys_by_name.get(name, ())}
