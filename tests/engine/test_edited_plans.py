"""Hand-edited plans: accepted only when they still reach the desired schema."""

from __future__ import annotations

import pytest

from app.errors import RehearsalFailed
from app.pg import connect
from app.schema.apply import apply_plan
from app.schema.execution import ExecutionSettings
from app.schema.planner import PlanInputs
from app.schema.session import EngineSession
from app.schema.sources import SchemaFile
from tests.support.databases import DatabaseFactory

CURRENT = (
    "CREATE TABLE people (id int PRIMARY KEY, fullname text);\n"
    "INSERT INTO people VALUES (1, 'Ada Lovelace'), (2, 'Alan Turing');\n"
)
DESIRED = "CREATE TABLE people (id int PRIMARY KEY, display_name text);\n"


def _inputs(url: str) -> PlanInputs:
    return PlanInputs(target="people", target_url=url, files=[SchemaFile("s/1.sql", DESIRED)])


def test_generated_plan_drops_the_column(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT)
    plan = engine_session.planner.plan(_inputs(url)).plan
    assert [s.classification.kind for s in plan.destructive] == ["AlterTableStmt/AT_DropColumn"]


def test_rename_instead_of_drop_and_add_keeps_the_rows(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT)
    edited = ["ALTER TABLE people RENAME COLUMN fullname TO display_name"]
    outcome = engine_session.planner.plan_from_sql(_inputs(url), edited)
    assert outcome.plan.destructive == ()
    generated = engine_session.planner.plan(_inputs(url)).plan
    assert outcome.plan.plan_id != generated.plan_id
    apply_plan(
        target_url=url,
        plan=outcome.plan,
        desired=outcome.desired,
        differ=engine_session.differ,
        settings=ExecutionSettings(),
    )
    with connect(url) as conn:
        rows = conn.execute("SELECT display_name FROM people ORDER BY id").fetchall()
    assert rows == [("Ada Lovelace",), ("Alan Turing",)]


def test_edited_plan_that_misses_the_desired_schema_is_rejected_with_the_residual(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT)
    edited = ["ALTER TABLE people ADD COLUMN display_name text"]  # forgot to drop fullname
    with pytest.raises(RehearsalFailed) as caught:
        engine_session.planner.plan_from_sql(_inputs(url), edited)
    assert caught.value.residual_sql is not None
    assert '"fullname"' in caught.value.residual_sql


def test_edited_plan_with_a_failing_statement_names_it(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT)
    edited = ["ALTER TABLE people RENAME COLUMN no_such_column TO display_name"]
    with pytest.raises(RehearsalFailed) as caught:
        engine_session.planner.plan_from_sql(_inputs(url), edited)
    assert caught.value.statement == edited[0]
    assert 'column "no_such_column" does not exist' in (caught.value.pg_message or "")
