"""Run a plan's statements the way production gets them, on production or on a rehearsal copy.

Consecutive transactional statements form one segment that commits or rolls back as a
whole; a statement that cannot run in a transaction (``CREATE INDEX CONCURRENTLY``,
``ALTER TYPE … ADD VALUE``) runs alone in autocommit, in the plan's order. A lock timeout
rolls the segment back and retries it with backoff a bounded number of times, so a long
query holding a lock delays the change instead of queueing every other query behind it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql

from app.errors import LockTableExhausted, StatementFailed
from app.schema.loader import describe_pg_error
from app.schema.plan import PlannedStatement

log = logging.getLogger(__name__)

_LOCK_NOT_AVAILABLE = "55P03"
_OUT_OF_MEMORY = "53200"


@dataclass(frozen=True)
class ExecutionSettings:
    """Timeouts and retries; the defaults are safe for a busy production database."""

    lock_timeout_seconds: float = 5.0
    statement_timeout_seconds: float = 0.0  # 0: no limit
    lock_retries: int = 3
    retry_backoff_seconds: float = 1.0


@dataclass(frozen=True)
class StatementRun:
    """One executed statement and how long it took."""

    index: int
    sql: str
    seconds: float


@dataclass(frozen=True)
class Segment:
    """Statements that commit together, or a single statement that must run in autocommit."""

    transactional: bool
    items: tuple[tuple[int, PlannedStatement], ...]


OnStatement = Callable[[StatementRun], None]


@dataclass(frozen=True)
class _LockLimits:
    """The settings that size the shared lock table, read before anything can fail."""

    max_locks_per_transaction: int
    max_connections: int

    @classmethod
    def of(cls, conn: psycopg.Connection) -> _LockLimits:
        row = conn.execute(
            "SELECT current_setting('max_locks_per_transaction')::int,"
            " current_setting('max_connections')::int"
        ).fetchone()
        assert row is not None
        return cls(max_locks_per_transaction=row[0], max_connections=row[1])


def segments_of(statements: Sequence[PlannedStatement]) -> list[Segment]:
    """Group statements: runs of transactional ones together, autocommit ones alone."""
    result: list[Segment] = []
    current: list[tuple[int, PlannedStatement]] = []
    for index, statement in enumerate(statements):
        if statement.classification.needs_autocommit:
            if current:
                result.append(Segment(True, tuple(current)))
                current = []
            result.append(Segment(False, ((index, statement),)))
        else:
            current.append((index, statement))
    if current:
        result.append(Segment(True, tuple(current)))
    return result


def configure_session(conn: psycopg.Connection, settings: ExecutionSettings) -> None:
    """Session timeouts for applying; ``application_name`` is set when connecting."""
    for name, seconds in (
        ("lock_timeout", settings.lock_timeout_seconds),
        ("statement_timeout", settings.statement_timeout_seconds),
    ):
        conn.execute(
            sql.SQL("SELECT set_config({}, {}, false)").format(
                sql.Literal(name), sql.Literal(f"{int(seconds * 1000)}ms")
            )
        )


def run_statements(
    conn: psycopg.Connection,
    statements: Sequence[PlannedStatement],
    settings: ExecutionSettings,
    on_statement: OnStatement | None = None,
) -> list[StatementRun]:
    """Run every segment in order on ``conn`` (an autocommit connection)."""
    configure_session(conn, settings)
    limits = _LockLimits.of(conn)
    runs: list[StatementRun] = []
    for segment in segments_of(statements):
        segment_runs = _run_with_retries(conn, segment, settings, limits)
        for run in segment_runs:
            if on_statement is not None:
                on_statement(run)
        runs.extend(segment_runs)
    return runs


def _run_with_retries(
    conn: psycopg.Connection, segment: Segment, settings: ExecutionSettings, limits: _LockLimits
) -> list[StatementRun]:
    for attempt in range(settings.lock_retries + 1):
        try:
            return _run_segment(conn, segment, limits)
        except StatementFailed as failure:
            if failure.sqlstate != _LOCK_NOT_AVAILABLE or attempt == settings.lock_retries:
                raise
            delay = settings.retry_backoff_seconds * 2**attempt
            log.warning(
                "lock timeout on statement %d (attempt %d of %d); retrying in %.1fs",
                failure.index + 1,
                attempt + 1,
                settings.lock_retries + 1,
                delay,
            )
            time.sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _run_segment(
    conn: psycopg.Connection, segment: Segment, limits: _LockLimits
) -> list[StatementRun]:
    runs: list[StatementRun] = []
    if segment.transactional:
        with conn.transaction():
            for index, statement in segment.items:
                runs.append(_execute(conn, index, statement, segment, limits))
    else:
        index, statement = segment.items[0]
        runs.append(_execute(conn, index, statement, segment, limits))
    return runs


def _execute(
    conn: psycopg.Connection,
    index: int,
    statement: PlannedStatement,
    segment: Segment,
    limits: _LockLimits,
) -> StatementRun:
    started = time.perf_counter()
    try:
        conn.execute(statement.sql.encode())
    except psycopg.Error as exc:
        raise _failure(limits, exc, index, statement, segment) from None
    return StatementRun(index=index, sql=statement.sql, seconds=time.perf_counter() - started)


def _failure(
    limits: _LockLimits,
    exc: psycopg.Error,
    index: int,
    statement: PlannedStatement,
    segment: Segment,
) -> Exception:
    hint = exc.diag.message_hint or ""
    if exc.sqlstate == _OUT_OF_MEMORY and "max_locks_per_transaction" in hint:
        return LockTableExhausted(
            statements=len(segment.items),
            max_locks_per_transaction=limits.max_locks_per_transaction,
            max_connections=limits.max_connections,
        )
    return StatementFailed(
        index=index,
        statement=statement.sql,
        pg_message=describe_pg_error(exc),
        sqlstate=exc.sqlstate,
    )
