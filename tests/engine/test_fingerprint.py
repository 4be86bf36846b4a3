"""Fingerprints: same schema, same fingerprint; any change, a different one."""

from __future__ import annotations

import pytest

from app.schema.inspection import inspect_database
from tests.support.databases import DatabaseFactory

BASE = (
    "CREATE TYPE mood AS ENUM ('ok', 'sad');\n"
    "CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, mood mood);\n"
    "CREATE TABLE pets (id int PRIMARY KEY, owner int REFERENCES people (id));\n"
    "CREATE INDEX pets_owner ON pets (owner);\n"
    "CREATE VIEW happy AS SELECT id, name FROM people WHERE mood = 'ok';\n"
)
REORDERED = (
    "CREATE TYPE mood AS ENUM ('ok', 'sad');\n"
    "CREATE TABLE noise (x int);\n"  # shifts every later OID
    "CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, mood mood);\n"
    "CREATE VIEW happy AS SELECT id,   name FROM people WHERE mood = 'ok';\n"
    "CREATE TABLE pets (id int PRIMARY KEY, owner int);\n"
    "ALTER TABLE pets ADD FOREIGN KEY (owner) REFERENCES people (id);\n"
    "CREATE INDEX pets_owner ON pets (owner);\n"
    "DROP TABLE noise;\n"
)


@pytest.mark.smoke
def test_same_schema_built_differently_has_the_same_fingerprint(databases: DatabaseFactory) -> None:
    first = inspect_database(databases.create(BASE))
    second = inspect_database(databases.create(REORDERED))
    assert first.fingerprint == second.fingerprint


@pytest.mark.parametrize(
    "change",
    [
        "ALTER TABLE people ADD COLUMN age int",
        "ALTER TABLE people ALTER COLUMN name DROP NOT NULL",
        "ALTER TABLE people ALTER COLUMN name SET DEFAULT 'x'",
        "ALTER TYPE mood ADD VALUE 'glad'",
        "CREATE INDEX people_name ON people (name)",
        "DROP INDEX pets_owner",
        "CREATE OR REPLACE VIEW happy AS SELECT id, name FROM people WHERE mood = 'sad'",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "ALTER TABLE pets ALTER COLUMN owner TYPE bigint",
        "CREATE SCHEMA extra",
    ],
)
def test_any_change_changes_the_fingerprint(databases: DatabaseFactory, change: str) -> None:
    before = inspect_database(databases.create(BASE))
    after = inspect_database(databases.create(BASE + change + ";\n"))
    assert before.fingerprint != after.fingerprint
