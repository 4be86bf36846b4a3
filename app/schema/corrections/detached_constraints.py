"""Constraints a partition keeps when it is detached from a parent that loses them.

A partition's foreign keys cloned from its parent's, and the CHECKs it only inherits, become
its own on ``DETACH PARTITION``. The plan detaches first (``partition_order``) and then
drops the parent's constraint, or the parent: the detached table keeps its copy. A foreign
key copy still references the old target, so dropping that target's key fails, and a kept
CHECK merges with the one a new parent adds and stays the table's own. Where the desired
table does not have the constraint as its own, it is dropped right after the detach.
"""

from __future__ import annotations

from pglast.enums import AlterTableType

from app.schema.corrections.sqlnames import ident
from app.schema.corrections.statements import (
    ParsedStatement,
    catalog_of,
    dropped_tables,
    quoted,
    relation_key,
)
from app.schema.inspection import InspectedSchema

Constraint = tuple[str, str, str]  # (schema, table, name)


def drop_constraints_detached_partitions_keep(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    inherited = {tuple(c) for c in catalog_of(current).inherited_constraints}
    if current is None or not inherited:
        return statements
    gone = _dropped_constraints(statements)
    gone_tables = dropped_tables(statements)
    still_inherited = {tuple(c) for c in catalog_of(desired).inherited_constraints}
    wanted = set() if desired is None else set(desired.raw.constraints)
    result: list[ParsedStatement] = []
    for statement in statements:
        result.append(statement)
        for partition in statement.detached_partitions():
            parent = getattr(current.raw.tables.get(partition), "parent_table", None)
            for schema, table, name in sorted(inherited):
                key = quoted(schema, table)
                if key != partition or not (parent in gone_tables or (parent, name) in gone):
                    continue
                own = quoted(schema, table) + "." + ident(name) in wanted
                if own and (schema, table, name) not in still_inherited:
                    continue
                result.append(
                    ParsedStatement.of(f"ALTER TABLE {key} DROP CONSTRAINT {ident(name)}")
                )
    return result


def _dropped_constraints(statements: list[ParsedStatement]) -> set[tuple[str, str]]:
    """(table key, constraint name) of every DROP CONSTRAINT in the plan."""
    return {
        (relation_key(s.node.relation), cmd.name)
        for s in statements
        if s.kind == "AlterTableStmt"
        for cmd in s.node.cmds
        if cmd.subtype == AlterTableType.AT_DropConstraint
    }
