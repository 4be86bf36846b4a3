"""The executor: advisory lock, fingerprint check, lock timeouts, rollback of failed segments."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.errors import ApplyInProgress, LockTableExhausted, PlanStale, StatementFailed
from app.pg import connect
from app.schema.apply import apply_plan
from app.schema.classify import classify_plan
from app.schema.execution import ExecutionSettings, StatementRun, run_statements
from app.schema.plan import PlannedStatement
from app.schema.planner import PlanInputs, PlanOutcome
from app.schema.session import EngineSession
from app.schema.sources import SchemaFile
from tests.support.databases import DatabaseFactory

CURRENT = "CREATE TABLE accounts (id int PRIMARY KEY, name text);\n"
DESIRED = (
    "CREATE TABLE accounts (id int PRIMARY KEY, name text, email text);\n"
    "CREATE INDEX accounts_email ON accounts (email);\n"
)
FAST = ExecutionSettings(lock_timeout_seconds=0.2, lock_retries=3, retry_backoff_seconds=0.2)


def _plan(session: EngineSession, url: str, desired: str = DESIRED) -> PlanOutcome:
    inputs = PlanInputs(target="accounts", target_url=url, files=[SchemaFile("s/1.sql", desired)])
    return session.planner.plan(inputs)


def _apply(
    session: EngineSession, url: str, outcome: PlanOutcome, **kwargs: object
) -> list[StatementRun]:
    runs: list[StatementRun] = []
    options: dict[str, object] = {"settings": FAST, "on_statement": runs.append, **kwargs}
    apply_plan(
        target_url=url, plan=outcome.plan, desired=outcome.desired, differ=session.differ, **options
    )  # type: ignore[arg-type]
    return runs


def _columns(url: str) -> list[str]:
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts'"
            " ORDER BY ordinal_position"
        ).fetchall()
    return [r[0] for r in rows]


@pytest.mark.smoke
def test_apply_reaches_the_desired_schema(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT)
    outcome = _plan(engine_session, url)
    runs = _apply(engine_session, url, outcome)
    assert [r.index for r in runs] == list(range(len(outcome.plan.statements)))
    assert _columns(url) == ["id", "name", "email"]
    assert _plan(engine_session, url).plan.is_empty


def test_plan_refused_when_target_changed_after_planning(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT)
    outcome = _plan(engine_session, url)
    with connect(url) as conn:
        conn.execute("ALTER TABLE accounts ADD COLUMN hotfix int")
    with pytest.raises(PlanStale):
        _apply(engine_session, url, outcome)
    assert _columns(url) == ["id", "name", "hotfix"]


def test_two_concurrent_applies_never_both_run(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT)
    outcome = _plan(engine_session, url)
    # Someone else holds the apply lock of this database (another schemagate worker).
    with connect(url) as other:
        other.execute("SELECT pg_advisory_lock(%s, hashtext(current_database()))", (0x5348,))
        with pytest.raises(ApplyInProgress, match="another schemagate apply is running"):
            _apply(engine_session, url, outcome, lock_wait_seconds=0.3)
        assert _columns(url) == ["id", "name"]
    # Once released, the apply goes through.
    _apply(engine_session, url, outcome)
    assert _columns(url) == ["id", "name", "email"]


def test_concurrent_apply_waits_for_the_first(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT)
    outcome = _plan(engine_session, url)
    holder = connect(url)
    holder.execute("SELECT pg_advisory_lock(%s, hashtext(current_database()))", (0x5348,))
    threading.Timer(0.5, holder.close).start()
    started = time.monotonic()
    _apply(engine_session, url, outcome, lock_wait_seconds=10)
    assert time.monotonic() - started >= 0.4
    assert _columns(url) == ["id", "name", "email"]


def test_lock_timeout_is_retried_until_the_lock_is_released(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT)
    outcome = _plan(engine_session, url)
    blocker = connect(url, autocommit=False)
    blocker.execute("LOCK TABLE accounts IN ACCESS SHARE MODE")  # a long-running reader
    release = threading.Timer(0.6, blocker.rollback)
    release.start()
    try:
        _apply(engine_session, url, outcome)
    finally:
        release.join()
        blocker.close()
    assert _columns(url) == ["id", "name", "email"]


def test_lock_timeout_gives_up_after_the_retries(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT)
    outcome = _plan(engine_session, url)
    with connect(url, autocommit=False) as blocker:
        blocker.execute("LOCK TABLE accounts IN ACCESS SHARE MODE")
        with pytest.raises(StatementFailed) as caught:
            _apply(
                engine_session,
                url,
                outcome,
                settings=ExecutionSettings(
                    lock_timeout_seconds=0.1, lock_retries=1, retry_backoff_seconds=0.05
                ),
            )
        blocker.rollback()
    assert caught.value.sqlstate == "55P03"
    assert "lock timeout" in caught.value.pg_message
    assert _columns(url) == ["id", "name"]


def test_failing_statement_rolls_back_its_whole_segment(
    engine_session: EngineSession, databases: DatabaseFactory
) -> None:
    url = databases.create(CURRENT + "INSERT INTO accounts VALUES (1, 'a'), (2, 'a');\n")
    desired = (
        "CREATE TABLE accounts (id int PRIMARY KEY, name text, email text);\n"
        "CREATE UNIQUE INDEX accounts_name ON accounts (name);\n"
    )
    outcome = _plan(engine_session, databases.create(CURRENT), desired)
    # Plan on an empty twin (rehearsal passes: no rows), apply to the one with duplicates.
    twin = outcome.plan
    with pytest.raises(StatementFailed) as caught:
        apply_plan(
            target_url=url,
            plan=twin,
            desired=outcome.desired,
            differ=engine_session.differ,
            settings=FAST,
        )
    failure = caught.value
    assert "accounts_name" in failure.statement
    assert "could not create unique index" in failure.pg_message
    assert failure.index == 1
    assert _columns(url) == ["id", "name"]  # the ADD COLUMN before it was rolled back too


def test_snapshot_is_taken_before_anything_changes(
    engine_session: EngineSession, databases: DatabaseFactory, tmp_path: Path
) -> None:
    url = databases.create(CURRENT)
    outcome = _plan(engine_session, url)
    snapshots: list[str] = []
    _apply(engine_session, url, outcome, on_snapshot=snapshots.append)
    assert len(snapshots) == 1
    assert "accounts" in snapshots[0] and "email" not in snapshots[0]


def test_a_segment_that_needs_more_locks_than_the_server_has_says_so(
    databases: DatabaseFactory,
) -> None:
    url = databases.create(CURRENT)
    with connect(url) as conn:
        row = conn.execute(
            "SELECT current_setting('max_locks_per_transaction')::int"
            " * (current_setting('max_connections')::int + 100)"
        ).fetchone()
    assert row is not None
    many_locks = f"SELECT pg_advisory_xact_lock(g) FROM generate_series(1, {row[0] * 4}) g"
    statements = [
        PlannedStatement(sql, classification)
        for sql, classification in zip(
            ["ALTER TABLE accounts ADD COLUMN email text", many_locks],
            classify_plan(["ALTER TABLE accounts ADD COLUMN email text", many_locks]),
            strict=True,
        )
    ]
    with connect(url) as conn, pytest.raises(LockTableExhausted) as caught:
        run_statements(conn, statements, FAST)
    message = str(caught.value)
    assert "needs more locks than the server's lock table holds" in message
    assert "max_locks_per_transaction=" in message and "nothing was applied" in message
    assert _columns(url) == ["id", "name"]
