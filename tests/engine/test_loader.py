"""Loading the desired schema: any file order, precise errors."""

from __future__ import annotations

import pytest

from app.errors import SchemaLoadError, SqlSyntaxError
from app.pg import connect
from app.schema.loader import load_statements
from app.schema.sources import SchemaFile, statements_of
from tests.support.databases import DatabaseFactory


def _load(url: str, files: list[SchemaFile]) -> None:
    with connect(url) as conn:
        load_statements(conn, statements_of(files), sources={f.name: f.content for f in files})


def _tables(url: str) -> set[str]:
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return {r[0] for r in rows}


@pytest.mark.smoke
def test_files_in_any_order_load(databases: DatabaseFactory) -> None:
    url = databases.create()
    files = [
        SchemaFile(
            "schema/001_orders.sql",
            "CREATE TABLE orders (id int PRIMARY KEY,"
            " customer_id int REFERENCES customers (id), status order_status);\n"
            "CREATE VIEW open_orders AS SELECT * FROM orders WHERE status = 'open';\n",
        ),
        SchemaFile("schema/002_customers.sql", "CREATE TABLE customers (id int PRIMARY KEY);\n"),
        SchemaFile("schema/003_types.sql", "CREATE TYPE order_status AS ENUM ('open', 'done');\n"),
    ]
    _load(url, files)
    assert _tables(url) == {"orders", "customers", "open_orders"}


def test_syntax_error_in_third_file_names_file_and_line() -> None:
    files = [
        SchemaFile("schema/001.sql", "CREATE TABLE a (id int);\n"),
        SchemaFile("schema/002.sql", "CREATE TABLE b (id int);\n"),
        SchemaFile(
            "schema/003.sql", "CREATE TABLE c (id int);\n\nCREATE TABLE d (id int,, x text);\n"
        ),
    ]
    with pytest.raises(SqlSyntaxError) as caught:
        statements_of(files)
    assert (caught.value.file, caught.value.line, caught.value.column) == ("schema/003.sql", 3, 24)
    assert "syntax error" in str(caught.value)
    assert str(caught.value).startswith("schema/003.sql:3:24:")


def test_missing_object_names_file_line_and_column(databases: DatabaseFactory) -> None:
    url = databases.create()
    files = [
        SchemaFile("schema/001.sql", "CREATE TABLE a (id int);\n"),
        SchemaFile(
            "schema/002.sql",
            "-- orders\nCREATE TABLE b (\n  id int,\n  a_id int REFERENCES nowhere (id)\n);\n",
        ),
    ]
    with pytest.raises(SchemaLoadError) as caught:
        _load(url, files)
    error = caught.value
    assert error.file == "schema/002.sql"
    assert error.line == 4
    assert 'relation "nowhere" does not exist' in error.message
    assert "REFERENCES nowhere" in error.statement


def test_type_from_missing_extension_is_reported(databases: DatabaseFactory) -> None:
    url = databases.create()
    files = [SchemaFile("schema/001.sql", "CREATE TABLE users (\n  id int,\n  email citext\n);\n")]
    with pytest.raises(SchemaLoadError) as caught:
        _load(url, files)
    assert (caught.value.file, caught.value.line) == ("schema/001.sql", 3)
    assert 'type "citext" does not exist' in caught.value.message


def test_unavailable_extension_is_reported(databases: DatabaseFactory) -> None:
    url = databases.create()
    files = [SchemaFile("schema/001.sql", "CREATE EXTENSION no_such_extension_here;\n")]
    with pytest.raises(SchemaLoadError) as caught:
        _load(url, files)
    assert caught.value.line == 1
    assert "no_such_extension_here" in caught.value.message


def test_duplicate_object_is_an_error_not_a_retry(databases: DatabaseFactory) -> None:
    url = databases.create()
    files = [SchemaFile("s/1.sql", "CREATE TABLE a (id int);\nCREATE TABLE a (id int);\n")]
    with pytest.raises(SchemaLoadError) as caught:
        _load(url, files)
    assert caught.value.line == 2
    assert "already exists" in caught.value.message


def test_statements_that_need_autocommit_and_transaction_commands(
    databases: DatabaseFactory,
) -> None:
    url = databases.create()
    files = [
        SchemaFile(
            "s/1.sql",
            "BEGIN;\nCREATE TABLE a (id int);\n"
            "CREATE INDEX CONCURRENTLY a_id ON a (id);\nCOMMIT;\n",
        ),
    ]
    _load(url, files)
    with connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'a_id'").fetchone()
    assert row == (1,)
