"""Changed domains: migra creates and drops none (see domains.py) and never compares them,
so a changed default, NOT NULL or CHECK constraint of a domain is never planned.

Domains present on both sides are altered in place, right where new domains are created
(before the tables and functions that may rely on the new definition): constraints that
are gone or changed are dropped first, then the default and NOT NULL are set, then new or
changed constraints are added. A constraint PostgreSQL has as NOT VALID is added NOT VALID.
A domain whose base type or collation changes cannot be altered: it is dropped and created
again, with the routines whose signature names it dropped before and created after (if
columns still use it, rehearsal says which).
"""

from __future__ import annotations

from app.schema.catalog import DomainDetail
from app.schema.corrections.domains import after_preamble, create_domain
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
        for sql in _with_routines(_alters(old, new), new, current, desired)
    ]
    return after_preamble(statements, [ParsedStatement.of(sql) for sql in alters])


def _with_routines(
    alters: list[str],
    domain: DomainDetail,
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[str]:
    """A recreated domain's routines dropped before it and created again after it."""
    if current is None or desired is None or not alters or not alters[0].startswith("DROP"):
        return alters
    key = f"{ident(domain.schema)}.{ident(domain.name)}"
    routines = [
        r for t, r, kind in current.catalog.type_dependents if t == key and kind == "routine"
    ]
    drops = [current.raw.functions[r].drop_statement for r in routines]
    creates = [
        desired.raw.functions[r].create_statement for r in routines if r in desired.raw.functions
    ]
    return [*drops, *alters, *creates]


def _alters(old: DomainDetail, new: DomainDetail) -> list[str]:
    name = f"{ident(new.schema)}.{ident(new.name)}"
    if (old.base_type, old.collation) != (new.base_type, new.collation):
        return [f"DROP DOMAIN {name}", *create_domain(new)]
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
