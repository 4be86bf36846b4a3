"""A cheap version stamp of a database's schema, to reuse an earlier inspection of it.

Every DDL statement writes new row versions into the system catalogs, and a new row version
has a new ``ctid`` and ``xmin``; a dropped object's rows disappear. A hash of the (ctid,
xmin) of every catalog row that describes schema objects therefore changes whenever the
schema may have changed, while VACUUM and ANALYZE (which update catalogs in place) leave it
alone. Reading it costs one query instead of a full inspection, so re-planning an unchanged
target is fast. Plans use it; the executor always inspects afresh before applying.
"""

from __future__ import annotations

import hashlib

import psycopg

# Catalogs whose rows describe what schemainspect and our own catalog reader look at.
_CATALOGS = (
    "pg_namespace",
    "pg_class",
    "pg_attribute",
    "pg_attrdef",
    "pg_constraint",
    "pg_index",
    "pg_inherits",
    "pg_partitioned_table",
    "pg_type",
    "pg_enum",
    "pg_range",
    "pg_proc",
    "pg_aggregate",
    "pg_trigger",
    "pg_event_trigger",
    "pg_rewrite",
    "pg_policy",
    "pg_sequence",
    "pg_extension",
    "pg_description",
    "pg_depend",
    "pg_collation",
    "pg_statistic_ext",
    "pg_default_acl",
    "pg_init_privs",
    "pg_opclass",
    "pg_operator",
    "pg_cast",
    "pg_foreign_table",
    "pg_seclabel",
    "pg_ts_config",
    "pg_ts_dict",
)
_QUERY = (
    "SELECT md5(string_agg(v, ',' ORDER BY v)) FROM ("
    + " UNION ALL ".join(
        f"SELECT '{name}:' || ctid::text || ':' || xmin::text FROM pg_catalog.{name}"
        for name in _CATALOGS
    )
    # Role names appear in privileges and policies; renaming a role touches no catalog above.
    + " UNION ALL SELECT 'role:' || oid::text || ':' || rolname FROM pg_catalog.pg_roles"
    + ") AS rows (v)"
)


def catalog_version(conn: psycopg.Connection) -> str:
    """The schema version stamp of the database ``conn`` is connected to."""
    row = conn.execute(_QUERY).fetchone()
    database = conn.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
    identity = database.fetchone()
    return hashlib.sha256(f"{identity}:{conn.info.server_version}:{row}".encode()).hexdigest()
