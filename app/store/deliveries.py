"""Webhook deliveries: the outbox between the API and the worker.

Life of a row: the API records it (``received``; or ``ignored`` for signed deliveries it
does not act on), hands its id to the broker (``enqueued``, ``attempts`` + 1), a worker
claims it (``processing``) and finishes it (``processed`` / ``ignored`` / ``failed``).
The sweeper re-enqueues rows the broker never got or lost. ``attempts`` counts hand-overs
to the broker, so a delivery that keeps getting lost is given up after a bounded number.

A row left ``processing`` by a killed worker is not swept: its message is still in Redis,
unacknowledged, and Redis hands it out again (``acks_late``). Only if Redis itself lost its
data would such a row stay ``processing``; ``/metrics`` shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.store.models import Delivery
from app.store.types import DeliveryStatus, ForgeName, utcnow

CLAIMABLE = (DeliveryStatus.RECEIVED, DeliveryStatus.ENQUEUED, DeliveryStatus.PROCESSING)
"""``processing`` is claimable again: a worker killed mid-task leaves it so, and the broker
redelivers the task (acks_late). Finished rows are never claimed twice."""


@dataclass(frozen=True)
class StaleDelivery:
    id: int
    attempts: int


def record_delivery(
    session: Session | Connection,
    *,
    forge: ForgeName,
    delivery_id: str,
    event: str,
    repository: str | None,
    payload: str,
    status: DeliveryStatus = DeliveryStatus.RECEIVED,
    error: str | None = None,
) -> tuple[int, bool]:
    """Store a delivery unless one with the same ``(forge, delivery_id)`` exists.

    Returns ``(row id, is_new)``. Race-safe: the unique key decides, through
    ``INSERT … ON CONFLICT DO NOTHING``, so two requests carrying the same delivery at the
    same instant store one row and exactly one of them sees ``is_new``. Works in a session
    or on a :meth:`Store.single_statement` connection (the fast path of the API).
    """
    values = {
        "forge": forge.value,
        "delivery_id": delivery_id,
        "event": event,
        "repository": repository,
        "payload": payload,
        "received_at": utcnow(),
        "status": status.value,
        "attempts": 0,
        "error": error,
    }
    insert = _insert_ignoring_duplicates(session, values).returning(Delivery.id)
    new_id = session.execute(insert).scalar_one_or_none()
    if new_id is not None:
        return new_id, True
    existing = select(Delivery.id).where(
        Delivery.forge == forge, Delivery.delivery_id == delivery_id
    )
    return session.execute(existing).scalar_one(), False


def _insert_ignoring_duplicates(
    session: Session | Connection, values: Mapping[str, object]
) -> Insert:
    keys = ["forge", "delivery_id"]
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "postgresql":
        return (
            postgresql.insert(Delivery).values(values).on_conflict_do_nothing(index_elements=keys)
        )
    return sqlite.insert(Delivery).values(values).on_conflict_do_nothing(index_elements=keys)


def get_delivery(session: Session, row_id: int) -> Delivery | None:
    return session.get(Delivery, row_id)


def mark_enqueued(session: Session, row_ids: Sequence[int]) -> int:
    """Note that these deliveries were handed to the broker (one more attempt each).

    Rows a worker already claimed are left alone: the hand-over is recorded after the
    publish, and a fast worker may be done by then. Returns how many rows changed.
    """
    if not row_ids:
        return 0
    result = session.connection().execute(
        update(Delivery)
        .where(
            Delivery.id.in_(row_ids),
            Delivery.status.in_((DeliveryStatus.RECEIVED, DeliveryStatus.ENQUEUED)),
        )
        .values(
            status=DeliveryStatus.ENQUEUED, attempts=Delivery.attempts + 1, enqueued_at=utcnow()
        )
    )
    return result.rowcount


def mark_processing(session: Session, row_id: int) -> bool:
    """Claim a delivery for processing; False if it is already finished (a repeat task)."""
    result = session.connection().execute(
        update(Delivery)
        .where(Delivery.id == row_id, Delivery.status.in_(CLAIMABLE))
        .values(status=DeliveryStatus.PROCESSING)
    )
    return result.rowcount == 1


def mark_processed(session: Session, row_id: int) -> None:
    """Done. Only a claimed row changes: a flow that marked it ``ignored`` keeps that."""
    session.connection().execute(
        update(Delivery)
        .where(Delivery.id == row_id, Delivery.status == DeliveryStatus.PROCESSING)
        .values(status=DeliveryStatus.PROCESSED, processed_at=utcnow(), error=None)
    )


def mark_ignored(session: Session, row_id: int, *, reason: str) -> None:
    """The worker found nothing to do for this delivery; ``reason`` says why."""
    _finish(session, row_id, DeliveryStatus.IGNORED, reason)


def mark_failed(session: Session, row_id: int, *, error: str) -> None:
    """Processing failed for good (after retries); ``error`` must already be redacted."""
    _finish(session, row_id, DeliveryStatus.FAILED, error)


def _finish(session: Session, row_id: int, status: DeliveryStatus, error: str | None) -> None:
    session.connection().execute(
        update(Delivery)
        .where(Delivery.id == row_id)
        .values(status=status, processed_at=utcnow(), error=error)
    )


def stale_unprocessed(
    session: Session, *, received_before: datetime, enqueued_before: datetime, limit: int = 500
) -> list[StaleDelivery]:
    """Deliveries the sweeper should hand to the broker again, oldest first.

    ``received`` ones older than ``received_before`` never reached the broker (it was down,
    or the API stopped first). ``enqueued`` ones older than ``enqueued_before`` (which
    should be the broker's visibility timeout ago) were lost by the broker.
    """
    query = (
        select(Delivery.id, Delivery.attempts)
        .where(
            (
                (Delivery.status == DeliveryStatus.RECEIVED)
                & (Delivery.received_at < received_before)
            )
            | (
                (Delivery.status == DeliveryStatus.ENQUEUED)
                & (Delivery.enqueued_at < enqueued_before)
            )
        )
        .order_by(Delivery.id)
        .limit(limit)
    )
    return [StaleDelivery(id=row.id, attempts=row.attempts) for row in session.execute(query)]
