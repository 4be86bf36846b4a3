"""Rules and extended statistics (CREATE RULE, CREATE STATISTICS): migra reads neither.

They are compared by PostgreSQL's own printed definitions. One that is gone or changed is
dropped at the start of the plan (before the columns it names change); one that is new,
changed, or whose table the plan drops and creates again is created at the end, when its
table and columns exist. One whose table the plan drops goes with the table.
"""

from __future__ import annotations

from app.schema.catalog.model import DefinedObject
from app.schema.corrections.dropped import removed_objects
from app.schema.corrections.sqlnames import dotted, ident
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema

Key = tuple[str, str, str, str]


def sync_rules_and_statistics(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    removed = removed_objects(statements)
    before = {
        _key(o): o
        for o in catalog_of(current).defined
        if not removed.removes(o.table_schema, o.table)
    }
    after = {_key(o): o for o in catalog_of(desired).defined}
    drops = [_drop(o) for key, o in sorted(before.items()) if after.get(key) != o]
    creates = [_create(o) for key, o in sorted(after.items()) if before.get(key) != o]
    return [
        *(ParsedStatement.of(sql) for sql in drops),
        *statements,
        *(ParsedStatement.of(sql) for sql in (s for group in creates for s in group)),
    ]


def _key(defined: DefinedObject) -> Key:
    return (defined.kind, defined.schema, defined.table, defined.name)


def _drop(defined: DefinedObject) -> str:
    if defined.kind == "rule":
        table = dotted((defined.table_schema, defined.table))
        return f"DROP RULE {ident(defined.name)} ON {table}"
    return f"DROP STATISTICS {dotted((defined.schema, defined.name))}"


def _create(defined: DefinedObject) -> list[str]:
    statements = [defined.definition]
    if defined.statistics_target is not None:
        name = dotted((defined.schema, defined.name))
        statements.append(f"ALTER STATISTICS {name} SET STATISTICS {defined.statistics_target}")
    return statements
