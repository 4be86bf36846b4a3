"""The case library: for each ``tests/cases/<name>/{current,desired}.sql``, plan, apply and
re-plan on a real PostgreSQL.

Each case must: plan twice byte-identically, apply without error, re-plan to nothing, and
leave a schema whose ``pg_dump --schema-only`` equals that of a database built directly
from desired.sql (re-planning only sees what the inspector sees; pg_dump sees everything).
``expect.json`` may say whether the plan must (or must not) contain destructive statements.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.schema.apply import apply_plan
from app.schema.execution import ExecutionSettings
from app.schema.planner import PlanInputs
from app.schema.render import render_pending_sql
from app.schema.session import EngineSession
from app.schema.sources import SchemaFile
from tests.support.databases import DatabaseFactory
from tests.support.dumps import difference as dump_difference
from tests.support.dumps import schema_statements

CASES_DIR = Path(__file__).parent.parent / "cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "desired.sql").is_file())


def test_the_library_has_enough_cases() -> None:
    assert len(CASES) >= 150  # issue 5: every failure class, both directions where it makes sense


@pytest.mark.parametrize("case", CASES)
def test_case_plans_applies_and_converges(
    case: str, engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    folder = CASES_DIR / case
    url = databases.create((folder / "current.sql").read_text())
    files = [SchemaFile(f"{case}/desired.sql", (folder / "desired.sql").read_text())]
    inputs = PlanInputs(target=case, target_url=url, files=files)
    with ThreadPoolExecutor(max_workers=1) as pool:  # dumps run beside the engine's work
        desired_dump = pool.submit(_desired_dump, folder, databases)
        _plan_and_apply(folder, inputs, engine_session)
        applied_dump = pool.submit(schema_statements, url)
        after = engine_session.planner.plan(inputs)
        assert after.plan.is_empty, "re-planning after apply:\n" + render_pending_sql(after.plan)
        difference = dump_difference(applied_dump.result(), desired_dump.result())
    assert not difference, difference.describe("the applied database", "desired.sql")


def _desired_dump(folder: Path, databases: DatabaseFactory) -> Counter[str]:
    """The schema dump of a database built directly from desired.sql."""
    return schema_statements(databases.create((folder / "desired.sql").read_text()))


def _plan_and_apply(folder: Path, inputs: PlanInputs, engine_session: EngineSession) -> None:
    """Plan twice (byte-identical plans), check the expectations, apply."""
    first = engine_session.planner.plan(inputs)
    second = engine_session.planner.plan(inputs)
    assert not first.plan.is_empty, "the case describes no change"
    assert render_pending_sql(first.plan) == render_pending_sql(second.plan)
    _check_expectations(folder, first.plan.destructive != ())

    apply_plan(
        target_url=inputs.target_url,
        plan=first.plan,
        desired=first.desired,
        differ=engine_session.differ,
        settings=ExecutionSettings(),
    )


def _check_expectations(folder: Path, has_destructive: bool) -> None:
    expect_file = folder / "expect.json"
    if not expect_file.is_file():
        return
    expected = json.loads(expect_file.read_text())
    if "destructive" in expected:
        assert has_destructive == expected["destructive"]
