"""Test-only tasks that record every invocation in Redis, run under the real retry policy."""

from __future__ import annotations

import os
import time
from typing import Any

from celery import shared_task
from redis import Redis

from app.errors import ConfigError, DatabaseUnreachable, ForgeError
from app.wiring import redis_client
from worker.retry import PolicyTask

ERRORS: dict[str, Exception] = {
    "database": DatabaseUnreachable("db.example:5432/prod", "connection refused"),
    "config": ConfigError("repositories[0].targets", "bad"),
    "forge-404": ForgeError(forge="github", operation="get repo", status=404, message="Not Found"),
    "forge-503": ForgeError(forge="github", operation="get repo", status=503, message="busy"),
    "unknown": RuntimeError("unforeseen"),
}


def redis() -> Redis:
    return redis_client(os.environ["PROBE_BROKER_URL"])


class RecordingTask(PolicyTask):
    retry_base_delay = 0.1  # the table's own delays, scaled down

    def on_given_up(self, exc: BaseException, args: Any) -> None:
        redis().set(f"{args[0]}:failed", type(exc).__name__)


@shared_task(name="probe.flaky", base=RecordingTask)
def flaky(key: str, failures: int, error: str) -> None:
    attempt = redis().incr(f"{key}:attempts")
    if attempt <= failures:
        raise ERRORS[error]
    redis().set(f"{key}:done", attempt)


@shared_task(name="probe.slow", base=RecordingTask)
def slow(key: str) -> None:
    """The first attempt hangs (to be killed); a later one finishes."""
    client = redis()
    attempt = client.incr(f"{key}:attempts")
    client.set(f"{key}:pid:{attempt}", os.getpid())
    if attempt == 1:
        time.sleep(60)
    client.set(f"{key}:done", attempt)
