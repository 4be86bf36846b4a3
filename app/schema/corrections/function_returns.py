"""A function whose return type changes cannot be ``CREATE OR REPLACE``d ("cannot change
return type of existing function"): migra does just that. The old function is dropped
right before it is created again."""

from __future__ import annotations

from typing import Any

from app.schema.corrections.statements import ParsedStatement
from app.schema.inspection import InspectedSchema


def drop_functions_whose_return_type_changes(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None:
        return statements
    changed = {
        key: function
        for key, function in current.raw.functions.items()
        if key in desired.raw.functions
        and desired.raw.functions[key].result_string != function.result_string
    }
    result: list[ParsedStatement] = []
    for statement in statements:
        old = _replaced(statement, changed)
        if old is not None:
            result.append(ParsedStatement.of(old.drop_statement))
        result.append(statement)
    return result


def _replaced(statement: ParsedStatement, changed: dict[str, Any]) -> Any:
    """The changed function this CREATE OR REPLACE statement replaces, if any."""
    if statement.kind != "CreateFunctionStmt" or not statement.node.replace:
        return None
    names = [n.sval for n in statement.node.funcname]
    schema, name = (names[-2], names[-1]) if len(names) >= 2 else ("public", names[-1])
    matches = [f for f in changed.values() if (f.schema, f.name) == (schema, name)]
    return matches[0] if len(matches) == 1 else None
