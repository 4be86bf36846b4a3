"""A real Celery worker subprocess (prefork pool) on its own Redis database and queue."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from celery import Celery
from redis import Redis

from app.config import FileConfig, Settings
from app.wiring import redis_client
from tests.api.conftest import own_redis_db
from worker.celery_app import create_celery

ROOT = Path(__file__).resolve().parents[2]
WORKER_DB = 14


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    app: Celery
    queue: str
    redis: Redis

    def send(self, name: str, *args: object) -> None:
        self.app.send_task(name, args=args, queue=self.queue)

    def wait_for(self, check: Callable[[], object], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            assert self.process.poll() is None, "the worker exited"
            assert time.monotonic() < deadline, "condition not reached in time"
            time.sleep(0.05)


@pytest.fixture(scope="module")
def broker(redis_url: str) -> Iterator[str]:
    url = own_redis_db(redis_url, WORKER_DB)
    client = redis_client(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def _wait_until_ready(process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while b" ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"the worker did not start:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def worker(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    """One worker per test module (tests use their own keys), stopped at the end."""
    tmp_path = tmp_path_factory.mktemp("worker")
    queue = f"probe-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PROBE_BROKER_URL": broker,
        "PROBE_QUEUE": queue,
        "PROBE_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "tests.worker.probe_app",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "1",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--hostname",
        f"{queue}@%h",
    ]
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:  # the child keeps its own copy
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    _wait_until_ready(process, log_path)
    app = create_celery(
        Settings(data_dir=tmp_path), broker_url=broker, file_config=FileConfig(), include=[]
    )
    redis = redis_client(broker)
    try:
        yield Worker(process, app, queue, redis)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        redis.close()
