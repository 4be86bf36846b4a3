"""The delivery lifecycle around the flows, and the sweeper.

:func:`run_delivery` claims a stored delivery, lets the flow handle it, and records the
outcome; a repeated task for a finished delivery does nothing. :func:`sweep` hands to the
broker again what it never got or lost, and gives up on deliveries lost too often.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from kombu.exceptions import OperationalError as BrokerUnreachable

from app.store import deliveries
from app.store.types import utcnow
from app.wiring import Services

log = logging.getLogger(__name__)

DeliveryHandler = Callable[..., object]
"""``handle_delivery(services, *, delivery_id)`` of app.flows.dispatch."""


def run_delivery(services: Services, delivery_row_id: int, handler: DeliveryHandler) -> str:
    """Process one stored delivery at most to completion once; returns what happened."""
    with services.store.session() as session:
        if not deliveries.mark_processing(session, delivery_row_id):
            return "skipped: already finished"
    handler(services, delivery_id=delivery_row_id)
    with services.store.session() as session:
        deliveries.mark_processed(session, delivery_row_id)
    return "processed"


def record_failure(services: Services, delivery_row_id: int, error: str) -> None:
    """The task failed for good (after the retry table's attempts)."""
    with services.store.session() as session:
        deliveries.mark_failed(session, delivery_row_id, error=error)


@dataclass(frozen=True)
class SweepResult:
    enqueued: int
    given_up: int


def sweep(services: Services) -> SweepResult:
    """Re-enqueue deliveries that never reached the broker or that it lost.

    A delivery is never lost while it is in the store: if the broker is still down the
    next sweep tries again. After ``sweep_max_attempts`` hand-overs it is marked failed,
    so one that the broker keeps losing does not circulate forever.
    """
    settings = services.settings
    now = utcnow()
    with services.store.session() as session:
        stale = deliveries.stale_unprocessed(
            session,
            received_before=now - timedelta(seconds=settings.sweep_after_seconds),
            enqueued_before=now - timedelta(seconds=settings.broker_visibility_timeout_seconds),
        )
        exhausted = [d.id for d in stale if d.attempts >= settings.sweep_max_attempts]
        for row_id in exhausted:
            message = f"gave up after {settings.sweep_max_attempts} hand-overs to the broker"
            deliveries.mark_failed(session, row_id, error=message)
    sent = _enqueue(services, [d.id for d in stale if d.id not in set(exhausted)])
    with services.store.session() as session:
        deliveries.mark_enqueued(session, sent)
    if sent or exhausted:
        log.info("sweeper: re-enqueued %d delivery(ies), gave up on %d", len(sent), len(exhausted))
    return SweepResult(enqueued=len(sent), given_up=len(exhausted))


def _enqueue(services: Services, row_ids: list[int]) -> list[int]:
    """The ids handed over: all, or none when the broker is unreachable."""
    if not row_ids:
        return []
    try:
        services.tasks.process_deliveries(row_ids)
    except BrokerUnreachable as exc:
        log.warning("sweeper: the broker is unreachable (%s); trying again later", exc)
        return []
    return row_ids
