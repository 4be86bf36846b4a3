"""The flows in process, against the fake forge over HTTP, real PostgreSQL and Redis.

These drive the flow functions directly (no webhooks, no worker) to pin down their logic;
the end-to-end tests run the same scenarios through the API and a worker process.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Settings
from app.devforge import DevForge
from app.flows.publish import plan_and_publish
from app.flows.review import evaluate_change_request
from app.pg import connect
from app.wiring import Services, build_services
from tests.support.databases import DatabaseFactory
from tests.support.world import FORGES, World, new_world

CUSTOMERS = "CREATE TABLE customers (id int PRIMARY KEY, name text, fax text);\n"
SCHEMA = {"schema/001_customers.sql": CUSTOMERS}
CURRENT = (
    "CREATE TABLE customers (id int PRIMARY KEY, name text, fax text);\n"
    "INSERT INTO customers VALUES (1, 'Ada', '555');\n"
)


@pytest.fixture(params=FORGES)
def world(request: pytest.FixtureRequest, devforge: DevForge, databases: DatabaseFactory) -> World:
    return new_world(
        devforge, str(request.param), schema=SCHEMA, target_url=databases.create(CURRENT)
    )


@pytest.fixture
def services(
    world: World, databases: DatabaseFactory, postgres_url: str, redis_url: str, tmp_path: Path
) -> Iterator[Services]:
    settings = Settings(
        state_store_url=databases.create(),
        broker_url=redis_url,
        shadow_url=postgres_url,
        data_dir=tmp_path,
    )
    built = build_services(settings, file_config=world.file_config(), throttle=False)
    yield built
    built.close()


def _columns(url: str) -> list[str]:
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'customers' ORDER BY ordinal_position"
        ).fetchall()
    return [r[0] for r in rows]


def test_additive_change_is_published_applied_and_merged(world: World, services: Services) -> None:
    world.push_schema(
        {"schema/002_invoices.sql": "CREATE TABLE invoices (id bigint PRIMARY KEY);\n"}
    )
    plan_and_publish(services, repository=world.repo, target="production", trigger="push")
    [request] = world.open_requests()
    assert request.source.startswith("change-schema-")
    pending = world.pending_sql(request.number)
    assert pending is not None and 'create table "public"."invoices"' in pending
    assert world.status(request.head_sha) == "pending"

    plan_and_publish(services, repository=world.repo, target="production", trigger="push")
    assert [r.number for r in world.open_requests()] == [request.number]
    assert world.driver.change_request(world.repo, request.number).head_sha == request.head_sha

    world.driver.approve(world.repo, request.number, user="alice")
    evaluate_change_request(services, repository=world.repo, request_number=request.number)
    final = world.driver.change_request(world.repo, request.number)
    assert final.state == "merged"
    assert world.pending_sql(request.number) is None
    with connect(world.target_url) as conn:
        assert conn.execute("SELECT to_regclass('invoices') IS NOT NULL").fetchone() == (True,)


def test_destructive_change_waits_for_acknowledgment(world: World, services: Services) -> None:
    world.push_schema(
        {"schema/001_customers.sql": "CREATE TABLE customers (id int PRIMARY KEY, name text);\n"}
    )
    plan_and_publish(services, repository=world.repo, target="production", trigger="push")
    [request] = world.open_requests()
    world.driver.approve(world.repo, request.number, user="alice")
    evaluate_change_request(services, repository=world.repo, request_number=request.number)
    assert _columns(world.target_url) == ["id", "name", "fax"]

    pending = world.pending_sql(request.number) or ""
    short_id = pending.splitlines()[0].rsplit(" ", 1)[-1]
    world.driver.comment(
        world.repo, request.number, user="rita", body=f"/schemagate confirm-drop {short_id}"
    )
    world.driver.comment(
        world.repo, request.number, user="alice", body="/schemagate confirm-drop 000000000000"
    )
    evaluate_change_request(services, repository=world.repo, request_number=request.number)
    assert _columns(world.target_url) == ["id", "name", "fax"]

    world.driver.comment(
        world.repo, request.number, user="alice", body=f"/schemagate confirm-drop {short_id}"
    )
    evaluate_change_request(services, repository=world.repo, request_number=request.number)
    assert _columns(world.target_url) == ["id", "name"]
    assert world.driver.change_request(world.repo, request.number).state == "merged"
