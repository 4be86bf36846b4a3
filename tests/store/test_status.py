"""The API's view of each target is derived from the flows' facts (app.store.status rules)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from app.config import parse_file_config
from app.store import Store
from app.store.models import (
    Acknowledgment,
    ApplyRun,
    ChangeRequestRecord,
    PlanRecord,
    StatementRecord,
)
from app.store.status import TargetState, list_change_requests, target_statuses
from app.store.types import (
    ApplyOutcome,
    ChangeRequestStatus,
    ForgeName,
    PlanSource,
    utcnow,
)

CONFIG = parse_file_config(
    """
repositories:
  - forge: github
    name: acme/shop
    targets:
      - {name: prod, database_url: "postgresql://x@h/db"}
"""
)
PLAN_ID = "c0ffee" * 10 + "abcd"


def _statement(destructive: bool) -> StatementRecord:
    return StatementRecord(
        sql="DROP TABLE t" if destructive else "CREATE TABLE t ()",
        kind="DropStmt" if destructive else "CreateStmt",
        destructive=destructive,
        hazards=[],
        needs_autocommit=False,
        reasons=[],
    )


def _plan(
    *, destructive: bool = False, rehearsed: bool = True, error: str | None = None
) -> PlanRecord:
    return PlanRecord(
        plan_id=PLAN_ID,
        repository="acme/shop",
        target="prod",
        base_sha="a" * 40,
        base_fingerprint="f" * 64,
        desired_hash="d" * 64,
        source=PlanSource.GENERATED,
        pending_sql="-- sql\n",
        statements=[_statement(destructive)],
        rehearsed=rehearsed,
        rehearsal_error=error,
    )


def _cr(
    state: ChangeRequestStatus = ChangeRequestStatus.OPEN, plan_id: str | None = PLAN_ID
) -> ChangeRequestRecord:
    return ChangeRequestRecord(
        repository="acme/shop",
        target="prod",
        forge=ForgeName.GITHUB,
        number=3,
        branch="change-schema-20260101000000",
        url="http://forge/acme/shop/pull/3",
        state=state,
        plan_id=plan_id,
        head_sha="b" * 40,
    )


def _state(store: Store) -> TargetState:
    with store.session() as s:
        (status,) = target_statuses(s, CONFIG)
    return status.state


def test_no_change_request_is_in_sync(store: Store) -> None:
    with store.session() as s:
        (status,) = target_statuses(s, CONFIG)
    assert (status.state, status.change_request, status.last_apply) == (
        TargetState.IN_SYNC,
        None,
        None,
    )


PlanFactory = Callable[[], PlanRecord | None]


@pytest.mark.parametrize(
    ("make_plan", "cr_state", "state"),
    [
        (lambda: None, ChangeRequestStatus.OPEN, TargetState.CHANGE_PENDING),
        (lambda: _plan(rehearsed=False), ChangeRequestStatus.OPEN, TargetState.CHANGE_PENDING),
        (
            lambda: _plan(rehearsed=False, error="residual"),
            ChangeRequestStatus.OPEN,
            TargetState.FAILED,
        ),
        (lambda: _plan(), ChangeRequestStatus.OPEN, TargetState.WAITING_FOR_APPROVAL),
        (
            lambda: _plan(destructive=True),
            ChangeRequestStatus.OPEN,
            TargetState.WAITING_FOR_DROP_ACK,
        ),
        (lambda: _plan(), ChangeRequestStatus.APPLYING, TargetState.APPLYING),
        (lambda: _plan(), ChangeRequestStatus.FAILED, TargetState.FAILED),
        (lambda: _plan(), ChangeRequestStatus.MERGED, TargetState.IN_SYNC),
        (lambda: _plan(), ChangeRequestStatus.CLOSED, TargetState.IN_SYNC),
    ],
)
def test_state_follows_the_active_change_request_and_its_plan(
    store: Store, make_plan: PlanFactory, cr_state: ChangeRequestStatus, state: TargetState
) -> None:
    with store.session() as s:
        plan = make_plan()
        if plan is not None:
            s.add(plan)
        s.add(_cr(cr_state))
    assert _state(store) is state


def test_an_acknowledgment_for_the_current_plan_lifts_the_drop_wait(store: Store) -> None:
    with store.session() as s:
        s.add(_plan(destructive=True))
        cr = _cr()
        s.add(cr)
        s.flush()
        s.add(
            Acknowledgment(
                change_request_id=cr.id,
                plan_id="0" * 64,
                username="alice",
                comment_id="1",
                created_at=utcnow(),
            )
        )
    assert _state(store) is TargetState.WAITING_FOR_DROP_ACK  # acknowledged another plan
    with store.session() as s:
        s.add(
            Acknowledgment(
                change_request_id=cr.id,
                plan_id=PLAN_ID,
                username="alice",
                comment_id="2",
                created_at=utcnow(),
            )
        )
    assert _state(store) is TargetState.WAITING_FOR_APPROVAL


def test_a_running_apply_is_applying_and_the_last_apply_is_reported(store: Store) -> None:
    start = utcnow()
    with store.session() as s:
        s.add(
            ApplyRun(
                plan_id=PLAN_ID,
                repository="acme/shop",
                target="prod",
                started_at=start,
                finished_at=start + timedelta(seconds=2),
                outcome=ApplyOutcome.APPLIED,
            )
        )
    with store.session() as s:
        (status,) = target_statuses(s, CONFIG)
    assert status.state is TargetState.IN_SYNC
    assert status.last_apply is not None
    assert (status.last_apply.outcome, status.last_apply.seconds) == ("applied", 2.0)
    with store.session() as s:
        s.add(
            ApplyRun(
                plan_id=PLAN_ID,
                repository="acme/shop",
                target="prod",
                started_at=start + timedelta(seconds=5),
            )
        )
    assert _state(store) is TargetState.APPLYING


def test_change_requests_are_listed_newest_first_with_links(store: Store) -> None:
    with store.session() as s:
        s.add(_plan())
        s.add(_cr(ChangeRequestStatus.MERGED))
    with store.session() as s:
        (view,) = list_change_requests(s, repository="acme/shop")
        assert list_change_requests(s, state=ChangeRequestStatus.OPEN) == []
    assert (view.number, view.url, view.state, view.plan_short_id) == (
        3,
        "http://forge/acme/shop/pull/3",
        "merged",
        PLAN_ID[:12],
    )
