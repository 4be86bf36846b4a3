"""The delivery outbox: dedupe (also under concurrency), hand-over, claims, the sweeper's view."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Connection

from app.pg import connect, database_name
from app.store import Store
from app.store import deliveries as d
from app.store.models import Delivery
from app.store.types import DeliveryStatus, ForgeName, utcnow
from tests.support.databases import DatabaseFactory


def _record(store: Store, delivery_id: str = "d-1") -> tuple[int, bool]:
    with store.session() as s:
        return d.record_delivery(
            s,
            forge=ForgeName.GITHUB,
            delivery_id=delivery_id,
            event="push",
            repository="acme/shop",
            payload='{"ref": "refs/heads/main"}',
        )


def _status(store: Store, row_id: int) -> Delivery:
    with store.session() as s:
        row = d.get_delivery(s, row_id)
        assert row is not None
        return row


def test_a_delivery_is_stored_once_per_forge_and_id(store: Store) -> None:
    first, new = _record(store)
    again, repeated = _record(store)
    assert new and not repeated and again == first
    with store.session() as s:
        other, other_new = d.record_delivery(
            s,
            forge=ForgeName.GITLAB,
            delivery_id="d-1",
            event="Push Hook",
            repository=None,
            payload="{}",
        )
    assert other_new and other != first
    row = _status(store, first)
    assert (row.status, row.attempts, row.received_at.tzinfo is not None) == (
        DeliveryStatus.RECEIVED,
        0,
        True,
    )


def test_concurrent_copies_of_one_delivery_store_one_row(store: Store) -> None:
    results: list[tuple[int, bool]] = []
    barrier = threading.Barrier(8)

    def receive() -> None:
        barrier.wait()
        results.append(_record(store, "same"))

    threads = [threading.Thread(target=receive) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert sum(new for _, new in results) == 1
    assert len({row_id for row_id, _ in results}) == 1


def test_hand_over_then_claim_then_finish(store: Store) -> None:
    row_id, _ = _record(store)
    with store.session() as s:
        assert d.mark_enqueued(s, [row_id]) == 1
        assert d.mark_processing(s, row_id)
        assert d.mark_enqueued(s, [row_id]) == 0  # a late hand-over note leaves the claim alone
        assert d.mark_processing(s, row_id)  # a redelivered task after a killed worker
        d.mark_processed(s, row_id)
        assert not d.mark_processing(s, row_id)  # finished: a repeat task does nothing
    row = _status(store, row_id)
    assert (row.status, row.attempts) == (DeliveryStatus.PROCESSED, 1)
    assert row.processed_at is not None


def test_failed_and_ignored_keep_the_reason(store: Store) -> None:
    failed, _ = _record(store, "f")
    ignored, _ = _record(store, "i")
    with store.session() as s:
        d.mark_failed(s, failed, error="forge said 404")
        d.mark_ignored(s, ignored, reason="not a schemagate branch")
    assert (_status(store, failed).status, _status(store, failed).error) == (
        DeliveryStatus.FAILED,
        "forge said 404",
    )
    assert _status(store, ignored).status is DeliveryStatus.IGNORED


def test_stale_unprocessed_finds_never_enqueued_and_lost_deliveries(store: Store) -> None:
    never, _ = _record(store, "never-enqueued")
    lost, _ = _record(store, "lost-by-broker")
    done, _ = _record(store, "done")
    with store.session() as s:
        d.mark_enqueued(s, [lost, done])
        d.mark_processing(s, done)
        d.mark_processed(s, done)
    now = utcnow()
    with store.session() as s:
        assert (
            d.stale_unprocessed(
                s,
                received_before=now - timedelta(seconds=60),
                enqueued_before=now - timedelta(seconds=60),
            )
            == []
        )
        later = now + timedelta(seconds=1)
        stale = d.stale_unprocessed(s, received_before=later, enqueued_before=later)
    assert stale == [d.StaleDelivery(never, 0), d.StaleDelivery(lost, 1)]


def test_the_fast_path_survives_a_server_side_disconnect(
    databases: DatabaseFactory, postgres_url: str
) -> None:
    url = databases.create(prefix="sgstore")
    store = Store.from_url(url)
    store.upgrade()

    def record(delivery_id: str) -> Callable[[Connection], tuple[int, bool]]:
        return lambda conn: d.record_delivery(
            conn,
            forge=ForgeName.GITHUB,
            delivery_id=delivery_id,
            event="push",
            repository="acme/shop",
            payload="{}",
        )

    first, _ = store.single_statement(record("before"))
    with connect(postgres_url) as admin:  # what a database restart does to pooled connections
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (database_name(url),),
        )
    second, new = store.single_statement(record("after"))
    assert new and second != first
    store.close()
