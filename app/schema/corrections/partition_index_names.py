"""Names of the indexes a new partition gets from its partitioned table.

``CREATE TABLE … PARTITION OF`` copies every index of the parent onto the new partition
under a name PostgreSQL chooses (``<table>_<columns>_idx``, ``<table>_pkey``, …). When the
desired schema names the partition's index otherwise (it was built as a plain table with
its own index, then attached), the plan renames the copy right after creating the
partition; otherwise the re-plan wants to drop an index that cannot be dropped on its own.

The name is predicted as PostgreSQL chooses it (``ChooseIndexName``): the parent index's
column names joined by ``_``, the label, both shortened to fit 63 bytes, and a number
appended to the label while the name is taken in the schema.
"""

from __future__ import annotations

from app.schema.catalog import PartitionedIndex
from app.schema.corrections.sqlnames import dotted, ident
from app.schema.corrections.statements import ParsedStatement
from app.schema.inspection import InspectedSchema

Key = tuple[str, str]
MAX_NAME_BYTES = 63  # NAMEDATALEN - 1


def rename_copied_partition_indexes(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None:
        return statements
    parents = {(i.schema, i.name): i for i in current.catalog.partitioned_indexes}
    partners: dict[Key, list[tuple[PartitionedIndex, str]]] = {}
    for a in desired.catalog.attachments:
        parent = parents.get((a.parent_schema, a.parent_index))
        if parent is not None:
            partners.setdefault((a.child_schema, a.child_table), []).append((parent, a.child_index))
    if not partners:
        return statements
    taken = _names_in_use(current)
    result: list[ParsedStatement] = []
    for statement in statements:
        result.append(statement)
        table = _created_partition(statement)
        if table is None:
            continue
        for parent, wanted in sorted(partners.get(table, []), key=lambda p: p[0].position):
            chosen = _chosen_name(table[1], parent, taken.setdefault(table[0], set()))
            if chosen != wanted:
                result.append(
                    ParsedStatement.of(
                        f"ALTER INDEX {dotted((table[0], chosen))} RENAME TO {ident(wanted)}"
                    )
                )
    return result


def _created_partition(statement: ParsedStatement) -> Key | None:
    if statement.kind != "CreateStmt" or statement.node.partbound is None:
        return None
    relation = statement.node.relation
    return (relation.schemaname or "public", relation.relname)


def _names_in_use(current: InspectedSchema) -> dict[str, set[str]]:
    """Relation names per schema (tables, views, indexes, sequences, types), which a new
    index name must not collide with."""
    names: dict[str, set[str]] = {}
    raw = current.raw
    for objects in (
        raw.tables,
        raw.views,
        raw.materialized_views,
        raw.indexes,
        raw.sequences,
        raw.composite_types,
    ):
        for item in objects.values():
            names.setdefault(item.schema, set()).add(item.name)
    return names


def _chosen_name(table: str, parent: PartitionedIndex, taken: set[str]) -> str:
    """The name PostgreSQL gives the partition's copy of ``parent``; it is then taken."""
    columns = None if parent.label == "pkey" else _joined_columns(parent.columns)
    attempt = 0
    while True:
        label = parent.label if attempt == 0 else f"{parent.label}{attempt}"
        name = _object_name(table, columns, label)
        if name not in taken:
            taken.add(name)
            return name
        attempt += 1


def _joined_columns(columns: tuple[str, ...]) -> str:
    """Column names joined by ``_``, stopping once the result is longer than a name."""
    joined = ""
    for column in columns:
        joined = f"{joined}_{column}" if joined else column
        if len(joined.encode()) > MAX_NAME_BYTES:
            break
    return joined


def _object_name(name1: str, name2: str | None, label: str) -> str:
    """``name1_name2_label``, the longer of the two names shortened (byte by byte, then
    back to a whole character) until the whole fits (PostgreSQL's ``makeObjectName``)."""
    first, second = name1.encode(), (name2 or "").encode()
    overhead = len(label) + 1 + (1 if name2 is not None else 0)
    first_len, second_len = len(first), len(second)
    while first_len + second_len > MAX_NAME_BYTES - overhead:
        if first_len > second_len:
            first_len -= 1
        else:
            second_len -= 1
    parts = [first[:first_len].decode(errors="ignore")]
    if name2 is not None:
        parts.append(second[:second_len].decode(errors="ignore"))
    return "_".join([*parts, label])
