"""Fixtures for real services: PostgreSQL and Redis (local, from the environment, or embedded)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.devforge import DevForge
from tests.support import services
from tests.support.databases import BackgroundDropper, DatabaseFactory, database_factory
from tests.support.world import add_people


def pytest_report_header(config: pytest.Config) -> list[str]:
    pg, rd = services.postgres(), services.redis()
    from app.redact import mask_url

    return [
        f"schemagate test PostgreSQL: {pg.source} ({mask_url(pg.url)})",
        f"schemagate test Redis: {rd.source} ({mask_url(rd.url)})",
    ]


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """URL of the maintenance database of the test PostgreSQL server."""
    return services.postgres().url


@pytest.fixture(scope="session")
def redis_url() -> str:
    return services.redis().url


@pytest.fixture(scope="session")
def database_dropper(postgres_url: str) -> Iterator[BackgroundDropper]:
    dropper = BackgroundDropper(postgres_url)
    yield dropper
    dropper.finish()
    assert not dropper.failures, f"test databases not dropped: {dropper.failures}"


@pytest.fixture
def databases(postgres_url: str, database_dropper: BackgroundDropper) -> Iterator[DatabaseFactory]:
    """Create uniquely named databases for one test; all are dropped afterwards."""
    with database_factory(postgres_url, database_dropper) as factory:
        yield factory


@pytest.fixture(scope="session")
def devforge() -> Iterator[DevForge]:
    """The local fake GitHub and GitLab, with schemagate's bot and a few people."""
    with DevForge() as forge:
        add_people(forge)
        yield forge
