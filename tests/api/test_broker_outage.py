"""A broker outage loses nothing: the delivery is stored, answered 202, and swept later."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.store.types import DeliveryStatus
from tests.api.conftest import (
    UNREACHABLE_BROKER,
    encode,
    github_headers,
    github_push,
    make_services,
    serving,
)
from worker.intake import sweep


@pytest.mark.smoke
def test_a_delivery_accepted_while_the_broker_is_down_is_swept_when_it_is_back(
    tmp_path: Path, store_url: str, broker_url: str
) -> None:
    with serving(make_services(tmp_path, store_url, UNREACHABLE_BROKER)) as down:
        body = encode(github_push())
        answer = down.client.post("/webhooks/github", content=body, headers=github_headers(body))
        assert answer.status_code == 202
        assert down.client.get("/readyz").status_code == 503
    (row,) = down.rows()
    assert (row.status, row.attempts) == (DeliveryStatus.RECEIVED, 0)

    with serving(make_services(tmp_path, store_url, broker_url, sweep_after_seconds=0.001)) as up:
        assert up.client.get("/readyz").status_code == 200
        result = sweep(up.services)
        assert (result.enqueued, result.given_up) == (1, 0)
        assert up.queued() == [row.id]
        (swept,) = up.rows()
        assert (swept.status, swept.attempts) == (DeliveryStatus.ENQUEUED, 1)
        assert sweep(up.services).enqueued == 0  # just enqueued: not stale yet for the broker


def test_a_delivery_the_broker_keeps_losing_is_given_up(
    tmp_path: Path, store_url: str, broker_url: str
) -> None:
    services = make_services(
        tmp_path,
        store_url,
        broker_url,
        sweep_after_seconds=0.001,
        broker_visibility_timeout_seconds=0.001,
        sweep_max_attempts=2,
    )
    with serving(services) as api:
        body = encode(github_push())
        api.client.post("/webhooks/github", content=body, headers=github_headers(body))
        api.wait_for(lambda: api.rows()[0].status is DeliveryStatus.ENQUEUED)
        assert sweep(services).enqueued == 1  # "lost" by the broker: handed over again
        time.sleep(0.01)  # the 1 ms visibility timeout passes (two sweeps can run within it)
        assert sweep(services).given_up == 1
        (row,) = api.rows()
        assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 2)
        assert row.error == "gave up after 2 hand-overs to the broker"
