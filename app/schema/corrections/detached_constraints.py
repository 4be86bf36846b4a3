"""Constraints a partition keeps when it is detached from a parent that loses them.

A partition's foreign keys cloned from its parent's, and the CHECKs it only inherits, become
its own on ``DETACH PARTITION``. Where the plan detaches first (``partition_order``) and
drops the parent's constraint, or the parent, later, the detached table keeps its copy. A
foreign key copy still references the old target, so dropping that target's key fails, and
a kept CHECK merges with the one a new parent adds and stays the table's own. Where the
desired table does not have the constraint as its own, it is dropped right after the
detach.
"""

from __future__ import annotations

from pglast.enums import AlterTableType

from app.schema.corrections.constraints import constraint_commands
from app.schema.corrections.sqlnames import ident, schema_and_name
from app.schema.corrections.statements import (
    ParsedStatement,
    catalog_of,
    dropped_tables,
    quoted,
)
from app.schema.inspection import InspectedSchema


def drop_constraints_detached_partitions_keep(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    inherited: dict[str, list[str]] = {}  # table key → names of its inherited constraints
    for c in catalog_of(current).inherited_constraints:
        inherited.setdefault(quoted(c.schema, c.table), []).append(c.name)
    if current is None or not inherited:
        return statements
    still_inherited = {tuple(c) for c in catalog_of(desired).inherited_constraints}
    own = set() if desired is None else set(desired.raw.constraints)
    result: list[ParsedStatement] = []
    for position, statement in enumerate(statements):
        result.append(statement)
        detached = statement.detached_partitions()
        before = _dropped_constraints(statements[:position]) if detached else set()
        later = statements[position + 1 :] if detached else []
        gone, gone_tables = _dropped_constraints(later), dropped_tables(later)
        for partition in detached:
            parent = getattr(current.raw.tables.get(partition), "parent_table", None)
            for name in sorted(inherited.get(partition, ())):
                if (parent, name) in before:
                    continue  # gone already, with the parent's
                if parent not in gone_tables and (parent, name) not in gone:
                    continue  # the parent keeps it
                if f"{partition}.{ident(name)}" in own and (
                    (*schema_and_name(partition), name) not in still_inherited
                ):
                    continue  # the desired table has it as its own
                sql = f"ALTER TABLE {partition} DROP CONSTRAINT {ident(name)}"
                result.append(ParsedStatement.of(sql))
    return result


def _dropped_constraints(statements: list[ParsedStatement]) -> set[tuple[str, str]]:
    """(table key, constraint name) of every DROP CONSTRAINT in ``statements``."""
    return {
        (quoted(schema, table), name)
        for s in statements
        for command, (schema, table, name) in constraint_commands(s)
        if command.subtype == AlterTableType.AT_DropConstraint
    }
