"""Partitions and their parent, in the order PostgreSQL needs:

- when a plain table becomes partitioned, migra drops and creates the parent again but may
  create a new partition (``PARTITION OF``, or ``ATTACH PARTITION`` of an existing table)
  before that, while the old plain table still stands ("… is not partitioned"): each such
  statement moves right after the creation of its parent when the plan creates the parent
  later;
- dropping a partitioned table drops its partitions: migra's later DROP TABLE of such a
  partition fails ("does not exist") and is left out;
- attaching an existing table as a partition, migra names the two tables the wrong way
  round (``ALTER TABLE <partition> ATTACH PARTITION <parent>``): they are swapped;
- a partition that becomes a table of its own is detached first: dropping its parent's
  index, or the partition's index that came from it, before that fails ("cannot drop index
  … because index … requires it") or takes the partition's index with it.
"""

from __future__ import annotations

from pglast.enums import AlterTableType, ObjectType

from app.schema.corrections.sqlnames import dotted
from app.schema.corrections.statements import ParsedStatement
from app.schema.inspection import InspectedSchema

Key = tuple[str, str]


def create_partitions_after_parents(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    statements = [_attached_the_right_way(s, desired) for s in statements]
    result = list(statements)
    for statement in statements:
        parent = _partition_parent(statement) or _attaching_parent(statement)
        if parent is None:
            continue
        created = [s for s in result if _created_table(s) == parent]
        if created and result.index(created[-1]) > result.index(statement):
            result.remove(statement)
            result.insert(result.index(created[-1]) + 1, statement)
    result = _without_drops_of_dropped_partitions(result, current)
    detaches = [s for s in result if s.detached_partitions()]
    return [*detaches, *(s for s in result if not s.detached_partitions())]


def _without_drops_of_dropped_partitions(
    statements: list[ParsedStatement], current: InspectedSchema | None
) -> list[ParsedStatement]:
    if current is None:
        return statements
    parents = {
        key: table.parent_table
        for key, table in current.raw.tables.items()
        if table.parent_table and table.partition_def
    }
    result: list[ParsedStatement] = []
    dropped: set[str] = set()
    for statement in statements:
        keys = _dropped_tables(statement)
        if keys and all(parents.get(k) in dropped for k in keys):
            continue
        dropped.update(keys)
        result.append(statement)
    return result


def _dropped_tables(statement: ParsedStatement) -> list[str]:
    """schemainspect keys (``"schema"."name"``) of the tables a DROP TABLE drops."""
    if statement.kind != "DropStmt" or statement.node.removeType != ObjectType.OBJECT_TABLE:
        return []
    keys = []
    for names in statement.node.objects:
        parts = [n.sval for n in names]
        keys.append(dotted(parts if len(parts) > 1 else ["public", parts[0]]))
    return keys


def _created_table(statement: ParsedStatement) -> Key | None:
    if statement.kind != "CreateStmt":
        return None
    relation = statement.node.relation
    return (relation.schemaname or "public", relation.relname)


def _partition_parent(statement: ParsedStatement) -> Key | None:
    if statement.kind != "CreateStmt" or statement.node.partbound is None:
        return None
    parent = statement.node.inhRelations[0]
    return (parent.schemaname or "public", parent.relname)


def _attaching_parent(statement: ParsedStatement) -> Key | None:
    """The table an ``ALTER TABLE … ATTACH PARTITION`` names (the parent, once the statement
    is the right way round)."""
    if statement.kind != "AlterTableStmt" or len(statement.node.cmds) != 1:
        return None
    if statement.node.cmds[0].subtype != AlterTableType.AT_AttachPartition:
        return None
    relation = statement.node.relation
    return (relation.schemaname or "public", relation.relname)


def _attached_the_right_way(
    statement: ParsedStatement, desired: InspectedSchema | None
) -> ParsedStatement:
    node = statement.node
    if desired is None or statement.kind != "AlterTableStmt" or len(node.cmds) != 1:
        return statement
    command = node.cmds[0]
    if command.subtype != AlterTableType.AT_AttachPartition:
        return statement
    named = (node.relation.schemaname or "public", node.relation.relname)
    table = desired.raw.tables.get(dotted(named))
    if table is None or not table.parent_table or not table.partition_def:
        return statement  # the statement's table is not a partition: already right
    return ParsedStatement.of(
        f"ALTER TABLE {table.parent_table} ATTACH PARTITION {dotted(named)} {table.partition_def}"
    )
