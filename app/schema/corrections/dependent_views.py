"""Views over a column whose type changes must be dropped before the change and recreated
after it (PostgreSQL refuses: "cannot alter type of a column used by a view or rule"); so
must views over a table or view the plan drops and creates again (a plain table becoming
partitioned, a view losing a column: "cannot drop … because other objects depend on it").

migra drops dependent views only when it considers them changed; a view whose own columns
keep their types (or that it believes it can ``CREATE OR REPLACE``) is left in place and
the ALTER fails. This correction drops every view and materialized view that depends on an
altered or recreated table, transitively, right before the first such ALTER or DROP
(outermost first), and recreates the ones migra does not recreate itself right after the
last ALTER or CREATE (innermost first), with the indexes of recreated materialized views.
"""

from __future__ import annotations

from typing import Any

from app.schema.corrections.statements import ParsedStatement, dropped_tables
from app.schema.inspection import InspectedSchema


def recreate_views_around_type_changes(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    recreated = _recreated_relations(statements)
    touched = [_touched_tables(s, recreated) for s in statements]
    alters = [i for i, tables in enumerate(touched) if tables]
    if not alters or current is None:
        return statements
    first, last = alters[0], alters[-1]
    tables = {key for keys in touched for key in keys}
    views = _dependent_views(current, tables) - recreated  # migra drops and creates those
    dropped_before = {k for s in statements[:first] for k in s.dropped_relations()}
    created_after = {s.created_relation() for s in statements[last + 1 :]}

    drops = [
        ParsedStatement.of(_drop_sql(current.raw.selectables[key]))
        for key in _outermost_first(current.raw, views)
        if key not in dropped_before
    ]
    creates = [
        ParsedStatement.of(sql)
        for key in reversed(_outermost_first(current.raw, views))
        if key not in created_after and desired is not None and key in desired.raw.selectables
        for sql in _create_sql(desired.raw, key)
    ]
    return [
        *statements[:first],
        *drops,
        *statements[first : last + 1],
        *creates,
        *statements[last + 1 :],
    ]


def _recreated_relations(statements: list[ParsedStatement]) -> set[str]:
    """Tables and views the plan drops and creates again."""
    dropped = dropped_tables(statements) | {k for s in statements for k in s.dropped_relations()}
    created = {s.created_table() or s.created_relation() for s in statements}
    return dropped & {key for key in created if key is not None}


def _touched_tables(statement: ParsedStatement, recreated: set[str]) -> list[str]:
    """Tables (and views) whose views must be out of the way for this statement."""
    created = statement.created_table() or statement.created_relation()
    dropped = [*statement.dropped_tables(), *statement.dropped_relations()]
    rebuilt = [k for k in dropped if k in recreated]
    if created in recreated:
        rebuilt.append(created)
    return statement.altered_column_types() + rebuilt


def _dependent_views(current: InspectedSchema, tables: set[str]) -> set[str]:
    """Views over ``tables``, transitively. schemainspect leaves partitioned tables out of
    its dependencies; our catalog has the views over those."""
    raw = current.raw
    direct = {view for table, view in current.catalog.partitioned_table_views if table in tables}
    views: set[str] = set()
    for relation in tables | direct:
        if relation in raw.selectables:
            candidates = [*raw.selectables[relation].dependents_all]
            if relation in direct:
                candidates.append(relation)
            for key in candidates:
                if raw.selectables.get(key) is not None and _is_view(raw.selectables[key]):
                    views.add(key)
    return views


def _is_view(selectable: Any) -> bool:
    return getattr(selectable, "relationtype", None) in ("v", "m")


def _outermost_first(raw: Any, views: set[str]) -> list[str]:
    """Order views so that each comes before the views it depends on."""
    ordered: list[str] = []
    remaining = set(views)
    while remaining:
        ready = sorted(
            key for key in remaining if not (set(raw.selectables[key].dependents) & remaining)
        )
        if not ready:  # a cycle cannot happen between views; keep going deterministically
            ready = sorted(remaining)
        ordered.extend(ready)
        remaining -= set(ready)
    return ordered


def _drop_sql(selectable: Any) -> str:
    kind = "materialized view" if selectable.relationtype == "m" else "view"
    return f"drop {kind} if exists {selectable.quoted_full_name}"


def _create_sql(raw: Any, key: str) -> list[str]:
    selectable = raw.selectables[key]
    statements = [selectable.create_statement]
    if selectable.relationtype == "m":
        statements += [
            index.create_statement
            for index in raw.indexes.values()
            if (index.schema, index.table_name) == (selectable.schema, selectable.name)
        ]
    return statements
