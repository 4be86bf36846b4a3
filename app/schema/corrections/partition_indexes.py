"""Indexes and key constraints of partitioned tables, which migra treats as if each
partition's index were its own.

PostgreSQL links a partitioned table's index to one index per partition (``pg_inherits``):
- a new partitioned index is built ``ON ONLY`` the parent and stays invalid until every
  partition's index is attached (``ALTER INDEX … ATTACH PARTITION``), which migra never
  writes;
- ``ADD CONSTRAINT … USING INDEX`` is refused on partitioned tables: the key is added with
  ``ALTER TABLE ONLY … ADD CONSTRAINT`` (creating the parent index) instead;
- a partition created with ``PARTITION OF`` gets the parent's indexes and keys by itself,
  so migra's own CREATE INDEX / ADD CONSTRAINT for them fail ("already exists");
- an attached index cannot be dropped on its own ("cannot drop inherited constraint"); it
  goes with its partition or its parent index, so migra's separate drops are left out.
"""

from __future__ import annotations

from typing import Any

from pglast.enums import AlterTableType, ObjectType

from app.schema.catalog import Catalog, IndexAttachment
from app.schema.corrections.sqlnames import dotted, ident, schema_and_name
from app.schema.corrections.statements import (
    ParsedStatement,
    catalog_of,
    quoted,
    recreated_tables,
)
from app.schema.inspection import InspectedSchema

Key = tuple[str, str]


