"""Column collations on new columns: migra's CREATE TABLE and ADD COLUMN leave out
``COLLATE``, so a new column gets its type's default collation and re-diffs forever.
Right after the plan creates such a column, its collation is set (on a new, empty column
the type change rewrites nothing). A composite type's CREATE TYPE gets its attributes'
COLLATE written in (a type's attribute cannot be altered once the type is in use)."""

from __future__ import annotations

from typing import Any

from pglast import parse_sql
from pglast.enums import AlterTableType
from pglast.stream import RawStream

from app.schema.catalog import ColumnCollation
from app.schema.corrections.sqlnames import dotted, ident
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema


def collate_new_columns(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    wanted = {(c.schema, c.table, c.column): c for c in catalog_of(desired).collations}
    if not wanted:
        return statements
    result: list[ParsedStatement] = []
    for statement in statements:
        if statement.kind == "CompositeTypeStmt":
            result.append(_collated_type(statement, wanted))
            continue
        result.append(statement)
        for column in _new_columns(statement):
            if column in wanted:
                result.append(ParsedStatement.of(_collate(wanted[column])))
    return result


def _collate(column: ColumnCollation) -> str:
    return (
        f"ALTER TABLE {dotted((column.schema, column.table))} ALTER COLUMN "
        f"{ident(column.column)} TYPE {column.data_type} COLLATE {column.collation}"
    )


def _new_columns(statement: ParsedStatement) -> list[tuple[str, str, str]]:
    """Columns this CREATE TABLE or ALTER TABLE … ADD COLUMN creates without COLLATE."""
    node = statement.node
    if statement.kind == "CreateStmt":
        definitions: list[Any] = list(node.tableElts or ())
    elif statement.kind == "AlterTableStmt":
        definitions = [c.def_ for c in node.cmds if c.subtype == AlterTableType.AT_AddColumn]
    else:
        return []
    table = (node.relation.schemaname or "public", node.relation.relname)
    return [
        (*table, d.colname)
        for d in definitions
        if type(d).__name__ == "ColumnDef" and d.collClause is None
    ]


def _collated_type(
    statement: ParsedStatement, wanted: dict[tuple[str, str, str], ColumnCollation]
) -> ParsedStatement:
    node = statement.node
    type_name = (node.typevar.schemaname or "public", node.typevar.relname)
    changed = False
    for attribute in node.coldeflist or ():
        column = wanted.get((*type_name, attribute.colname))
        if column is not None and attribute.collClause is None:
            attribute.collClause = _collate_clause(column.collation)
            changed = True
    return ParsedStatement.of(RawStream()(node)) if changed else statement


def _collate_clause(collation: str) -> Any:
    """The parse node of ``COLLATE <collation>`` (the name is already quoted SQL)."""
    node: Any = parse_sql(f"CREATE TYPE t AS (a text COLLATE {collation})")[0].stmt
    return node.coldeflist[0].collClause
