"""Tables schemainspect cannot see: one whose every column was dropped (it has only
dropped attributes) is missing from schemainspect's tables, so migra plans to create it
again on every diff ("re-diffs forever"). Our catalog sees every relation: a CREATE TABLE
for a table that already exists, and that the plan did not drop first, is left out.

The other way round, when migra drops and creates a table again (partitioned ↔ plain), it
still adds the columns the table gains as if it were altered ("column … already exists"):
an ADD COLUMN of a column the plan's own CREATE TABLE of that table has is left out, and so
is a DROP COLUMN of a column it does not have."""

from __future__ import annotations

from pglast import ast
from pglast.enums import AlterTableType

from app.schema.corrections.dropped import removed_objects
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema


def skip_creating_existing_tables(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    existing = {(r.schema, r.name) for r in catalog_of(current).relations if r.relkind in "rp"}
    dropped = removed_objects(statements).objects
    kept = [s for s in statements if not _creates_existing(s, existing - dropped)]
    return _without_columns_created_with_their_table(kept)


def _without_columns_created_with_their_table(
    statements: list[ParsedStatement],
) -> list[ParsedStatement]:
    tables: set[tuple[str, str]] = set()
    created: set[tuple[str, str, str]] = set()
    kept = []
    for statement in statements:
        node = statement.node
        if statement.kind == "CreateStmt":
            table = (node.relation.schemaname or "public", node.relation.relname)
            elements = node.tableElts or ()
            columns = [e.colname or "" for e in elements if isinstance(e, ast.ColumnDef)]
            tables.add(table)
            created |= {(*table, column) for column in columns}
        elif _column_command(
            statement, AlterTableType.AT_AddColumn
        ) in created or _drops_missing_column(statement, tables, created):
            continue
        kept.append(statement)
    return kept


def _drops_missing_column(
    statement: ParsedStatement, tables: set[tuple[str, str]], created: set[tuple[str, str, str]]
) -> bool:
    """A DROP COLUMN on a table the plan created, of a column that table does not have."""
    column = _column_command(statement, AlterTableType.AT_DropColumn)
    return column is not None and column[:2] in tables and column not in created


def _column_command(
    statement: ParsedStatement, subtype: AlterTableType
) -> tuple[str, str, str] | None:
    """(schema, table, column) of a single-command ALTER TABLE of ``subtype``."""
    node = statement.node
    if statement.kind != "AlterTableStmt" or len(node.cmds) != 1:
        return None
    command = node.cmds[0]
    if command.subtype != subtype:
        return None
    column = command.def_.colname if subtype == AlterTableType.AT_AddColumn else command.name
    return (node.relation.schemaname or "public", node.relation.relname, column)


def _creates_existing(statement: ParsedStatement, existing: set[tuple[str, str]]) -> bool:
    if statement.kind != "CreateStmt":
        return False
    relation = statement.node.relation
    return (relation.schemaname or "public", relation.relname) in existing
