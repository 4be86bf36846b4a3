"""The delivery lifecycle around the flow: a delivery is handled to completion once."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import deliveries
from app.store.models import Delivery
from app.store.types import DeliveryStatus, ForgeName
from app.wiring import Services
from tests.api.conftest import make_services
from worker.intake import record_failure, run_delivery


@pytest.fixture
def services(tmp_path: Path, broker: str) -> Services:
    return make_services(tmp_path, f"sqlite:///{tmp_path / 'state.db'}", broker)


def _stored(services: Services) -> int:
    with services.store.session() as s:
        row_id, _ = deliveries.record_delivery(
            s,
            forge=ForgeName.GITHUB,
            delivery_id="d",
            event="push",
            repository="acme/shop",
            payload="{}",
        )
    return row_id


def _row(services: Services, row_id: int) -> Delivery:
    with services.store.session() as s:
        row = deliveries.get_delivery(s, row_id)
        assert row is not None
        return row


def test_a_delivery_is_handled_once_however_often_its_task_runs(services: Services) -> None:
    row_id = _stored(services)
    handled: list[int] = []

    def handler(_: Services, *, delivery_id: int) -> None:
        handled.append(delivery_id)

    outcomes = [run_delivery(services, row_id, handler) for _ in range(2)]
    assert outcomes == ["processed", "skipped: already finished"]
    assert handled == [row_id]
    assert _row(services, row_id).status is DeliveryStatus.PROCESSED


def test_a_handler_that_ignores_the_delivery_keeps_that_outcome(services: Services) -> None:
    row_id = _stored(services)

    def handler(services: Services, *, delivery_id: int) -> None:
        with services.store.session() as s:
            deliveries.mark_ignored(s, delivery_id, reason="CR of another tool")

    run_delivery(services, row_id, handler)
    assert (_row(services, row_id).status, _row(services, row_id).error) == (
        DeliveryStatus.IGNORED,
        "CR of another tool",
    )


def test_a_failing_handler_leaves_the_delivery_claimable_until_it_fails_for_good(
    services: Services,
) -> None:
    row_id = _stored(services)

    def handler(_: Services, *, delivery_id: int) -> None:
        raise RuntimeError("forge down")

    with pytest.raises(RuntimeError):
        run_delivery(services, row_id, handler)
    assert _row(services, row_id).status is DeliveryStatus.PROCESSING  # a retry may claim it
    record_failure(services, row_id, "RuntimeError: forge down")
    assert _row(services, row_id).status is DeliveryStatus.FAILED
    assert run_delivery(services, row_id, handler) == "skipped: already finished"