def fix_partition_indexes(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before, after = catalog_of(current), catalog_of(desired)
    partitioned = any(r.relkind == "p" for r in (*before.relations, *after.relations))
    if not partitioned:
        return statements
    statements = _keys_on_only(statements, after, current, desired)
    statements = _without_inherited_drops(statements, before, current)
    statements = _with_kept_children_of_dropped_parents(statements, before, desired)
    statements = _without_implicit_creates(statements, current, after)
    return _with_attachments(statements, before, after, desired)


# -- drops ------------------------------------------------------------------------------


def _without_inherited_drops(
    statements: list[ParsedStatement], before: Catalog, current: InspectedSchema | None
) -> list[ParsedStatement]:
    """Leave out drops of attached indexes whose partition or parent index (or its table)
    the plan drops, unless the plan detaches the partition first (it keeps them then)."""
    dropped_tables = {k for s in statements for k in _dropped(s, ObjectType.OBJECT_TABLE)}
    detached = {schema_and_name(k) for s in statements for k in s.detached_partitions()}
    dropped_indexes = {k for s in statements for k in _dropped(s, ObjectType.OBJECT_INDEX)}
    dropped_indexes |= {k for s in statements for k in _dropped_constraints(s)}
    if current is not None:
        dropped_indexes |= {
            (i.schema, i.name)
            for i in current.raw.indexes.values()
            if (i.schema, i.table_name) in dropped_tables
        }
    goes_anyway = {
        (a.child_schema, a.child_index)
        for a in before.attachments
        if (a.child_schema, a.child_table) in dropped_tables
        or (
            (a.parent_schema, a.parent_index) in dropped_indexes
            and (a.child_schema, a.child_table) not in detached
        )
    }
    return [s for s in statements if not _drops_only(s, goes_anyway)]


def _with_kept_children_of_dropped_parents(
    statements: list[ParsedStatement], before: Catalog, desired: InspectedSchema | None
) -> list[ParsedStatement]:
    """A partition's index that went with its parent index but that the desired partition
    keeps (its own primary key, once the parent's is dropped) is created again right after
    the drop, as the desired schema has it (a partition detached first keeps its own)."""
    if desired is None:
        return statements
    created = {k for s in statements for k in _created_keys(s)}
    detached = {schema_and_name(k) for s in statements for k in s.detached_partitions()}
    children: dict[Key, list[IndexAttachment]] = {}
    for a in before.attachments:
        if (a.child_schema, a.child_table) not in detached:
            children.setdefault((a.parent_schema, a.parent_index), []).append(a)
    result: list[ParsedStatement] = []
    for statement in statements:
        result.append(statement)
        parents = _dropped(statement, ObjectType.OBJECT_INDEX) + _dropped_constraints(statement)
        for a in (a for parent in parents for a in children.get(parent, ())):
            child = (a.child_schema, a.child_index)
            if child not in created:
                result.extend(_created_as_desired(desired, a.child_table, child))
                created.add(child)
    return result


def _created_as_desired(desired: InspectedSchema, table: str, index: Key) -> list[ParsedStatement]:
    kept = desired.raw.indexes.get(dotted(index))
    if kept is None or kept.table_name != table:
        return []
    if kept.constraint is None:
        return [ParsedStatement.of(str(kept.definition))]
    owner = dotted((index[0], table))
    return [
        ParsedStatement.of(
            f"ALTER TABLE {owner} ADD CONSTRAINT {ident(index[1])} {kept.constraint.definition}"
        )
    ]


def _drops_only(statement: ParsedStatement, keys: set[Key]) -> bool:
    targets = _dropped(statement, ObjectType.OBJECT_INDEX) or _dropped_constraints(statement)
    return bool(targets) and set(targets) <= keys


def _dropped(statement: ParsedStatement, kind: ObjectType) -> list[Key]:
    if statement.kind != "DropStmt" or statement.node.removeType != kind:
        return []
    return [_key([n.sval for n in names]) for names in statement.node.objects]


def _dropped_constraints(statement: ParsedStatement) -> list[Key]:
    """Constraints (keyed like their indexes: table schema, name) an ALTER TABLE drops."""
    return [
        (_schema(statement.node.relation), cmd.name)
        for cmd in _table_cmds(statement)
        if cmd.subtype == AlterTableType.AT_DropConstraint
    ]


# -- creates ----------------------------------------------------------------------------


def _without_implicit_creates(
    statements: list[ParsedStatement], current: InspectedSchema | None, after: Catalog
) -> list[ParsedStatement]:
    """Leave out indexes and keys of new partitions that PARTITION OF creates by itself
    (those attached to a parent index that exists before the partition is created).

    A partition's own key whose index is attached to a parent index that backs no key
    (``PARTITION OF t (PRIMARY KEY …)`` under a plain unique index) is the exception: the
    copy of the index is created, but not the key. Its ``ADD CONSTRAINT … USING INDEX``
    stays, for the copy renamed to the key's name (``partition_index_names``)."""
    created = {k for s in statements for k in _created_keys(s)}
    existing = current.raw.indexes if current is not None else {}
    new_partitions = {_relation_key(s.node.relation) for s in statements if _is_partition(s)}
    implicit: set[Key] = set()
    own_keys: set[Key] = set()
    for a in after.attachments:
        parent = existing.get(dotted((a.parent_schema, a.parent_index)))
        if (
            parent is None
            or (a.child_schema, a.child_table) not in new_partitions
            or (a.parent_schema, a.parent_index) in created
        ):
            continue
        implicit.add((a.child_schema, a.child_index))
        if parent.constraint is None:
            own_keys.add((a.child_schema, a.child_index))
    return [
        s
        for s in statements
        if not (_created_keys(s) and set(_created_keys(s)) <= implicit)
        or (s.kind == "AlterTableStmt" and set(_created_keys(s)) <= own_keys)
    ]


def _is_partition(statement: ParsedStatement) -> bool:
    return statement.kind == "CreateStmt" and statement.node.partbound is not None


def _created_keys(statement: ParsedStatement) -> list[Key]:
    """Indexes this statement creates: CREATE INDEX, or ADD CONSTRAINT (keyed by name)."""
    if statement.kind == "IndexStmt" and statement.node.idxname:
        return [(_schema(statement.node.relation), statement.node.idxname)]
    return [
        (_schema(statement.node.relation), cmd.def_.conname)
        for cmd in _table_cmds(statement)
        if cmd.subtype == AlterTableType.AT_AddConstraint and cmd.def_.conname
    ]


# -- keys of partitioned tables ---------------------------------------------------------


def _keys_on_only(
    statements: list[ParsedStatement],
    after: Catalog,
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    """``ADD CONSTRAINT x … USING INDEX x`` on a partitioned table becomes ``ALTER TABLE
    ONLY … ADD CONSTRAINT x <definition>``, and migra's ``CREATE INDEX x ON ONLY`` goes. An
    index ``x`` the table already has (a unique index becoming a unique constraint) is
    dropped first, with its partitions' indexes."""
    partitioned = {(r.schema, r.name) for r in after.relations if r.relkind == "p"}
    rewritten: dict[Key, str] = {}
    for statement in statements:
        for cmd in _table_cmds(statement):
            table = _relation_key(statement.node.relation)
            using_index = cmd.subtype == AlterTableType.AT_AddConstraint and cmd.def_.indexname
            if using_index and table in partitioned and desired is not None:
                rewritten[(table[0], cmd.def_.conname)] = _add_key(desired, table, cmd)
    existing = set(current.raw.indexes) if current is not None else set()
    dropped = {k for s in statements for k in _dropped(s, ObjectType.OBJECT_INDEX)}
    result: list[ParsedStatement] = []
    for statement in statements:
        keys = _created_keys(statement)
        if statement.kind == "IndexStmt" and keys and keys[0] in rewritten:
            continue
        if statement.kind == "AlterTableStmt" and keys and keys[0] in rewritten:
            if dotted(keys[0]) in existing and keys[0] not in dropped:
                result.append(ParsedStatement.of(f"DROP INDEX {dotted(keys[0])}"))
            statement = ParsedStatement.of(rewritten[keys[0]])
        result.append(statement)
    return result


def _add_key(desired: InspectedSchema, table: Key, cmd: Any) -> str:
    constraint = desired.raw.constraints[dotted((*table, cmd.def_.conname))]
    return (
        f"ALTER TABLE ONLY {dotted(table)} ADD CONSTRAINT {ident(cmd.def_.conname)} "
        f"{constraint.definition}"
    )


# -- attachments ------------------------------------------------------------------------


def _with_attachments(
    statements: list[ParsedStatement],
    before: Catalog,
    after: Catalog,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    """Attach each partition index to its parent index right after both exist (also where
    both were attached before but the plan creates one of them again). A table the plan
    drops and creates again gets its indexes built on every partition at once (see
    :mod:`recreated_tables`), which attaches them."""
    had = set(before.attachments)
    rebuilt = _indexes_of_recreated_tables(statements, desired)
    positions = {k: i for i, s in enumerate(statements) for k in _created_keys(s)}
    new_partitions = {_relation_key(s.node.relation) for s in statements if _is_partition(s)}
    inserts: dict[int, list[str]] = {}
    at_end: list[str] = []
    for a in after.attachments:
        parent, child = (a.parent_schema, a.parent_index), (a.child_schema, a.child_index)
        sql = f"ALTER INDEX {dotted(parent)} ATTACH PARTITION {dotted(child)}"
        if parent not in positions and (parent in rebuilt or (a in had and child not in positions)):
            continue  # attached, and neither index is created again; or built on all
        if parent not in positions and (a.child_schema, a.child_table) in new_partitions:
            continue  # PARTITION OF attaches its copy of an existing parent index
        if parent in positions or child in positions:
            at = max(positions.get(parent, -1), positions.get(child, -1))
            inserts.setdefault(at, []).append(sql)
        elif (a.child_schema, a.child_table) not in new_partitions:
            at_end.append(sql)  # both existed, unattached
    result: list[ParsedStatement] = []
    for position, statement in enumerate(statements):
        result.append(statement)
        result.extend(ParsedStatement.of(sql) for sql in inserts.get(position, []))
    return [*result, *(ParsedStatement.of(sql) for sql in at_end)]


def _indexes_of_recreated_tables(
    statements: list[ParsedStatement], desired: InspectedSchema | None
) -> set[Key]:
    if desired is None:
        return set()
    tables = recreated_tables(statements)
    return {
        (i.schema, i.name)
        for i in desired.raw.indexes.values()
        if quoted(i.schema, i.table_name) in tables
    }


# -- parse-tree helpers -----------------------------------------------------------------


def _table_cmds(statement: ParsedStatement) -> list[Any]:
    if statement.kind != "AlterTableStmt" or statement.node.objtype != ObjectType.OBJECT_TABLE:
        return []
    return list(statement.node.cmds)


def _schema(relation: Any) -> str:
    return str(relation.schemaname or "public")


def _relation_key(relation: Any) -> Key:
    return (_schema(relation), relation.relname)


def _key(names: list[str]) -> Key:
    return (names[-2], names[-1]) if len(names) >= 2 else ("public", names[-1])
