"""Collations, written from our catalog: migra writes ``locale = '<lc_collate>'`` for every
collation, which is ``'None'`` for an ICU collation (its locale is elsewhere), loses a
libc collation's separate LC_CTYPE and ``deterministic = false``, and does not escape the
locale. migra's collation statements are replaced: collations that are new or changed are
created first (before the columns that use them), those that are gone dropped last (after
the columns stopped using them). A collation that changes is dropped and created again; if
columns still use it, rehearsal says so (PostgreSQL cannot alter a collation's locale).
"""

from __future__ import annotations

from pglast.enums import ObjectType

from app.schema.catalog.model import CollationDetail
from app.schema.corrections.sqlnames import dotted, literal
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema

_PROVIDERS = {"c": "libc", "i": "icu", "b": "builtin"}


def write_collations(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before = {(c.schema, c.name): c for c in catalog_of(current).collation_details}
    after = {(c.schema, c.name): c for c in catalog_of(desired).collation_details}
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    first = [
        *(_drop(before[key]) for key in changed),
        *(_create(after[key]) for key in sorted(after) if key not in before or key in changed),
    ]
    last = [_drop(before[key]) for key in sorted(set(before) - set(after))]
    kept = [s for s in statements if not _is_collation_statement(s)]
    return [
        *(ParsedStatement.of(sql) for sql in first),
        *kept,
        *(ParsedStatement.of(sql) for sql in last),
    ]


def _is_collation_statement(statement: ParsedStatement) -> bool:
    node = statement.node
    if statement.kind == "DefineStmt":
        return bool(node.kind == ObjectType.OBJECT_COLLATION)
    return statement.kind == "DropStmt" and node.removeType == ObjectType.OBJECT_COLLATION


def _drop(collation: CollationDetail) -> str:
    return f"DROP COLLATION {dotted((collation.schema, collation.name))}"


def _create(collation: CollationDetail) -> str:
    options = [f"provider = {_PROVIDERS[collation.provider]}"]
    if collation.provider == "c":
        options += [
            f"lc_collate = {literal(collation.lc_collate or '')}",
            f"lc_ctype = {literal(collation.lc_ctype or '')}",
        ]
    else:
        options.append(f"locale = {literal(collation.locale or '')}")
    if collation.icu_rules is not None:
        options.append(f"rules = {literal(collation.icu_rules)}")
    if not collation.deterministic:
        options.append("deterministic = false")
    return f"CREATE COLLATION {dotted((collation.schema, collation.name))} ({', '.join(options)})"
