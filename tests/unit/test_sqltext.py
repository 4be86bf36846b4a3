"""Statements keep their place in the file; pending.sql renders deterministically."""

from __future__ import annotations

from app.schema.classify import classify_plan
from app.schema.plan import Plan, PlannedStatement
from app.schema.render import parse_pending_sql, render_pending_sql
from app.schema.sqltext import line_and_column, relation_reference_offset, split_statements


def test_split_keeps_positions_and_kinds() -> None:
    source = (
        "-- header\nCREATE TABLE a (x int);\n\n  CREATE FUNCTION f() RETURNS int\n"
        "LANGUAGE sql AS $$ SELECT 1; $$;\nSELECT 'é;'"
    )
    statements = split_statements(source, file="f.sql")
    assert [(s.kind, s.line, s.column) for s in statements] == [
        ("CreateStmt", 2, 1),
        ("CreateFunctionStmt", 4, 3),
        ("SelectStmt", 6, 1),
    ]
    assert statements[1].text.endswith("$$ SELECT 1; $$")
    assert statements[2].text == "SELECT 'é;'"


def test_line_and_column() -> None:
    assert line_and_column("ab\ncd", 4) == (2, 2)


def test_relation_reference_offset() -> None:
    statement = "CREATE TABLE b (a_id int REFERENCES s.nowhere (id))"
    offset = relation_reference_offset(statement, "s.nowhere")
    assert offset is not None and statement[offset:].startswith("s.nowhere")


def _plan(sql: list[str], fingerprint: str = "f" * 64) -> Plan:
    return Plan(
        target="production",
        base_fingerprint=fingerprint,
        desired_hash="d" * 64,
        statements=tuple(
            PlannedStatement(s, c) for s, c in zip(sql, classify_plan(sql), strict=True)
        ),
        repository="acme/shop",
        base_sha="a" * 40,
    )


def test_pending_sql_is_deterministic_and_round_trips() -> None:
    sql = ['alter table "public"."t" drop column "x"', "CREATE INDEX i ON t (y);"]
    first, second = render_pending_sql(_plan(sql)), render_pending_sql(_plan(sql))
    assert first == second
    assert "destructive: 1" in first and "base commit: " + "a" * 40 in first
    assert first.endswith("CREATE INDEX i ON t (y);\n\n")
    parsed = parse_pending_sql(first)
    assert [s.text for s in parsed.statements] == [s.rstrip(";") for s in sql]
    assert parsed.header["plan"] == _plan(sql).plan_id
    assert parsed.header["target"] == "production"


def test_plan_id_depends_on_sql_target_and_base() -> None:
    base = _plan(["CREATE TABLE a (x int)"])
    assert base.plan_id == _plan(["CREATE TABLE a (x int);"]).plan_id
    assert base.plan_id != _plan(["CREATE TABLE a (y int)"]).plan_id
    assert base.plan_id != _plan(["CREATE TABLE a (x int)"], fingerprint="e" * 64).plan_id
    assert len(base.short_id) == 12
