"""A function whose return type changes cannot be ``CREATE OR REPLACE``d ("cannot change
return type of existing function"), yet migra does just that; and it cannot be dropped
while a column default, a CHECK constraint or an index calls it.

The function is replaced in one block: what calls it (from pg_depend) is dropped, then the
function, the new function is created, and what was dropped is put back as the desired
schema has it. The block goes where the function is first needed: migra's CREATE, or the
first statement on a table that uses the function, whichever comes first. migra's own
statements on those dependents are left out (the block writes them from the desired
schema), unless the plan drops their table anyway.
"""

from __future__ import annotations

from typing import Any

from pglast.enums import AlterTableType, ObjectType

from app.schema.catalog.model import FunctionDependent
from app.schema.corrections.dropped import removed_objects
from app.schema.corrections.function_order import touched_table
from app.schema.corrections.sqlnames import ident
from app.schema.corrections.statements import ParsedStatement, quoted
from app.schema.inspection import InspectedSchema

_DEPENDENT_COMMANDS = (
    AlterTableType.AT_DropConstraint,
    AlterTableType.AT_AddConstraint,
    AlterTableType.AT_ColumnDefault,
)


def replace_functions_whose_return_type_changes(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None:
        return statements
    result = list(statements)
    for old in _changed_functions(current, desired):
        create = next((s for s in result if _creates(s, old)), None)
        if create is not None:
            result = _replace(result, create, old, current, desired)
    return result


def _changed_functions(current: InspectedSchema, desired: InspectedSchema) -> list[Any]:
    return [
        function
        for key, function in sorted(current.raw.functions.items())
        if key in desired.raw.functions
        and desired.raw.functions[key].result_string != function.result_string
    ]


def _replace(
    statements: list[ParsedStatement],
    create: ParsedStatement,
    old: Any,
    current: InspectedSchema,
    desired: InspectedSchema,
) -> list[ParsedStatement]:
    dropped_tables = removed_objects(statements)
    dependents = [
        d
        for d in current.catalog.function_dependents
        if (d.function_schema, d.function_name, d.function_arguments)
        == (old.schema, old.name, old.identity_arguments)
    ]
    kept = [d for d in dependents if not dropped_tables.removes(d.table_schema, d.table_name)]
    result = [
        s
        for s in statements
        if s is create or not (_drops_function(s, old) or any(_handles(s, d) for d in kept))
    ]
    tables = {(d.table_schema, d.table_name) for d in dependents}
    touching = [i for i, s in enumerate(result) if touched_table(s) in tables]
    position = min([result.index(create), *touching])
    result.remove(create)
    block = [
        *_settings_for_bodies(result),
        *(_drop_dependent(d, current) for d in dependents),
        old.drop_statement,
        create.sql,
        *filter(None, (_restore_dependent(d, desired) for d in kept)),
    ]
    return result[:position] + [ParsedStatement.of(sql) for sql in block] + result[position:]


def _settings_for_bodies(statements: list[ParsedStatement]) -> list[str]:
    """migra's ``set check_function_bodies = off`` (a body may name what the plan creates
    later), repeated at the head of the block when the plan has it."""
    settings = [
        s.sql
        for s in statements
        if s.kind == "VariableSetStmt" and s.node.name == "check_function_bodies"
    ]
    return settings[:1]


def _creates(statement: ParsedStatement, function: Any) -> bool:
    if statement.kind != "CreateFunctionStmt":
        return False
    return _key([n.sval for n in statement.node.funcname]) == (function.schema, function.name)


def _drops_function(statement: ParsedStatement, function: Any) -> bool:
    node = statement.node
    if statement.kind != "DropStmt" or node.removeType != ObjectType.OBJECT_FUNCTION:
        return False
    return any(
        _key([n.sval for n in obj.objname]) == (function.schema, function.name)
        for obj in node.objects
    )


def _handles(statement: ParsedStatement, dependent: FunctionDependent) -> bool:
    """Whether ``statement`` only drops or creates ``dependent`` (its index, its constraint,
    its column default)."""
    node: Any = statement.node
    table = (dependent.table_schema, dependent.table_name)
    if dependent.kind == "index":
        if statement.kind == "IndexStmt":
            return touched_table(statement) == table and node.idxname == dependent.member
        if statement.kind == "DropStmt" and node.removeType == ObjectType.OBJECT_INDEX:
            index = (dependent.table_schema, dependent.member)
            return [_key([n.sval for n in obj]) for obj in node.objects] == [index]
        return False
    if statement.kind != "AlterTableStmt" or touched_table(statement) != table:
        return False
    return all(_is_about(command, dependent) for command in node.cmds)


def _is_about(command: Any, dependent: FunctionDependent) -> bool:
    if command.subtype not in _DEPENDENT_COMMANDS:
        return False
    if command.subtype == AlterTableType.AT_ColumnDefault:
        return dependent.kind == "default" and command.name == dependent.member
    name = command.name if command.def_ is None else command.def_.conname
    return dependent.kind == "constraint" and name == dependent.member


def _drop_dependent(dependent: FunctionDependent, current: InspectedSchema) -> str:
    table = quoted(dependent.table_schema, dependent.table_name)
    if dependent.kind == "default":
        return f"alter table {table} alter column {ident(dependent.member)} drop default"
    if dependent.kind == "constraint":
        return str(current.raw.constraints[f"{table}.{ident(dependent.member)}"].drop_statement)
    return str(current.raw.indexes[quoted(dependent.table_schema, dependent.member)].drop_statement)


def _restore_dependent(dependent: FunctionDependent, desired: InspectedSchema) -> str | None:
    """The dependent as the desired schema has it; None when it has it no more."""
    table = quoted(dependent.table_schema, dependent.table_name)
    if dependent.kind == "default":
        relation = desired.raw.tables.get(table)
        column = relation.columns.get(dependent.member) if relation is not None else None
        if column is None or column.default is None:
            return None
        column_name = ident(dependent.member)
        return f"alter table {table} alter column {column_name} set default {column.default}"
    if dependent.kind == "constraint":
        constraint = desired.raw.constraints.get(f"{table}.{ident(dependent.member)}")
        return None if constraint is None else str(constraint.create_statement)
    index = desired.raw.indexes.get(quoted(dependent.table_schema, dependent.member))
    return None if index is None else str(index.create_statement)


def _key(names: list[str]) -> tuple[str, str]:
    return (names[-2], names[-1]) if len(names) >= 2 else ("public", names[-1])
