"""Domains: migra inspects them but never creates or drops them.

New domains are created after the plan's leading schema, extension and enum creations
(a domain may be over an enum, and tables that use it come later); domains that are gone
from the desired schema are dropped at the very end, when no column uses them any more
(but before a DROP SCHEMA of their schema).
Changed domains are altered by domain_changes.py.
"""

from __future__ import annotations

from pglast.enums import ObjectType

from app.schema.catalog import DomainDetail
from app.schema.corrections.sqlnames import dotted, ident
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema

_PREAMBLE_KINDS = frozenset(
    {
        "CreateSchemaStmt",
        "CreateExtensionStmt",
        "AlterExtensionStmt",
        "CreateEnumStmt",
        "CreateDomainStmt",
    }
)


def create_and_drop_domains(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before = {(d.schema, d.name): d for d in catalog_of(current).domains}
    after = {(d.schema, d.name): d for d in catalog_of(desired).domains}
    creates = [
        ParsedStatement.of(sql)
        for k in sorted(after)
        if k not in before
        for sql in create_domain(after[k])
    ]
    drops = [
        ParsedStatement.of(f"DROP DOMAIN {dotted(k)}") for k in sorted(before) if k not in after
    ]
    if not creates and not drops:
        return statements
    return before_schema_drops(after_preamble(statements, creates), drops)


def before_schema_drops(
    statements: list[ParsedStatement], drops: list[ParsedStatement]
) -> list[ParsedStatement]:
    """``drops`` at the end of the plan, but before a DROP SCHEMA (which would refuse to drop
    a schema that still holds them)."""
    schema_drops = [
        i
        for i, s in enumerate(statements)
        if s.kind == "DropStmt" and s.node.removeType == ObjectType.OBJECT_SCHEMA
    ]
    position = schema_drops[0] if schema_drops else len(statements)
    return [*statements[:position], *drops, *statements[position:]]


def after_preamble(
    statements: list[ParsedStatement], inserted: list[ParsedStatement]
) -> list[ParsedStatement]:
    """``inserted`` placed after the plan's leading schema, extension, enum and domain
    creations, where types exist and nothing that uses them is created yet."""
    preamble = 0
    while preamble < len(statements) and statements[preamble].kind in _PREAMBLE_KINDS:
        preamble += 1
    return [*statements[:preamble], *inserted, *statements[preamble:]]


def create_domain(domain: DomainDetail) -> list[str]:
    """CREATE DOMAIN, then each constraint by name (CREATE DOMAIN cannot add one NOT VALID,
    and named constraints keep their names)."""
    name = dotted((domain.schema, domain.name))
    parts = [f"CREATE DOMAIN {name} AS {domain.base_type}"]
    if domain.collation is not None:
        parts.append(f"COLLATE {domain.collation}")
    if domain.default is not None:
        parts.append(f"DEFAULT {domain.default}")
    if domain.not_null:
        parts.append("NOT NULL")
    checks = [
        f"ALTER DOMAIN {name} ADD CONSTRAINT {ident(c.name)} {c.definition}"
        for c in domain.constraints
    ]
    return [" ".join(parts), *checks]
