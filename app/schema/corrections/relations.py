"""Table and view settings migra does not read: FORCE ROW LEVEL SECURITY, ENABLE ROW LEVEL
SECURITY of partitions (migra only sets it on other tables), REPLICA IDENTITY, storage
parameters of tables and materialized views (``fillfactor``, ``autovacuum_*``, …) and view
options (``check_option``, ``security_barrier``, …).

Each setting is compared against what the relation will have once the plan's other
statements ran: its current setting, or PostgreSQL's default when the plan creates the
relation (``CREATE OR REPLACE VIEW`` also resets a view's options) or drops it first.
The ALTERs run at the end of the plan, when every relation and index exists.
"""

from __future__ import annotations

from typing import Any

from app.schema.catalog import RelationFlags
from app.schema.corrections.dropped import removed_objects
from app.schema.corrections.sqlnames import dotted, ident, literal
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema

_REPLICA_IDENTITY = {"d": "DEFAULT", "n": "NOTHING", "f": "FULL"}
_TABLES = ("r", "p")
_WORDS = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}


def sync_relation_flags(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before = {(r.schema, r.name): r for r in catalog_of(current).relations}
    rebuilt = removed_objects(statements).objects | _created(statements)
    alters: list[str] = []
    for flags in catalog_of(desired).relations:
        key = (flags.schema, flags.name)
        old = None if key in rebuilt else before.get(key)
        if old is not None and old.relkind != flags.relkind:
            old = None
        alters.extend(_alters(old or _defaults(flags), flags))
    return [*statements, *(ParsedStatement.of(sql) for sql in alters)]


def _created(statements: list[ParsedStatement]) -> set[tuple[str, str]]:
    created: set[tuple[str, str]] = set()
    for statement in statements:
        relation = _created_relation(statement)
        if relation is not None:
            created.add((relation.schemaname or "public", relation.relname))
    return created


def _created_relation(statement: ParsedStatement) -> Any:
    if statement.kind == "CreateStmt":
        return statement.node.relation
    if statement.kind == "ViewStmt":
        return statement.node.view
    if statement.kind == "CreateTableAsStmt":
        return statement.node.into.rel
    return None


def _defaults(flags: RelationFlags) -> RelationFlags:
    identity = "d" if flags.relkind in _TABLES else flags.replica_identity
    return flags._replace(
        force_rls=False, row_security=False, replica_identity=identity, options=()
    )


def _alters(old: RelationFlags, new: RelationFlags) -> list[str]:
    name = dotted((new.schema, new.name))
    alters: list[str] = []
    if new.partition and old.row_security != new.row_security:
        alters.append(
            f"ALTER TABLE {name} {'EN' if new.row_security else 'DIS'}ABLE ROW LEVEL SECURITY"
        )
    if new.relkind in _TABLES and old.force_rls != new.force_rls:
        alters.append(
            f"ALTER TABLE {name} {'' if new.force_rls else 'NO '}FORCE ROW LEVEL SECURITY"
        )
    if new.relkind in _TABLES and _identity(old) != _identity(new):
        alters.append(f"ALTER TABLE {name} REPLICA IDENTITY {_identity(new)}")
    if old.options != new.options:
        alters.extend(_options(f"ALTER {_WORDS[new.relkind]} {name}", old.options, new.options))
    return alters


def _identity(flags: RelationFlags) -> str:
    if flags.replica_identity == "i":
        return f"USING INDEX {ident(flags.identity_index or '')}"
    return _REPLICA_IDENTITY[flags.replica_identity]


def _options(alter: str, old: tuple[str, ...], new: tuple[str, ...]) -> list[str]:
    """reloptions are ``name=value`` strings; values are written as literals."""
    gone = sorted({o.split("=", 1)[0] for o in old} - {o.split("=", 1)[0] for o in new})
    alters = [f"{alter} RESET ({', '.join(gone)})"] if gone else []
    if new and set(new) != set(old):
        pairs = (o.split("=", 1) for o in new)
        alters.append(f"{alter} SET ({', '.join(f'{k} = {literal(v)}' for k, v in pairs)})")
    return alters
