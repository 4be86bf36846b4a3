"""Turning SQL text into one pglast statement node, with errors people can act on."""

from __future__ import annotations

from pglast import ast, parse_sql
from pglast.parser import ParseError

from app.errors import SqlSyntaxError

STATEMENT_FILE = "<statement>"


def parse_statement(sql: str) -> ast.Node:
    """Parses exactly one statement; a plan entry holding zero or several is a caller bug."""
    try:
        statements = parse_sql(sql)
    except ParseError as error:
        raise _syntax_error(sql, error) from error
    if len(statements) != 1 or statements[0].stmt is None:
        raise ValueError(
            f"expected exactly one SQL statement, found {len(statements)} in {sql[:200]!r}"
        )
    return statements[0].stmt


def parse_type_name(text: str) -> ast.TypeName | None:
    """Parses a type as ``format_type()`` prints it (e.g. ``character varying(20)[]``), or
    None when it is not exactly one type name."""
    try:
        statements = parse_sql(f"SELECT CAST(NULL AS {text})")
    except ParseError:
        return None
    if len(statements) != 1:
        return None
    select = statements[0].stmt
    if not isinstance(select, ast.SelectStmt) or select.fromClause or not select.targetList:
        return None
    if len(select.targetList) != 1 or not isinstance(select.targetList[0], ast.ResTarget):
        return None
    cast = select.targetList[0].val
    return cast.typeName if isinstance(cast, ast.TypeCast) else None


def _syntax_error(sql: str, error: ParseError) -> SqlSyntaxError:
    """PostgreSQL reports a 0-based character index, or none at the end of the input."""
    message = str(error.args[0])
    index = error.args[1] if len(error.args) > 1 else None
    if not isinstance(index, int):
        index = len(sql.rstrip())
    line = sql.count("\n", 0, index) + 1
    column = index - (sql.rfind("\n", 0, index) + 1) + 1
    return SqlSyntaxError(file=STATEMENT_FILE, line=line, column=column, message=message)
