"""Change requests, plans, acknowledgments and apply runs: what the flows remember.

The forge is the source of truth for what people did (approvals, comments, edits); these
tables are schemagate's memory of what it published and did, so a restarted worker, the
status API and the audit trail all see the same story.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.schema.classify import Classification
from app.schema.execution import StatementRun
from app.schema.plan import Plan
from app.store.models import (
    Acknowledgment,
    ApplyRun,
    ChangeRequestRecord,
    PlanRecord,
    StatementRecord,
)
from app.store.types import ApplyOutcome, ChangeRequestStatus, ForgeName, PlanSource, utcnow

ACTIVE_STATES = (ChangeRequestStatus.OPEN, ChangeRequestStatus.APPLYING, ChangeRequestStatus.FAILED)
"""States of a change request that is still open on the forge."""


def active_change_request(
    session: Session, *, repository: str, target: str
) -> ChangeRequestRecord | None:
    """The target's change request that is still open, newest first."""
    query = (
        select(ChangeRequestRecord)
        .where(
            ChangeRequestRecord.repository == repository,
            ChangeRequestRecord.target == target,
            ChangeRequestRecord.state.in_(ACTIVE_STATES),
        )
        .order_by(ChangeRequestRecord.id.desc())
    )
    return session.scalars(query).first()


def change_request_by_number(
    session: Session, *, repository: str, number: int
) -> ChangeRequestRecord | None:
    query = select(ChangeRequestRecord).where(
        ChangeRequestRecord.repository == repository, ChangeRequestRecord.number == number
    )
    return session.scalars(query).first()


def change_requests_on_branch(
    session: Session, *, repository: str, branch: str
) -> list[ChangeRequestRecord]:
    query = select(ChangeRequestRecord).where(
        ChangeRequestRecord.repository == repository,
        ChangeRequestRecord.branch == branch,
        ChangeRequestRecord.state.in_(ACTIVE_STATES),
    )
    return list(session.scalars(query))


def record_change_request(
    session: Session,
    *,
    repository: str,
    target: str,
    forge: str,
    number: int,
    branch: str,
    url: str,
    plan_id: str,
    head_sha: str,
    drift: bool,
) -> ChangeRequestRecord:
    """Remember a change request schemagate opened (or found open after a crash)."""
    existing = change_request_by_number(session, repository=repository, number=number)
    record = existing or ChangeRequestRecord(repository=repository, number=number)
    record.target, record.forge, record.branch, record.url = target, ForgeName(forge), branch, url
    record.plan_id, record.head_sha, record.drift = plan_id, head_sha, drift
    record.state = ChangeRequestStatus.OPEN
    session.add(record)
    session.flush()
    return record


def save_plan(
    session: Session,
    *,
    plan: Plan,
    pending_sql: str,
    source: PlanSource,
    rehearsal_error: str | None = None,
) -> PlanRecord:
    """Store a plan (idempotent: the plan id is a hash of everything it stands for)."""
    record = session.get(PlanRecord, plan.plan_id)
    if record is None:
        record = PlanRecord(plan_id=plan.plan_id)
        session.add(record)
    record.repository = plan.repository or ""
    record.target = plan.target
    record.base_sha = plan.base_sha or ""
    record.base_fingerprint = plan.base_fingerprint
    record.desired_hash = plan.desired_hash
    record.source = source
    record.pending_sql = pending_sql
    record.statements = [_statement_record(s.sql, s.classification) for s in plan.statements]
    record.rehearsed = rehearsal_error is None
    record.rehearsal_error = rehearsal_error
    session.flush()
    return record


def _statement_record(sql: str, classification: Classification) -> StatementRecord:
    return StatementRecord(
        sql=sql,
        kind=classification.kind,
        destructive=classification.destructive,
        hazards=list(classification.hazards),
        needs_autocommit=classification.needs_autocommit,
        reasons=list(classification.reasons),
    )


def plan_for_pending_sql(
    session: Session, *, repository: str, target: str, pending_sql: str
) -> PlanRecord | None:
    """The stored plan whose pending.sql is exactly ``pending_sql`` (newest first)."""
    query = (
        select(PlanRecord)
        .where(
            PlanRecord.repository == repository,
            PlanRecord.target == target,
            PlanRecord.pending_sql == pending_sql,
        )
        .order_by(PlanRecord.created_at.desc())
    )
    return session.scalars(query).first()


def record_acknowledgment(
    session: Session,
    *,
    change_request: ChangeRequestRecord,
    plan_id: str,
    username: str,
    comment_id: str,
    created_at: datetime,
) -> bool:
    """Remember a counted confirm-drop; returns False if this comment was already recorded."""
    query = select(Acknowledgment).where(
        Acknowledgment.change_request_id == change_request.id,
        Acknowledgment.comment_id == comment_id,
    )
    if session.scalars(query).first() is not None:
        return False
    session.add(
        Acknowledgment(
            change_request_id=change_request.id,
            plan_id=plan_id,
            username=username,
            comment_id=comment_id,
            created_at=created_at,
        )
    )
    session.flush()
    return True


def start_apply_run(
    session: Session, *, change_request: ChangeRequestRecord, plan_id: str
) -> ApplyRun:
    run = ApplyRun(
        change_request_id=change_request.id,
        plan_id=plan_id,
        repository=change_request.repository,
        target=change_request.target,
    )
    session.add(run)
    session.flush()
    return run


def finish_apply_run(
    session: Session,
    run_id: int,
    *,
    outcome: ApplyOutcome,
    runs: Sequence[StatementRun] = (),
    error: str | None = None,
) -> None:
    run = session.get(ApplyRun, run_id)
    if run is None:
        return
    run.outcome = outcome
    run.finished_at = utcnow()
    run.statement_log = [{"index": r.index, "sql": r.sql, "seconds": r.seconds} for r in runs]
    run.error = error


def keep_snapshot(session: Session, run_id: int, snapshot_sql: str) -> None:
    run = session.get(ApplyRun, run_id)
    if run is not None:
        run.snapshot_sql = snapshot_sql


def interrupted_apply_runs(session: Session, *, change_request_id: int) -> list[ApplyRun]:
    """Runs still marked running: their worker died (the target lock proves no one else runs)."""
    query = select(ApplyRun).where(
        ApplyRun.change_request_id == change_request_id,
        ApplyRun.outcome == ApplyOutcome.RUNNING,
    )
    return list(session.scalars(query))
