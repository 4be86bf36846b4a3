"""What a destructive statement would lose, read from the target's catalogs and statistics.

Reviewers acknowledge a DROP with more care when they see "drops public.orders_archive:
~1.2M rows, 340 MB; the view public.monthly_sales depends on it". Everything here comes
from planner statistics and the catalogs; no table is scanned, so it is cheap and safe to
run against production.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from pglast import parse_sql
from pglast.enums import AlterTableType, ObjectType

from app.schema.plan import PlannedStatement

# ObjectType of a DropStmt -> the type name pg_get_object_address() understands.
_ADDRESS_TYPES = {
    ObjectType.OBJECT_TABLE: "table",
    ObjectType.OBJECT_VIEW: "view",
    ObjectType.OBJECT_MATVIEW: "materialized view",
    ObjectType.OBJECT_INDEX: "index",
    ObjectType.OBJECT_SEQUENCE: "sequence",
    ObjectType.OBJECT_TYPE: "type",
    ObjectType.OBJECT_DOMAIN: "domain",
    ObjectType.OBJECT_SCHEMA: "schema",
    ObjectType.OBJECT_EXTENSION: "extension",
    ObjectType.OBJECT_FOREIGN_TABLE: "foreign table",
}
_HOLDS_ROWS = frozenset({"table", "materialized view", "table column"})


@dataclass(frozen=True)
class DroppedObject:
    """An object a statement removes, as (address type, name parts)."""

    statement_index: int
    kind: str  # a pg_get_object_address type, e.g. "table", "table column"
    names: tuple[str, ...]  # e.g. ("public", "orders", "note")

    @property
    def display_name(self) -> str:
        return ".".join(self.names)


@dataclass(frozen=True)
class Loss:
    """What dropping one object would lose. ``None`` means the statistics do not say."""

    dropped: DroppedObject
    estimated_rows: int | None
    size_bytes: int | None
    dependents: tuple[str, ...]


def dropped_objects(statements: Sequence[PlannedStatement]) -> list[DroppedObject]:
    """The tables, columns, views, … that the destructive statements of a plan remove."""
    found: list[DroppedObject] = []
    for index, statement in enumerate(statements):
        if statement.destructive:
            found.extend(_dropped_by(index, statement.sql))
    return found


def _dropped_by(index: int, sql: str) -> list[DroppedObject]:
    node: Any = parse_sql(sql)[0].stmt  # pglast nodes are dynamically shaped
    kind_name = type(node).__name__
    if kind_name == "DropStmt" and node.removeType in _ADDRESS_TYPES:
        kind = _ADDRESS_TYPES[node.removeType]
        return [DroppedObject(index, kind, _name_parts(obj)) for obj in node.objects]
    if kind_name == "AlterTableStmt":
        relation = node.relation
        table = tuple(p for p in (relation.schemaname, relation.relname) if p)
        return [
            DroppedObject(index, "table column", (*table, cmd.name))
            for cmd in node.cmds
            if cmd.subtype == AlterTableType.AT_DropColumn
        ]
    return []


def _name_parts(obj: object) -> tuple[str, ...]:
    """Names of a dropped object: a list of String nodes, a TypeName, or a single String."""
    names = getattr(obj, "names", obj)  # TypeName for DROP TYPE / DROP DOMAIN
    if isinstance(names, (tuple, list)):
        return tuple(str(getattr(part, "sval", part)) for part in names)
    return (str(getattr(names, "sval", names)),)


def estimate_losses(conn: psycopg.Connection, statements: Sequence[PlannedStatement]) -> list[Loss]:
    """Rows, size and dependents of everything the plan drops, from the target's statistics."""
    return [_loss(conn, dropped) for dropped in dropped_objects(statements)]


def _loss(conn: psycopg.Connection, dropped: DroppedObject) -> Loss:
    address = _address(conn, dropped)
    if address is None:
        return Loss(dropped, None, None, ())
    rows, size = (None, None)
    if dropped.kind in _HOLDS_ROWS:
        rows, size = _rows_and_size(conn, address[1], address[2])
    return Loss(dropped, rows, size, _dependents(conn, address))


def _qualified(dropped: DroppedObject) -> tuple[str, ...]:
    """The name list pg_get_object_address wants: unqualified names resolve against the search
    path, so ``public`` is said explicitly; types and domains take one (quoted) type name."""
    if dropped.kind in ("schema", "extension"):
        return dropped.names
    needs_schema = 3 if dropped.kind == "table column" else 2
    names = dropped.names if len(dropped.names) >= needs_schema else ("public", *dropped.names)
    if dropped.kind in ("type", "domain"):
        return (".".join('"' + part.replace('"', '""') + '"' for part in names),)
    return names


def _address(conn: psycopg.Connection, dropped: DroppedObject) -> tuple[int, int, int] | None:
    """The object's catalog address, or None when it does not exist (DROP … IF EXISTS)."""
    try:
        with conn.transaction():
            row = conn.execute(
                "SELECT classid::bigint, objid::bigint, objsubid"
                " FROM pg_get_object_address(%s, %s, '{}')",
                (dropped.kind, list(_qualified(dropped))),
            ).fetchone()
    except psycopg.Error:
        return None
    return (row[0], row[1], row[2]) if row else None


def _rows_and_size(
    conn: psycopg.Connection, relation: int, column_number: int
) -> tuple[int | None, int | None]:
    row = conn.execute(
        """
        SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE s.n_live_tup END,
               pg_total_relation_size(c.oid),
               st.null_frac, st.avg_width
          FROM pg_class c
          LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
          LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = %(column)s
          LEFT JOIN pg_stats st ON st.schemaname = c.relnamespace::regnamespace::text
                               AND st.tablename = c.relname AND st.attname = a.attname
         WHERE c.oid = %(relation)s
        """,
        {"relation": relation, "column": column_number},
    ).fetchone()
    if row is None:
        return None, None
    rows, relation_size, null_frac, avg_width = row
    if column_number == 0:
        return rows, relation_size
    if rows is None or avg_width is None:
        return rows, None
    return rows, int(rows * (1 - (null_frac or 0)) * avg_width)


def _dependents(conn: psycopg.Connection, address: tuple[int, int, int]) -> tuple[str, ...]:
    """Objects that depend on the dropped one (views via their rewrite rules, foreign keys of
    other tables, functions, …), described the way PostgreSQL names them."""
    rows = conn.execute(
        """
        SELECT DISTINCT coalesce(
                 (SELECT CASE v.relkind WHEN 'm' THEN 'materialized view ' ELSE 'view ' END
                         || v.oid::regclass::text
                    FROM pg_rewrite r JOIN pg_class v ON v.oid = r.ev_class
                   WHERE d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid),
                 pg_describe_object(d.classid, d.objid, d.objsubid))
          FROM pg_depend d
         WHERE d.refclassid = %s AND d.refobjid = %s
           AND (%s = 0 OR d.refobjsubid = %s)
           AND d.deptype = 'n'
         ORDER BY 1
        """,
        (address[0], address[1], address[2], address[2]),
    ).fetchall()
    return tuple(str(r[0]) for r in rows)
