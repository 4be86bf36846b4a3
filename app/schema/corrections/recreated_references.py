"""Foreign keys that reference a table the plan drops and creates again (a plain table
becoming partitioned, or back): PostgreSQL refuses to drop a table another table's foreign
key references, and migra drops none of them first. They are dropped at the start of the
plan; those on tables that stay are added back at the end, as the desired schema has them
(a recreated referencing table gets its keys from migra's own statements). migra's own
DROP and ADD of these constraints are left out.
"""

from __future__ import annotations

from typing import Any

from pglast.enums import AlterTableType

from app.schema.corrections.constraints import constraint_commands
from app.schema.corrections.sqlnames import dotted
from app.schema.corrections.statements import ParsedStatement, dropped_tables, recreated_tables
from app.schema.inspection import InspectedSchema


def drop_references_to_recreated_tables(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None:
        return statements
    dropped = dropped_tables(statements)
    recreated = recreated_tables(statements)
    clones = {dotted(c) for c in current.catalog.inherited_constraints}
    references = {
        key: constraint
        for key, constraint in sorted(current.raw.constraints.items())
        if constraint.is_fk
        and key not in clones
        and constraint.quoted_full_foreign_table_name in recreated
        and constraint.quoted_full_table_name != constraint.quoted_full_foreign_table_name
    }
    if not references:
        return statements
    staying = {
        key
        for key, c in references.items()
        if c.quoted_full_table_name not in dropped and key in desired.raw.constraints
    }
    kept = [s for s in statements if not _handles(s, references, staying)]
    drops = [ParsedStatement.of(c.drop_statement) for c in references.values()]
    adds = [
        ParsedStatement.of(desired.raw.constraints[key].create_statement) for key in sorted(staying)
    ]
    return [*drops, *kept, *adds]


def _handles(statement: ParsedStatement, references: dict[str, Any], staying: set[str]) -> bool:
    """migra's own single DROP (or, for keys added back here, ADD) of one of them."""
    commands = constraint_commands(statement)
    if len(commands) != 1:
        return False
    command, (schema, table, name) = commands[0]
    key = next(
        (
            k
            for k, c in references.items()
            if (c.schema, c.table_name, c.name) == (schema, table, name)
        ),
        None,
    )
    if key is None:
        return False
    if command.subtype == AlterTableType.AT_DropConstraint:
        return True
    return command.subtype == AlterTableType.AT_AddConstraint and key in staying
