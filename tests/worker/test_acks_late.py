"""acks_late + reject_on_worker_lost: a task whose worker process is killed runs again."""

from __future__ import annotations

import os
import signal
import uuid

import pytest

from tests.worker.conftest import Worker


@pytest.mark.smoke
def test_a_task_killed_mid_run_is_requeued_and_completes(worker: Worker) -> None:
    key = uuid.uuid4().hex
    worker.send("probe.slow", key)
    worker.wait_for(lambda: worker.redis.get(f"{key}:pid:1"))
    os.kill(int(worker.redis.get(f"{key}:pid:1") or 0), signal.SIGKILL)
    worker.wait_for(lambda: worker.redis.get(f"{key}:done"))
    assert int(worker.redis.get(f"{key}:attempts") or 0) == 2
    assert worker.redis.get(f"{key}:failed") is None  # requeued, not given up
    assert worker.redis.get(f"{key}:pid:2") != worker.redis.get(f"{key}:pid:1")
