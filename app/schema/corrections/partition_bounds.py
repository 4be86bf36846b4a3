"""Partition keys and partition bounds, which migra does not compare.

- A partition whose bounds change (``FOR VALUES FROM (0) TO (10)`` → ``… TO (20)``) is
  detached at the start of the plan and attached again with the desired bounds once the
  other partitions of its parent that the plan drops or detaches are gone (the new range
  may be theirs).
- A partitioned table whose partition key changes (``RANGE (id)`` → ``LIST (v)``) cannot be
  altered: its partitions are detached, the table dropped and created as desired, and the
  partitions attached again with their desired bounds. The table's constraints, indexes,
  triggers and policies come back with the tables the plan recreates (see
  :mod:`recreated_tables`); migra's own statements on the table are replaced.
"""

from __future__ import annotations

from app.schema.corrections.statements import ParsedStatement, dropped_tables, relation_key
from app.schema.inspection import InspectedSchema


def repartition_changed_tables(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None:
        return statements
    dropped = dropped_tables(statements)
    rekeyed = {
        key
        for key, table in desired.raw.tables.items()
        if table.is_partitioned
        and key not in dropped
        and key in current.raw.tables
        and current.raw.tables[key].is_partitioned
        and current.raw.tables[key].partition_def != table.partition_def
    }
    result = list(statements)
    for parent in sorted(rekeyed):
        result = _recreate(result, parent, current, desired)
    return _rebound(result, current, desired, rekeyed | dropped)


def _recreate(
    statements: list[ParsedStatement],
    parent: str,
    current: InspectedSchema,
    desired: InspectedSchema,
) -> list[ParsedStatement]:
    """Detach, drop, create and attach again, in place of migra's statements on the table
    (it compares the two as the same table; what they add comes back with the recreated
    table's constraints, indexes, triggers and policies)."""
    staying = [
        key
        for key in _partitions_of(parent, current)
        if key in desired.raw.tables and desired.raw.tables[key].parent_table == parent
    ]
    block = [
        *(_detach(parent, key) for key in staying),
        f"DROP TABLE {parent}",
        desired.raw.tables[parent].create_statement.strip().rstrip(";"),
        *(_attach(key, desired) for key in staying),
    ]
    on_old = [i for i, s in enumerate(statements) if _names_table(s, parent)]
    at = on_old[0] if on_old else 0
    kept = [s for i, s in enumerate(statements) if i not in on_old]
    return [*kept[:at], *(ParsedStatement.of(sql) for sql in block), *kept[at:]]


def _rebound(
    statements: list[ParsedStatement],
    current: InspectedSchema,
    desired: InspectedSchema,
    replaced_parents: set[str],
) -> list[ParsedStatement]:
    """Partitions that stay with their parent under new bounds: detached first, attached
    after the plan's last drop or detach of a partition of the same parent."""
    moved = [
        key
        for key, table in sorted(desired.raw.tables.items())
        if table.is_partitioning_child_table
        and table.parent_table not in replaced_parents
        and key in current.raw.tables
        and current.raw.tables[key].parent_table == table.parent_table
        and current.raw.tables[key].partition_def != table.partition_def
    ]
    if not moved:
        return statements
    detaches = [ParsedStatement.of(_detach(desired.raw.tables[k].parent_table, k)) for k in moved]
    result = [*detaches, *statements]
    for key in moved:
        siblings = _partitions_of(desired.raw.tables[key].parent_table, current)
        last = max((i for i, s in enumerate(result) if _removes_partition(s, siblings)), default=-1)
        result.insert(last + 1, ParsedStatement.of(_attach(key, desired)))
    return result


def _partitions_of(parent: str, schema: InspectedSchema) -> list[str]:
    return sorted(
        key
        for key, table in schema.raw.tables.items()
        if table.is_partitioning_child_table and table.parent_table == parent
    )


def _detach(parent: str, partition: str) -> str:
    return f"ALTER TABLE {parent} DETACH PARTITION {partition}"


def _attach(partition: str, desired: InspectedSchema) -> str:
    table = desired.raw.tables[partition]
    return f"ALTER TABLE {table.parent_table} ATTACH PARTITION {partition} {table.partition_def}"


def _removes_partition(statement: ParsedStatement, partitions: list[str]) -> bool:
    """A DROP TABLE of one of ``partitions``, or a DETACH PARTITION of one."""
    removed = [*statement.dropped_tables(), *statement.detached_partitions()]
    return any(key in partitions for key in removed)


def _names_table(statement: ParsedStatement, table: str) -> bool:
    """Whether the statement works on ``table`` itself (not a view or index over it)."""
    relation = getattr(statement.node, "relation", None)
    return relation is not None and relation_key(relation) == table
