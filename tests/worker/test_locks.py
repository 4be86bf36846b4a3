"""Per-target locks across processes: exclusive, kept alive while held, freed when the holder
dies, re-entrant within one thread."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app.errors import TargetBusy
from app.locks import TargetLocks
from app.wiring import redis_client
from tests.worker.conftest import ROOT

TTL = 1.0


@contextmanager
def holder(broker: str, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process holding acme/shop:prod for ``seconds``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.worker.lock_holder", broker, str(TTL), str(seconds)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    try:
        assert process.stdout.readline().strip() == "held"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()


@pytest.fixture
def locks(broker: str) -> Iterator[TargetLocks]:
    client = redis_client(broker)
    yield TargetLocks(client, ttl_seconds=TTL)
    client.close()


def test_a_held_target_is_busy_for_another_process_until_released(
    broker: str, locks: TargetLocks
) -> None:
    with holder(broker, seconds=3 * TTL) as other:
        started = time.monotonic()
        with (
            pytest.raises(TargetBusy, match="target prod of acme/shop is busy"),
            locks.hold("acme/shop", "prod", wait_seconds=2 * TTL),
        ):
            pass  # pragma: no cover - must not get here
        assert time.monotonic() - started > 1.5 * TTL  # outlived the TTL: the holder extended it
        with locks.hold("acme/shop", "staging", wait_seconds=0):
            pass  # other targets are independent
        with locks.hold("acme/shop", "prod", wait_seconds=5 * TTL):
            assert other.stdout is not None
            assert other.stdout.readline().strip() == "released"
        assert other.wait(5) == 0


@pytest.mark.smoke
def test_a_killed_holders_lock_expires_within_its_ttl(broker: str, locks: TargetLocks) -> None:
    with holder(broker, seconds=60) as other:
        other.send_signal(signal.SIGKILL)
        other.wait()
        started = time.monotonic()
        with locks.hold("acme/shop", "prod", wait_seconds=3 * TTL):
            waited = time.monotonic() - started
    assert waited <= TTL + 0.5


def test_holding_is_reentrant_in_one_thread(broker: str, locks: TargetLocks) -> None:
    other_client = redis_client(broker)
    other_thread_or_process = TargetLocks(other_client, ttl_seconds=TTL)
    with locks.hold("acme/shop", "prod", wait_seconds=0):
        with locks.hold("acme/shop", "prod", wait_seconds=0):
            pass
        with (
            pytest.raises(TargetBusy),
            other_thread_or_process.hold("acme/shop", "prod", wait_seconds=0),
        ):
            pass  # pragma: no cover
    with other_thread_or_process.hold("acme/shop", "prod", wait_seconds=0):
        pass  # released after the outer block
    other_client.close()
