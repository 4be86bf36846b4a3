"""NOT NULL and defaults of partitions' columns, which migra never compares.

A partition's column can be NOT NULL, or have a default, where its parent's has not, and a
parent's ``SET``/``DROP NOT NULL``, ``SET``/``DROP DEFAULT`` or new primary key reaches
every partition: after dropping a parent's primary key and its NOT NULL, a partition whose
desired column stays NOT NULL has lost it; a new partition (``PARTITION OF``) only gets its
parent's; a table the plan attaches keeps its own. The plan's effect on each partition
column is followed statement by statement; where it ends up other than the desired schema
has it, an ``ALTER TABLE`` of the partition itself comes last.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pglast.enums import AlterTableType, ConstrType

from app.schema.corrections.sqlnames import ident
from app.schema.corrections.statements import ParsedStatement, relation_key
from app.schema.inspection import InspectedSchema

_NOT_NULL = {AlterTableType.AT_SetNotNull: True, AlterTableType.AT_DropNotNull: False}


@dataclass(frozen=True)
class _Column:
    not_null: bool
    default: str | None

    @classmethod
    def of(cls, column: Any) -> _Column:
        return cls(bool(column.not_null), column.default)


def sync_partition_columns(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if desired is None:
        return statements
    created = {key for s in statements if (key := s.created_table()) is not None}
    alters: dict[str, list[tuple[int, ParsedStatement]]] = {}
    for position, statement in enumerate(statements):
        if statement.kind == "AlterTableStmt":
            table = relation_key(statement.node.relation)
            alters.setdefault(table, []).append((position, statement))
    fixes = []
    for key, table in desired.raw.tables.items():
        if not table.is_partitioning_child_table:
            continue
        ends_with = _after_plan(key, key in created, alters, current, desired)
        for name, column in table.columns.items():
            if name in ends_with:
                fixes.extend(_fixes(key, name, ends_with[name], _Column.of(column)))
    return [*statements, *fixes]


def _fixes(table: str, name: str, has: _Column, wanted: _Column) -> list[ParsedStatement]:
    alter = f"ALTER TABLE {table} ALTER COLUMN {ident(name)}"
    fixes = []
    if has.not_null != wanted.not_null:
        fixes.append(f"{alter} {'SET' if wanted.not_null else 'DROP'} NOT NULL")
    if has.default != wanted.default:
        default = "DROP DEFAULT" if wanted.default is None else f"SET DEFAULT {wanted.default}"
        fixes.append(f"{alter} {default}")
    return [ParsedStatement.of(sql) for sql in fixes]


def _after_plan(
    key: str,
    created: bool,
    alters: dict[str, list[tuple[int, ParsedStatement]]],
    current: InspectedSchema | None,
    desired: InspectedSchema,
) -> dict[str, _Column]:
    """Each column once the plan has run, as far as the plan decides it: from the current
    table (a partition, or a plain table the plan attaches) or, created by the plan, its
    desired parent; then every ALTER TABLE (by
    table, in plan order) of the partition or, unless ``ONLY``, one of its ancestors (those
    set the desired value)."""
    before = None if current is None else current.raw.tables.get(key)
    parent = desired.raw.tables[desired.raw.tables[key].parent_table]
    if before is not None and not created:
        state = {n: _Column.of(c) for n, c in before.columns.items()}
    elif created:
        state = {n: _Column.of(c) for n, c in parent.columns.items()}
    else:
        return {}
    ancestors = _ancestors(key, desired) | _ancestors(key, current)
    relevant = [*alters.get(key, ())]
    for ancestor in ancestors:
        relevant += [(i, s) for i, s in alters.get(ancestor, ()) if s.node.relation.inh]
    for _position, statement in sorted(relevant, key=lambda item: item[0]):
        altered = desired.raw.tables.get(relation_key(statement.node.relation))
        for cmd in statement.node.cmds:
            _apply(cmd, state, altered)
    return state


def _apply(cmd: Any, state: dict[str, _Column], altered: Any) -> None:
    """What one ALTER TABLE command does to the partition's columns; a default set on the
    partition or an ancestor is the altered table's desired one."""
    if cmd.subtype in _NOT_NULL and cmd.name in state:
        state[cmd.name] = replace(state[cmd.name], not_null=_NOT_NULL[cmd.subtype])
    elif cmd.subtype == AlterTableType.AT_ColumnDefault and cmd.name in state:
        column = None if altered is None else altered.columns.get(cmd.name)
        default = None if cmd.def_ is None or column is None else column.default
        state[cmd.name] = replace(state[cmd.name], default=default)
    elif cmd.subtype == AlterTableType.AT_AddColumn and altered is not None:
        column = altered.columns.get(cmd.def_.colname)
        if column is not None:
            state[cmd.def_.colname] = _Column.of(column)
    elif _adds_primary_key(cmd):
        for column in cmd.def_.keys or ():
            if column.sval in state:
                state[column.sval] = replace(state[column.sval], not_null=True)


def _adds_primary_key(cmd: Any) -> bool:
    return bool(
        cmd.subtype == AlterTableType.AT_AddConstraint
        and cmd.def_.contype == ConstrType.CONSTR_PRIMARY
    )


def _ancestors(key: str, schema: InspectedSchema | None) -> set[str]:
    found: set[str] = set()
    tables = {} if schema is None else schema.raw.tables
    while key in tables and tables[key].parent_table and tables[key].parent_table not in found:
        key = tables[key].parent_table
        found.add(key)
    return found
