"""The audit log keeps who did what, newest first, filterable by target and change request."""

from __future__ import annotations

from app.store import Store, audit
from app.store.types import BOT_ACTOR


def test_events_are_listed_newest_first_and_filtered(store: Store) -> None:
    with store.session() as s:
        audit.record(
            s,
            repository="acme/shop",
            target="prod",
            actor=BOT_ACTOR,
            action="planned",
            detail={"plan_id": "ab" * 32},
        )
        audit.record(
            s,
            repository="acme/shop",
            target="prod",
            actor="alice",
            action="approval_seen",
            change_request_number=7,
        )
        audit.record(
            s, repository="acme/shop", target="staging", actor="bob", action="closed_by_person"
        )
        audit.record(s, repository="acme/other", target="prod", actor="carol", action="planned")
    with store.session() as s:
        prod = audit.list_events(s, repository="acme/shop", target="prod")
        on_cr = audit.list_events(s, repository="acme/shop", change_request_number=7)
        everything = audit.list_events(s, repository="acme/shop")
    assert [(e.actor, e.action) for e in prod] == [
        ("alice", "approval_seen"),
        (BOT_ACTOR, "planned"),
    ]
    assert prod[1].detail == {"plan_id": "ab" * 32}
    assert [e.action for e in on_cr] == ["approval_seen"]
    assert len(everything) == 3
