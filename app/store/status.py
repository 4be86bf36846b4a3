"""Read models for the API: where each target stands, and the change requests.

The flows write facts (change request states, plans, acknowledgments, apply runs); this
module derives the view from them and stores nothing. A target's ``state``, checked in
this order:

``applying``
    an apply run of the target is ``running``, or its active change request is ``applying``.
``in_sync``
    no active change request (one that is ``open``, ``applying`` or ``failed``): the last
    plan was empty, or its change was applied, merged or closed.
``failed``
    the active change request is ``failed`` (its apply failed; it stays open for a retry),
    or its plan failed rehearsal (``rehearsal_error``).
``change_pending``
    the active change request has no stored plan yet, or the plan is not rehearsed yet (an
    edited pending.sql being revalidated).
``waiting_for_drop_ack``
    the plan has destructive statements and no acknowledgment was recorded for this change
    request and plan id (approvals may or may not be there yet: the DROP gate is the one
    that needs a deliberate extra step, so it is what the view names).
``waiting_for_approval``
    otherwise: rehearsed, acknowledged if needed, waiting for the approvals the gate counts.

"Active change request" is the newest one of the target in an active state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import FileConfig
from app.store.models import Acknowledgment, ApplyRun, ChangeRequestRecord, PlanRecord
from app.store.types import ApplyOutcome, ChangeRequestStatus

ACTIVE = (ChangeRequestStatus.OPEN, ChangeRequestStatus.APPLYING, ChangeRequestStatus.FAILED)
SHORT_ID_LENGTH = 12


class TargetState(StrEnum):
    IN_SYNC = "in_sync"
    CHANGE_PENDING = "change_pending"
    WAITING_FOR_APPROVAL = "waiting_for_approval"
    WAITING_FOR_DROP_ACK = "waiting_for_drop_ack"
    APPLYING = "applying"
    FAILED = "failed"


@dataclass(frozen=True)
class ApplyView:
    id: int
    plan_id: str
    outcome: str
    started_at: datetime
    finished_at: datetime | None
    seconds: float | None
    error: str | None


@dataclass(frozen=True)
class ChangeRequestView:
    repository: str
    target: str
    forge: str
    number: int
    url: str
    state: str
    plan_id: str | None
    plan_short_id: str | None
    head_sha: str
    drift: bool
    created_at: datetime
    updated_at: datetime
    closed_by: str | None


@dataclass(frozen=True)
class TargetStatus:
    repository: str
    target: str
    forge: str
    state: TargetState
    plan_id: str | None
    plan_short_id: str | None
    destructive: bool
    acknowledged: bool
    change_request: ChangeRequestView | None
    last_apply: ApplyView | None


def target_statuses(session: Session, config: FileConfig) -> list[TargetStatus]:
    """The status of every configured target, in configuration order."""
    return [
        target_status(session, forge=repo.forge, repository=repo.name, target=target.name)
        for repo in config.repositories
        for target in repo.targets
    ]


def target_status(session: Session, *, forge: str, repository: str, target: str) -> TargetStatus:
    """Derive one target's status (see the module docstring for the rules)."""
    cr = _active_change_request(session, repository, target)
    plan = session.get(PlanRecord, cr.plan_id) if cr and cr.plan_id else None
    acknowledged = cr is not None and plan is not None and _acknowledged(session, cr, plan)
    last = _last_apply(session, repository, target)
    return TargetStatus(
        repository=repository,
        target=target,
        forge=forge,
        state=_derive_state(cr, plan, acknowledged, last),
        plan_id=plan.plan_id if plan else None,
        plan_short_id=plan.plan_id[:SHORT_ID_LENGTH] if plan else None,
        destructive=plan.destructive if plan else False,
        acknowledged=acknowledged,
        change_request=change_request_view(cr) if cr else None,
        last_apply=_apply_view(last) if last else None,
    )


def _derive_state(
    cr: ChangeRequestRecord | None,
    plan: PlanRecord | None,
    acknowledged: bool,
    last: ApplyRun | None,
) -> TargetState:
    if (last and last.outcome is ApplyOutcome.RUNNING) or (
        cr and cr.state is ChangeRequestStatus.APPLYING
    ):
        return TargetState.APPLYING
    if cr is None:
        return TargetState.IN_SYNC
    if cr.state is ChangeRequestStatus.FAILED or (plan and plan.rehearsal_error):
        return TargetState.FAILED
    if plan is None or not plan.rehearsed:
        return TargetState.CHANGE_PENDING
    if plan.destructive and not acknowledged:
        return TargetState.WAITING_FOR_DROP_ACK
    return TargetState.WAITING_FOR_APPROVAL


def list_change_requests(
    session: Session,
    *,
    repository: str | None = None,
    state: ChangeRequestStatus | None = None,
    limit: int = 100,
) -> list[ChangeRequestView]:
    """Change requests, newest first, optionally of one repository or in one state."""
    query = select(ChangeRequestRecord)
    if repository is not None:
        query = query.where(ChangeRequestRecord.repository == repository)
    if state is not None:
        query = query.where(ChangeRequestRecord.state == state)
    query = query.order_by(ChangeRequestRecord.created_at.desc(), ChangeRequestRecord.id.desc())
    return [change_request_view(cr) for cr in session.scalars(query.limit(limit))]


def change_request_view(cr: ChangeRequestRecord) -> ChangeRequestView:
    return ChangeRequestView(
        repository=cr.repository,
        target=cr.target,
        forge=cr.forge.value,
        number=cr.number,
        url=cr.url,
        state=cr.state.value,
        plan_id=cr.plan_id,
        plan_short_id=cr.plan_id[:SHORT_ID_LENGTH] if cr.plan_id else None,
        head_sha=cr.head_sha,
        drift=cr.drift,
        created_at=cr.created_at,
        updated_at=cr.updated_at,
        closed_by=cr.closed_by,
    )


def _active_change_request(
    session: Session, repository: str, target: str
) -> ChangeRequestRecord | None:
    query = (
        select(ChangeRequestRecord)
        .where(
            ChangeRequestRecord.repository == repository,
            ChangeRequestRecord.target == target,
            ChangeRequestRecord.state.in_(ACTIVE),
        )
        .order_by(ChangeRequestRecord.created_at.desc(), ChangeRequestRecord.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _acknowledged(session: Session, cr: ChangeRequestRecord, plan: PlanRecord) -> bool:
    query = select(Acknowledgment.id).where(
        Acknowledgment.change_request_id == cr.id, Acknowledgment.plan_id == plan.plan_id
    )
    return session.execute(query.limit(1)).first() is not None


def _last_apply(session: Session, repository: str, target: str) -> ApplyRun | None:
    query = (
        select(ApplyRun)
        .where(ApplyRun.repository == repository, ApplyRun.target == target)
        .order_by(ApplyRun.started_at.desc(), ApplyRun.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _apply_view(run: ApplyRun) -> ApplyView:
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return ApplyView(
        id=run.id,
        plan_id=run.plan_id,
        outcome=run.outcome.value,
        started_at=run.started_at,
        finished_at=run.finished_at,
        seconds=seconds,
        error=run.error,
    )
