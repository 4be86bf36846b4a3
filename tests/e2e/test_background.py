"""Scenarios that need the scheduler: the sweeper after a broker outage, the drift check."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.pg import connect
from tests.e2e.conftest import ServiceFactory
from tests.e2e.harness import PrivateRedis, settled, unfinished_deliveries, wait_for
from tests.support.world import World

pytestmark = pytest.mark.slow
INVOICES = "CREATE TABLE invoices (\n    id bigint PRIMARY KEY\n);\n"


def test_8_broker_outage_loses_no_delivery(
    world: World, services: ServiceFactory, tmp_path: Path
) -> None:
    """8. the broker is down when a webhook arrives: the delivery is stored, and processed
    once the broker is back."""
    broker = PrivateRedis(tmp_path)
    broker.start()
    service = services.start(broker_url=broker.url, beat=True)
    broker.stop()
    world.push_schema({"schema/002_invoices.sql": INVOICES})
    push = wait_for(
        lambda: [
            d for d in world.driver.deliveries() if d.url.startswith(service.url) and d.responses
        ],
        what="the push to be answered",
    )
    assert push[0].responses == [202]
    assert unfinished_deliveries(service) == 1
    assert world.open_requests() == []

    broker.start()
    try:
        wait_for(
            world.open_requests,
            timeout=90,
            what="the swept delivery to be processed",
            describe=lambda: service.log("worker")[-3000:] + service.log("beat")[-2000:],
        )
        wait_for(lambda: settled(world, service), what="the service to settle")
        assert len(world.open_requests()) == 1
    finally:
        service.stop_all()
        broker.stop()


def test_10_drift_check_opens_a_request(world: World, services: ServiceFactory) -> None:
    """10. production changed by hand, no push: the drift check opens a request."""
    service = services.start(drift_interval=2, beat=True)
    with connect(world.target_url) as conn:
        conn.execute("CREATE INDEX customers_name_hotfix ON customers (name)")
    [request] = wait_for(
        world.open_requests,
        timeout=60,
        what="the drift request",
        describe=lambda: service.log("worker")[-3000:],
    )
    assert "drifted" in request.title
    assert 'drop index if exists "public"."customers_name_hotfix"' in (
        world.pending_sql(request.number) or ""
    )
