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
from pglast import parse_sql

from app.pg import connect
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
    _require_extensions(folder, databases.server_url)
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


def _require_extensions(folder: Path, server_url: str) -> None:
    """Skip a case whose SQL creates an extension this server cannot install (the embedded
    pgserver ships no contrib modules); the same case runs where the server has them."""
    wanted = set()
    for name in ("current.sql", "desired.sql"):
        for raw in parse_sql((folder / name).read_text()):
            if type(raw.stmt).__name__ == "CreateExtensionStmt":
                wanted.add(raw.stmt.extname)
    if not wanted:
        return
    with connect(server_url) as conn:
        rows = conn.execute("SELECT name FROM pg_available_extensions").fetchall()
    missing = sorted(wanted - {row[0] for row in rows})
    if missing:
        pytest.skip(f"this PostgreSQL server cannot install extension(s) {', '.join(missing)}")


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
