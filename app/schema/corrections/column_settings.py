"""Column statistics targets and storage (ALTER COLUMN … SET STATISTICS / SET STORAGE):
migra reads neither.

A setting is compared with what the column will have once the plan's other statements ran:
its current one, or the default when the plan creates the column, recreates its table, or
changes the column's type (which resets storage to the new type's). The ALTERs run at the
end of the plan.
"""

from __future__ import annotations

from pglast.enums import AlterTableType

from app.schema.catalog.model import ColumnSettings
from app.schema.corrections.dropped import removed_objects
from app.schema.corrections.sqlnames import dotted, ident
from app.schema.corrections.statements import ParsedStatement, catalog_of, quoted
from app.schema.inspection import InspectedSchema

_STORAGE = {"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}
_MATVIEW = "m"


def sync_column_settings(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    removed = removed_objects(statements)
    retyped = _retyped_columns(statements)
    before = {
        (s.schema, s.table, s.column): s
        for s in catalog_of(current).column_settings
        if not removed.removes(s.schema, s.table)
        and (s.schema, s.table, s.column) not in removed.columns
    }
    after = {(s.schema, s.table, s.column): s for s in catalog_of(desired).column_settings}
    alters: list[str] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if new is None and not _exists(desired, key):
            continue  # the column is gone, and its settings with it
        reset = key in retyped
        alters += _alters(key, old, new, reset, _word(desired, key))
    return [*statements, *(ParsedStatement.of(sql) for sql in alters)]


def _retyped_columns(statements: list[ParsedStatement]) -> set[tuple[str, str, str]]:
    retyped = set()
    for statement in statements:
        if statement.kind != "AlterTableStmt":
            continue
        relation = statement.node.relation
        for command in statement.node.cmds:
            if command.subtype == AlterTableType.AT_AlterColumnType:
                retyped.add((relation.schemaname or "public", relation.relname, command.name))
    return retyped


def _alters(
    key: tuple[str, str, str],
    old: ColumnSettings | None,
    new: ColumnSettings | None,
    reset: bool,
    word: str,
) -> list[str]:
    column = f"ALTER {word} {dotted(key[:2])} ALTER COLUMN {ident(key[2])}"
    old_target, new_target = (old and old.statistics_target), (new and new.statistics_target)
    old_storage, new_storage = (old and old.storage), (new and new.storage)
    alters = []
    if old_target != new_target:
        alters.append(f"{column} SET STATISTICS {-1 if new_target is None else new_target}")
    # a type change already reset the storage to the new type's own
    if new_storage is not None if reset else old_storage != new_storage:
        alters.append(f"{column} SET STORAGE {_storage(old, new)}")
    return alters


def _storage(old: ColumnSettings | None, new: ColumnSettings | None) -> str:
    """The new storage; back to the type's own when it is the default (SET STORAGE DEFAULT
    only exists from PostgreSQL 16 on)."""
    chosen = new.storage or new.type_storage if new is not None else None
    return _STORAGE[chosen or (old.type_storage if old is not None else "x")]


def _exists(desired: InspectedSchema | None, key: tuple[str, str, str]) -> bool:
    if desired is None:
        return False
    relation = desired.raw.selectables.get(quoted(key[0], key[1]))
    return relation is not None and key[2] in relation.columns


def _word(desired: InspectedSchema | None, key: tuple[str, str, str]) -> str:
    relation = None if desired is None else desired.raw.selectables.get(quoted(key[0], key[1]))
    return "MATERIALIZED VIEW" if getattr(relation, "relationtype", "") == _MATVIEW else "TABLE"
