"""The case library: for each ``tests/cases/<name>/{current,desired}.sql``, plan, apply and
re-plan on a real PostgreSQL.

Each case must: plan twice byte-identically, apply without error, re-plan to nothing, and
leave a schema whose ``pg_dump --schema-only`` equals that of a database built directly
from desired.sql (re-planning only sees what the inspector sees; pg_dump sees everything).
``expect.json`` holds what a case expects beyond that (see ``tests.support.cases``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from pglast import ast, parse_sql
from pglast.enums import ObjectType

from app.pg import connect
from app.schema.apply import apply_plan
from app.schema.execution import ExecutionSettings
from app.schema.planner import PlanInputs
from app.schema.render import render_pending_sql
from app.schema.session import EngineSession, open_engine_session
from app.schema.sources import SchemaFile
from tests.support.cases import CaseExpectations, ensure_roles
from tests.support.databases import DatabaseFactory
from tests.support.dumps import difference as dump_difference
from tests.support.dumps import schema_statements

CASES_DIR = Path(__file__).parent.parent / "cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "desired.sql").is_file())


def test_the_library_has_enough_cases() -> None:
    assert len(CASES) >= 150  # issue 5: every failure class, both directions where it makes sense


@pytest.fixture
def case_engine(
    request: pytest.FixtureRequest, postgres_url: str, tmp_path: Path
) -> Iterator[EngineSession]:
    """The engine as a target configured like the case would be (privileges managed or not)."""
    expect = CaseExpectations.of(CASES_DIR / request.node.callspec.params["case"])
    ensure_roles(postgres_url, expect.roles)
    with open_engine_session(
        target_url=postgres_url,
        shadow_url=postgres_url,
        data_dir=tmp_path / "data",
        manage_privileges=expect.manage_privileges,
    ) as session:
        yield session


@pytest.mark.parametrize("case", CASES)
def test_case_plans_applies_and_converges(
    case: str, case_engine: EngineSession, databases: DatabaseFactory
) -> None:
    folder = CASES_DIR / case
    expect = CaseExpectations.of(folder)
    _require_server_features(folder, databases.server_url)
    url = databases.create((folder / "current.sql").read_text())
    files = [SchemaFile(f"{case}/desired.sql", (folder / "desired.sql").read_text())]
    inputs = PlanInputs(target=case, target_url=url, files=files)
    privileges = expect.manage_privileges
    with ThreadPoolExecutor(max_workers=1) as pool:  # dumps run beside the engine's work
        desired_dump = pool.submit(_desired_dump, folder, databases, privileges)
        _plan_and_apply(expect, inputs, case_engine)
        applied_dump = pool.submit(schema_statements, url, with_privileges=privileges)
        after = case_engine.planner.plan(inputs)
        assert after.plan.is_empty, "re-planning after apply:\n" + render_pending_sql(after.plan)
        difference = dump_difference(applied_dump.result(), desired_dump.result())
    assert not difference, difference.describe("the applied database", "desired.sql")


def _require_server_features(folder: Path, server_url: str) -> None:
    """Skip a case whose SQL needs what this server lacks: an extension it cannot install,
    or ICU collations (the embedded pgserver ships neither contrib modules nor ICU); the
    same case runs where the server has them."""
    extensions, icu = set(), False
    for name in ("current.sql", "desired.sql"):
        for raw in parse_sql((folder / name).read_text()):
            if isinstance(raw.stmt, ast.CreateExtensionStmt):
                extensions.add(raw.stmt.extname)
            icu = icu or _creates_icu_collation(raw.stmt)
    if not extensions and not icu:
        return
    with connect(server_url) as conn:
        available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
    if missing := sorted(extensions - available):
        pytest.skip(f"this PostgreSQL server cannot install extension(s) {', '.join(missing)}")
    if icu and not _supports_icu(server_url):
        pytest.skip("this PostgreSQL server is built without ICU")


def _supports_icu(server_url: str) -> bool:
    """Whether an ICU collation can be created (tried, then rolled back)."""
    with connect(server_url) as conn:
        try:
            with conn.transaction(force_rollback=True):
                conn.execute("CREATE COLLATION sg_icu_probe (provider = icu, locale = 'und')")
        except psycopg.errors.FeatureNotSupported:
            return False
    return True


def _creates_icu_collation(node: ast.Node) -> bool:
    if not isinstance(node, ast.DefineStmt) or node.kind != ObjectType.OBJECT_COLLATION:
        return False
    providers = [d.arg for d in node.definition or () if d.defname == "provider"]
    return any(n.sval == "icu" for p in providers for n in getattr(p, "names", ()))


def _desired_dump(folder: Path, databases: DatabaseFactory, privileges: bool) -> Counter[str]:
    """The schema dump of a database built directly from desired.sql."""
    url = databases.create((folder / "desired.sql").read_text())
    return schema_statements(url, with_privileges=privileges)


def _plan_and_apply(
    expect: CaseExpectations, inputs: PlanInputs, engine_session: EngineSession
) -> None:
    """Plan twice (byte-identical plans), check the expectations, apply."""
    first = engine_session.planner.plan(inputs)
    second = engine_session.planner.plan(inputs)
    assert not first.plan.is_empty, "the case describes no change"
    assert render_pending_sql(first.plan) == render_pending_sql(second.plan)
    if expect.destructive is not None:
        assert (first.plan.destructive != ()) == expect.destructive

    apply_plan(
        target_url=inputs.target_url,
        plan=first.plan,
        desired=first.desired,
        differ=engine_session.differ,
        settings=ExecutionSettings(),
    )
