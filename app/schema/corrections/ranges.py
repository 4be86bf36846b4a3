"""Range types (CREATE TYPE … AS RANGE): schemainspect does not read them, so migra never
creates, changes or drops one.

A new range type is created at the start of the plan, before anything can use it, with the
functions it names (subtype_diff, canonical) that the plan creates moved ahead of it. One
that is gone is dropped at the end, once no column uses it, and the functions it names are
dropped after it. One whose definition changes is dropped and created again at the start
(if columns still use it, rehearsal says so: PostgreSQL cannot alter a range type's
definition).
"""

from __future__ import annotations

from collections.abc import Iterable

from pglast.enums import ObjectType

from app.schema.catalog.model import RangeType
from app.schema.corrections.sqlnames import dotted
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema


def sync_range_types(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before = {(r.schema, r.name): r for r in catalog_of(current).ranges}
    after = {(r.schema, r.name): r for r in catalog_of(desired).ranges}
    changed = [key for key in sorted(after) if before.get(key) != after[key]]
    gone = [before[key] for key in sorted(set(before) - set(after))]
    needed = {f for key in changed for f in _functions(after[key])}
    released = {f for r in gone for f in _functions(r)}
    moved_up = [s for s in statements if _created_function(s) in needed]
    moved_down = [s for s in statements if _dropped_function(s) & released]
    rest = [s for s in statements if s not in moved_up and s not in moved_down]
    first = [
        *(_function_body_settings(statements) if moved_up else []),
        *moved_up,
        *_parsed(sql for key in changed for sql in _replace(before.get(key), after[key])),
    ]
    return [*first, *rest, *_parsed(_drop(r) for r in gone), *moved_down]


def _parsed(sqls: Iterable[str]) -> list[ParsedStatement]:
    return [ParsedStatement.of(sql) for sql in sqls]


def _replace(old: RangeType | None, new: RangeType) -> list[str]:
    return ([_drop(old)] if old is not None else []) + [_create(new)]


def _functions(range_type: RangeType) -> set[str]:
    """Names of the functions a range type names (regproc prints them maybe qualified)."""
    names = (range_type.canonical, range_type.subtype_diff)
    return {name.split(".")[-1].strip('"') for name in names if name}


def _created_function(statement: ParsedStatement) -> str | None:
    if statement.kind != "CreateFunctionStmt":
        return None
    return str(statement.node.funcname[-1].sval)


def _dropped_function(statement: ParsedStatement) -> set[str]:
    node = statement.node
    if statement.kind != "DropStmt" or node.removeType != ObjectType.OBJECT_FUNCTION:
        return set()
    return {str(obj.objname[-1].sval) for obj in node.objects}


def _function_body_settings(statements: list[ParsedStatement]) -> list[ParsedStatement]:
    """migra's ``set check_function_bodies = off``, repeated ahead of the moved functions."""
    settings = [
        s
        for s in statements
        if s.kind == "VariableSetStmt" and s.node.name == "check_function_bodies"
    ]
    return settings[:1]


def _drop(range_type: RangeType) -> str:
    return f"DROP TYPE {dotted((range_type.schema, range_type.name))}"


def _create(range_type: RangeType) -> str:
    options = [f"subtype = {range_type.subtype}"]
    if range_type.opclass:
        options.append(f"subtype_opclass = {range_type.opclass}")
    if range_type.collation:
        options.append(f"collation = {range_type.collation}")
    if range_type.canonical:
        options.append(f"canonical = {range_type.canonical}")
    if range_type.subtype_diff:
        options.append(f"subtype_diff = {range_type.subtype_diff}")
    if range_type.multirange:
        options.append(f"multirange_type_name = {range_type.multirange}")
    name = dotted((range_type.schema, range_type.name))
    return f"CREATE TYPE {name} AS RANGE ({', '.join(options)})"
