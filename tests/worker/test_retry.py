"""The retry table: what backs off, what fails at once, both in the table and in a worker."""

from __future__ import annotations

import uuid

import kombu.exceptions
import pytest
import redis.exceptions
import sqlalchemy.exc

from app.errors import (
    ConfigError,
    DatabaseUnreachable,
    ForgeError,
    ForgeNotConfigured,
    PlanStale,
    RehearsalFailed,
    SchemaLoadError,
    SqlSyntaxError,
    TargetBusy,
)
from tests.worker.conftest import Worker
from worker.retry import MAX_DELAY_SECONDS, Action, decide


def _forge(status: int | None) -> ForgeError:
    return ForgeError(forge="gitlab", operation="merge", status=status, message="m")


@pytest.mark.parametrize(
    "error",
    [
        DatabaseUnreachable("h:5432/db", "refused"),
        TargetBusy(repository="acme/shop", target="prod", waited_seconds=5),
        _forge(None),
        _forge(429),
        _forge(502),
        sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed")),
        redis.exceptions.ConnectionError("refused"),
        kombu.exceptions.OperationalError("broker refused"),
        RuntimeError("something unforeseen"),
    ],
)
def test_transient_errors_back_off_exponentially(error: Exception) -> None:
    delays = [decide(error, n).countdown for n in range(3)]
    assert [decide(error, n).action for n in range(3)] == [Action.BACK_OFF] * 3
    assert delays == [1.0, 2.0, 4.0]


@pytest.mark.parametrize(
    "error",
    [
        ConfigError("repositories[0]", "bad"),
        SqlSyntaxError(file="schema/a.sql", line=1, column=1, message="syntax error"),
        SchemaLoadError(file="schema/a.sql", line=1, column=1, message="no", statement="X"),
        RehearsalFailed(residual_sql="DROP TABLE t;"),
        PlanStale(expected="a" * 64, actual="b" * 64),
        _forge(404),
        _forge(422),
        ForgeNotConfigured(forge="gitlab", repository="acme/shop"),
    ],
)
def test_errors_that_repeat_fail_at_once(error: Exception) -> None:
    assert decide(error, 0).action is Action.FAIL


def test_retries_are_bounded_and_delays_capped() -> None:
    unknown = RuntimeError("?")
    assert decide(unknown, 3).action is Action.FAIL
    busy = TargetBusy(repository="r", target="t", waited_seconds=1)
    assert decide(busy, 19).countdown == MAX_DELAY_SECONDS
    assert decide(busy, 20).action is Action.FAIL


def test_a_worker_retries_a_transient_error_until_it_succeeds(worker: Worker) -> None:
    key = uuid.uuid4().hex
    worker.send("probe.flaky", key, 5, "database")  # more than Celery's default limit of 3
    worker.wait_for(lambda: worker.redis.get(f"{key}:done"))
    assert int(worker.redis.get(f"{key}:attempts") or 0) == 6
    assert worker.redis.get(f"{key}:failed") is None


def test_a_worker_gives_up_an_unknown_error_after_a_few_tries(worker: Worker) -> None:
    key = uuid.uuid4().hex
    worker.send("probe.flaky", key, 10, "unknown")
    worker.wait_for(lambda: worker.redis.get(f"{key}:failed"))
    assert int(worker.redis.get(f"{key}:attempts") or 0) == 4


@pytest.mark.parametrize("error", ["config", "forge-404"])
def test_a_worker_fails_a_permanent_error_without_retrying(worker: Worker, error: str) -> None:
    key = uuid.uuid4().hex
    worker.send("probe.flaky", key, 5, error)
    worker.wait_for(lambda: worker.redis.get(f"{key}:failed"))
    assert int(worker.redis.get(f"{key}:attempts") or 0) == 1
