"""The catalog version stamp: changes with any DDL, not with data or maintenance."""

from __future__ import annotations

import pytest

from app.pg import connect
from app.schema.catalog_version import catalog_version
from tests.support.databases import DatabaseFactory

BASE = (
    "CREATE TYPE mood AS ENUM ('ok');\n"
    "CREATE TABLE t (id int PRIMARY KEY, m mood, note text);\n"
    "CREATE SEQUENCE s;\n"
)


@pytest.mark.parametrize(
    "ddl",
    [
        "ALTER TABLE t ADD COLUMN x int",
        "ALTER TABLE t ALTER COLUMN note SET DEFAULT 'x'",
        "COMMENT ON COLUMN t.note IS 'why'",
        "CREATE INDEX t_note ON t (note)",
        "ALTER TYPE mood ADD VALUE 'sad'",
        "ALTER SEQUENCE s INCREMENT BY 5",
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY",
        "CREATE VIEW v AS SELECT id FROM t",
        "DROP SEQUENCE s",
    ],
)
def test_ddl_changes_the_version(databases: DatabaseFactory, ddl: str) -> None:
    with connect(databases.create(BASE)) as conn:
        before = catalog_version(conn)
        conn.execute(ddl)
        assert catalog_version(conn) != before


def test_data_and_maintenance_do_not(databases: DatabaseFactory) -> None:
    with connect(databases.create(BASE)) as conn:
        before = catalog_version(conn)
        conn.execute("INSERT INTO t SELECT g, 'ok', 'n' FROM generate_series(1, 1000) g")
        conn.execute("SELECT nextval('s')")
        conn.execute("ANALYZE")
        conn.execute("VACUUM")
        assert catalog_version(conn) == before
