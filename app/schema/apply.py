"""Apply a plan to a target with every safety: advisory lock, fingerprint check, snapshot,
timeouts, transactional segments, bounded lock retries, verification afterwards."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from app.errors import ApplyInProgress, PlanStale, VerificationFailed
from app.pg import connect
from app.redact import describe_database
from app.schema.differ import SchemaDiffer
from app.schema.execution import ExecutionSettings, OnStatement, StatementRun, run_statements
from app.schema.inspection import InspectedSchema, inspect_database
from app.schema.plan import Plan, terminated

log = logging.getLogger(__name__)

# First key of the advisory lock that serializes applies on a target database ("SH").
_APPLY_LOCK_NAMESPACE = 0x5348
_LOCK_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class ApplyResult:
    runs: tuple[StatementRun, ...]
    snapshot_sql: str
    fingerprint_after: str
    seconds: float


def apply_plan(
    *,
    target_url: str,
    plan: Plan,
    desired: InspectedSchema,
    differ: SchemaDiffer,
    settings: ExecutionSettings,
    lock_wait_seconds: float = 0.0,
    on_snapshot: Callable[[str], None] | None = None,
    on_statement: OnStatement | None = None,
) -> ApplyResult:
    """Apply ``plan`` to the target; see the module docstring for the safety steps.

    ``on_snapshot`` receives the target's DDL before anything changes, so it is kept even
    when the apply fails.
    """
    started = time.perf_counter()
    with connect(target_url) as conn:
        _acquire_apply_lock(conn, describe_database(target_url), lock_wait_seconds)
        before = inspect_database(target_url)
        if before.fingerprint != plan.base_fingerprint:
            raise PlanStale(expected=plan.base_fingerprint, actual=before.fingerprint)
        snapshot = "".join(f"{terminated(s)}\n\n" for s in differ.diff(None, before))
        if on_snapshot is not None:
            on_snapshot(snapshot)
        runs = run_statements(conn, plan.statements, settings, on_statement)
        after = inspect_database(target_url)
    residual = differ.diff(after, desired)
    if residual:
        raise VerificationFailed("\n\n".join(terminated(s) for s in residual))
    return ApplyResult(
        runs=tuple(runs),
        snapshot_sql=snapshot,
        fingerprint_after=after.fingerprint,
        seconds=time.perf_counter() - started,
    )


def _acquire_apply_lock(conn: psycopg.Connection, where: str, wait_seconds: float) -> None:
    """Session advisory lock on the target itself: two schemagate processes on any machines
    never apply to one database at once. Released when ``conn`` closes."""
    deadline = time.monotonic() + wait_seconds
    while True:
        row = conn.execute(
            "SELECT pg_try_advisory_lock(%s, hashtext(current_database()))",
            (_APPLY_LOCK_NAMESPACE,),
        ).fetchone()
        if row and row[0]:
            return
        if time.monotonic() >= deadline:
            raise ApplyInProgress(where, wait_seconds)
        time.sleep(_LOCK_POLL_SECONDS)
