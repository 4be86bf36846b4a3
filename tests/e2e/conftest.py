"""End-to-end fixtures: the fake forge, a world per test, and schemagate's processes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.devforge import DevForge
from tests.e2e.harness import Service, subscribe, write_config
from tests.support.databases import DatabaseFactory
from tests.support.world import BOT_TOKEN, FORGES, WEBHOOK_SECRET, World, new_world

SCHEMA = {
    "schema/001_customers.sql": (
        "CREATE TABLE customers (\n    id integer PRIMARY KEY,\n    name text NOT NULL,\n"
        "    fax text\n);\n"
    ),
}
CURRENT = SCHEMA["schema/001_customers.sql"] + (
    "INSERT INTO customers VALUES (1, 'Ada', '+44 1'), (2, 'Grace', '+1 2');\n"
)


@pytest.fixture(params=FORGES)
def world(request: pytest.FixtureRequest, devforge: DevForge, databases: DatabaseFactory) -> World:
    return new_world(
        devforge, str(request.param), schema=SCHEMA, target_url=databases.create(CURRENT)
    )


@dataclass
class ServiceFactory:
    """Starts schemagate for a world; everything it started is stopped after the test."""

    world: World
    databases: DatabaseFactory
    postgres_url: str
    broker_url: str
    tmp_path: Path
    started: list[Service] = field(default_factory=list)

    def start(
        self,
        *,
        broker_url: str | None = None,
        drift_interval: float | None = None,
        beat: bool = False,
        worker: bool = True,
    ) -> Service:
        config = write_config(
            self.world, self.tmp_path / "schemagate.yaml", drift_interval=drift_interval
        )
        env = {
            "SCHEMAGATE_CONFIG": str(config),
            "SCHEMAGATE_STATE_STORE_URL": self.databases.create(),
            "SCHEMAGATE_BROKER_URL": broker_url or self.broker_url,
            "SCHEMAGATE_SHADOW_URL": self.postgres_url,
            "SCHEMAGATE_DATA_DIR": str(self.tmp_path / "data"),
            "SCHEMAGATE_SWEEP_AFTER_SECONDS": "2",
            "SCHEMAGATE_SWEEP_INTERVAL_SECONDS": "2",
            "SCHEMAGATE_QUEUE": f"schemagate-e2e-{uuid.uuid4().hex[:8]}",
            "SG_E2E_TOKEN": BOT_TOKEN,
            "SG_E2E_SECRET": WEBHOOK_SECRET,
        }
        running = Service(env=env, log_dir=self.tmp_path)
        self.started.append(running)
        running.start_api()
        if worker:
            running.start_worker()
        if beat:
            running.start_beat()
        subscribe(self.world, running)
        return running

    def stop_all(self) -> None:
        for running in self.started:
            running.stop_all()


@pytest.fixture
def services(
    world: World, databases: DatabaseFactory, postgres_url: str, redis_url: str, tmp_path: Path
) -> Iterator[ServiceFactory]:
    """Each service gets a queue of its own (``SCHEMAGATE_QUEUE``): test runs sharing one
    Redis never take each other's tasks."""
    factory = ServiceFactory(world, databases, postgres_url, redis_url, tmp_path)
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture
def service(services: ServiceFactory) -> Service:
    """schemagate api + worker for this test's world, subscribed to its repository."""
    return services.start()
