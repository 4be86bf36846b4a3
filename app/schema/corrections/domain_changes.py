"""Changed domains: migra creates and drops none (see domains.py) and never compares them,
so a changed default, NOT NULL or CHECK constraint of a domain is never planned.

Domains present on both sides are altered in place, right where new domains are created
(before the tables and functions that may rely on the new definition): constraints that
are gone or changed are dropped first, then the default and NOT NULL are set, then new or
changed constraints are added. A constraint PostgreSQL has as NOT VALID is added NOT VALID.
"""

from __future__ import annotations

from app.schema.catalog import DomainDetail
from app.schema.corrections.domains import after_preamble
from app.schema.corrections.sqlnames import ident
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema


def alter_changed_domains(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before = {(d.schema, d.name): d for d in catalog_of(current).domains}
    alters = [
        sql
        for new in catalog_of(desired).domains
        if (old := before.get((new.schema, new.name))) is not None and old != new
        for sql in _alters(old, new)
    ]
    return after_preamble(statements, [ParsedStatement.of(sql) for sql in alters])


def _alters(old: DomainDetail, new: DomainDetail) -> list[str]:
    name = f"{ident(new.schema)}.{ident(new.name)}"
    old_checks, new_checks = dict(old.constraints), dict(new.constraints)
    alters = [
        f"ALTER DOMAIN {name} DROP CONSTRAINT {ident(constraint)}"
        for constraint, definition in old.constraints
        if new_checks.get(constraint) != definition
    ]
    if old.default != new.default:
        default = f"SET DEFAULT {new.default}" if new.default is not None else "DROP DEFAULT"
        alters.append(f"ALTER DOMAIN {name} {default}")
    if old.not_null != new.not_null:
        alters.append(f"ALTER DOMAIN {name} {'SET' if new.not_null else 'DROP'} NOT NULL")
    alters.extend(
        f"ALTER DOMAIN {name} ADD CONSTRAINT {ident(constraint)} {definition}"
        for constraint, definition in new.constraints
        if old_checks.get(constraint) != definition
    )
    return alters
