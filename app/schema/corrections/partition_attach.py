"""Attaching an existing table as a partition, with the indexes the desired schema attaches.

``ALTER TABLE parent ATTACH PARTITION t`` gives every index of the parent a partner on
``t`` by itself: the first (oldest) unattached index of ``t`` that matches it, or a new one
with a name PostgreSQL chooses. migra's plan creates the desired partner index only after
the attach and then attaches it (``ALTER INDEX … ATTACH PARTITION``), which fails when
PostgreSQL has already picked another index ("Another index is already attached"). So,
around each attach:

- the desired partner, when the plan creates it, is created before the attach (on the
  still plain table), so that PostgreSQL picks it and the later ``ALTER INDEX`` is a no-op;
- another matching index the desired schema keeps unattached is dropped before the attach
  and created again after it; one the desired schema does not have is dropped before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pglast.enums import AlterTableType, ObjectType
from pglast.stream import RawStream

from app.schema.corrections.sqlnames import dotted, ident
from app.schema.corrections.statements import ParsedStatement, quoted
from app.schema.inspection import InspectedSchema

Key = tuple[str, str]


def attach_partitions_with_their_indexes(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None:
        return statements
    result = list(statements)
    for statement in statements:
        table = _attached_table(statement)
        if table is not None:
            result = _prepare_attach(result, statement, table, current, desired)
    return result


@dataclass(frozen=True)
class _Index:
    """An index of the table being attached: its shape (what PostgreSQL compares when it
    looks for a partner) and whether a constraint owns it."""

    name: str
    shape: str
    constraint: bool


def _prepare_attach(
    statements: list[ParsedStatement],
    attach: ParsedStatement,
    table: Key,
    current: InspectedSchema,
    desired: InspectedSchema,
) -> list[ParsedStatement]:
    partners = {
        a.child_index
        for a in desired.catalog.attachments
        if (a.child_schema, a.child_table) == table
    }
    at = statements.index(attach)
    existing = _indexes_before(statements[:at], table, current)
    before: list[ParsedStatement] = []
    after: list[ParsedStatement] = []
    moved: list[ParsedStatement] = []
    for partner in sorted(partners):
        wanted = _desired_index(desired, table, partner)
        if wanted is None:
            continue
        if partner not in existing:
            moved += [s for s in statements[at + 1 :] if _creates_index(s, table, partner)]
        for other in existing.values():
            if other.name in partners or not _matches(other, wanted):
                continue
            drops = [s for s in statements if _drops_index(s, table, other.name)]
            moved += [s for s in drops if statements.index(s) > at]
            if not drops:
                before.append(_drop(table, other))
                after.extend(_create(desired, table, other.name))
    if not (before or after or moved):
        return statements
    taken = {id(s) for s in moved}
    tail = [s for s in statements[at + 1 :] if id(s) not in taken]
    return [*statements[:at], *moved, *before, attach, *after, *tail]


def _indexes_before(
    statements: list[ParsedStatement], table: Key, current: InspectedSchema
) -> dict[str, _Index]:
    """The indexes ``table`` has when the attach runs: the current ones, less those the
    plan drops before, plus those it creates before."""
    indexes = {
        index.name: _Index(index.name, _shape(index.definition), index.constraint is not None)
        for index in current.raw.indexes.values()
        if (index.schema, index.table_name) == table
    }
    for statement in statements:
        for name in list(indexes):
            if _drops_index(statement, table, name):
                del indexes[name]
        if statement.kind == "IndexStmt" and _on(statement.node.relation) == table:
            name = statement.node.idxname
            indexes[name] = _Index(name, _shape(statement.sql), False)
    return indexes


def _desired_index(desired: InspectedSchema, table: Key, name: str) -> _Index | None:
    index = desired.raw.indexes.get(quoted(table[0], name))
    if index is None:
        return None
    return _Index(name, _shape(index.definition), index.constraint is not None)


def _matches(other: _Index, wanted: _Index) -> bool:
    """Whether PostgreSQL could pick ``other`` as the partner it should pick ``wanted``
    for: the same shape, and a constraint's index only where the partner backs one."""
    return other.shape == wanted.shape and (other.constraint or not wanted.constraint)


def _shape(definition: str) -> str:
    """An index definition without its name and table: what makes two indexes match."""
    node = ParsedStatement.of(definition).node
    node.idxname = None
    node.relation.schemaname = None
    node.relation.relname = "t"
    node.relation.inh = True
    return str(RawStream()(node))


def _drop(table: Key, index: _Index) -> ParsedStatement:
    if index.constraint:
        return ParsedStatement.of(
            f"ALTER TABLE {dotted(table)} DROP CONSTRAINT {ident(index.name)}"
        )
    return ParsedStatement.of(f"DROP INDEX {dotted((table[0], index.name))}")


def _create(desired: InspectedSchema, table: Key, name: str) -> list[ParsedStatement]:
    """The desired index (or the constraint owning it) as the desired schema defines it."""
    index = desired.raw.indexes.get(quoted(table[0], name))
    if index is None:
        return []
    if index.constraint is not None:
        return [
            ParsedStatement.of(
                f"ALTER TABLE {dotted(table)} ADD CONSTRAINT {ident(name)} "
                f"{index.constraint.definition}"
            )
        ]
    return [ParsedStatement.of(index.definition)]


def _creates_index(statement: ParsedStatement, table: Key, name: str) -> bool:
    if statement.kind == "IndexStmt":
        return _on(statement.node.relation) == table and statement.node.idxname == name
    return any(
        cmd.subtype == AlterTableType.AT_AddConstraint
        and (cmd.def_.indexname or cmd.def_.conname) == name
        for cmd in _table_cmds(statement, table)
    )


def _drops_index(statement: ParsedStatement, table: Key, name: str) -> bool:
    if statement.kind == "DropStmt" and statement.node.removeType == ObjectType.OBJECT_INDEX:
        targets = [[n.sval for n in names] for names in statement.node.objects]
        return any(t[-1] == name and (len(t) == 1 or t[-2] == table[0]) for t in targets)
    return any(
        cmd.subtype == AlterTableType.AT_DropConstraint and cmd.name == name
        for cmd in _table_cmds(statement, table)
    )


def _attached_table(statement: ParsedStatement) -> Key | None:
    """The table an ``ALTER TABLE … ATTACH PARTITION`` attaches."""
    if statement.kind != "AlterTableStmt" or len(statement.node.cmds) != 1:
        return None
    command = statement.node.cmds[0]
    if command.subtype != AlterTableType.AT_AttachPartition:
        return None
    return _on(command.def_.name)


def _table_cmds(statement: ParsedStatement, table: Key) -> list[Any]:
    if statement.kind != "AlterTableStmt" or _on(statement.node.relation) != table:
        return []
    return list(statement.node.cmds)


def _on(relation: Any) -> Key:
    return (relation.schemaname or "public", relation.relname)
