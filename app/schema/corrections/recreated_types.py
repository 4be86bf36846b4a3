"""Types the plan drops and creates again (migra's way to change a composite type's
attributes): PostgreSQL refuses to drop a type that routines' signatures or other
composite types name. Those dependents (transitively, from pg_depend) are dropped right
before the type, outermost first, and created again right after it from the desired
schema, unless the plan drops (or creates) them itself.
"""

from __future__ import annotations

from typing import Any

from pglast.enums import ObjectType

from app.schema.corrections.dropped import drop_targets
from app.schema.corrections.sqlnames import dotted, schema_and_name
from app.schema.corrections.statements import ParsedStatement
from app.schema.inspection import InspectedSchema

Dependent = tuple[str, str]  # (key as schemainspect writes it, "routine" or "type")
_CREATES_TYPE = ("CompositeTypeStmt", "CreateEnumStmt", "CreateDomainStmt", "CreateRangeStmt")


def recreate_type_dependents(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None or not current.catalog.type_dependents:
        return statements
    result = list(statements)
    for key in sorted(_recreated_types(statements)):
        dependents = _dependents(current, key)
        drops = [_drop_sql(current, d) for d in dependents if not _drops(result, d)]
        creates = [
            sql
            for d in reversed(dependents)
            if not _creates(result, d) and (sql := _create_sql(desired, d))
        ]
        drop = next(i for i, s in enumerate(result) if _type_key(s, "DropStmt") == key)
        result[drop:drop] = [ParsedStatement.of(sql) for sql in drops]
        create = next(i for i, s in enumerate(result) if _type_key(s, "create") == key)
        result[create + 1 : create + 1] = [ParsedStatement.of(sql) for sql in creates]
    return result


def _recreated_types(statements: list[ParsedStatement]) -> set[str]:
    dropped = {k for s in statements if (k := _type_key(s, "DropStmt"))}
    created = {k for s in statements if (k := _type_key(s, "create"))}
    return dropped & created


def _type_key(statement: ParsedStatement, what: str) -> str | None:
    """The always-quoted key of the type a DROP TYPE drops or a CREATE TYPE creates."""
    node = statement.node
    if what == "DropStmt":
        if statement.kind != "DropStmt" or node.removeType != ObjectType.OBJECT_TYPE:
            return None
        return dotted(_schema_and_name(node.objects[0].names))
    if statement.kind not in _CREATES_TYPE:
        return None
    if statement.kind == "CompositeTypeStmt":
        return dotted((node.typevar.schemaname or "public", node.typevar.relname))
    names = node.domainname if statement.kind == "CreateDomainStmt" else node.typeName
    return dotted(_schema_and_name(names))


def _dependents(current: InspectedSchema, key: str) -> list[Dependent]:
    """Everything that names ``key``, transitively, outermost (last to be named) last."""
    found: list[Dependent] = []
    queue = [key]
    while queue:
        referenced = queue.pop(0)
        for type_key, dependent, kind in current.catalog.type_dependents:
            if type_key == referenced and (dependent, kind) not in found:
                found.append((dependent, kind))
                if kind == "type":
                    queue.append(dependent)
    return list(reversed(found))


def _drops(statements: list[ParsedStatement], dependent: Dependent) -> bool:
    key, kind = dependent
    if kind == "type":
        return any(_type_key(s, "DropStmt") == key for s in statements)
    return any(schema_and_name(key) in drop_targets(s) for s in statements)


def _creates(statements: list[ParsedStatement], dependent: Dependent) -> bool:
    key, kind = dependent
    if kind == "type":
        return any(_type_key(s, "create") == key for s in statements)
    name = schema_and_name(key)
    return any(
        s.kind == "CreateFunctionStmt" and _schema_and_name(s.node.funcname) == name
        for s in statements
    )


def _drop_sql(current: InspectedSchema, dependent: Dependent) -> str:
    key, kind = dependent
    if kind == "type":
        return f"drop type {key}"
    return str(current.raw.functions[key].drop_statement)


def _create_sql(desired: InspectedSchema, dependent: Dependent) -> str | None:
    key, kind = dependent
    found = (desired.raw.types if kind == "type" else desired.raw.functions).get(key)
    return None if found is None else str(found.create_statement)


def _schema_and_name(names: Any) -> tuple[str, str]:
    parts = [n.sval for n in names]
    return (parts[-2], parts[-1]) if len(parts) >= 2 else ("public", parts[-1])
