"""Apply an approved plan to production and wrap up the change request (DESIGN.md step 7).

The executor does the database work (advisory lock, fingerprint check, snapshot, timeouts,
segments, verification). Here: record the run, tell people how it went, remove pending.sql,
and merge or close. If production changed since the plan was made, nothing is applied: the
target is planned again and the new plan published, so earlier approvals no longer count.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from app.errors import ApplyError, PlanStale
from app.flows import describe
from app.flows.context import TargetContext, number
from app.flows.publish import ActiveRequest, publish
from app.forges.base import ChangeRequest, Sha, StatusState
from app.schema.apply import ApplyResult, apply_plan
from app.schema.classify import classify_plan
from app.schema.execution import ExecutionSettings
from app.schema.plan import Plan, PlannedStatement
from app.store.changes import finish_apply_run, keep_snapshot, start_apply_run
from app.store.models import ChangeRequestRecord, PlanRecord
from app.store.types import ApplyOutcome, ChangeRequestStatus

log = logging.getLogger(__name__)

APPLY_LOCK_WAIT_SECONDS = 60.0
"""How long to wait for another apply on the same database (e.g. ``schemagate apply``)."""


def apply_change_request(
    ctx: TargetContext,
    active: ActiveRequest,
    request: ChangeRequest,
    *,
    plan_id: str,
    approvers: list[str],
    acknowledgers: list[str],
) -> None:
    """Apply the request's plan; the caller holds the target lock and checked the gate."""
    record = _load_plan(ctx, plan_id)
    run_id = _start(ctx, active, plan_id, approvers=approvers, acknowledgers=acknowledgers)
    ctx.set_status(
        request.head_sha, StatusState.PENDING, f"applying plan {plan_id[:12]}", request.web_url
    )
    try:
        result = _execute(ctx, record, run_id)
    except PlanStale as stale:
        _refused_as_stale(ctx, active, run_id, stale)
        return
    except ApplyError as failure:
        _failed(ctx, active, request, run_id, record, failure)
        return
    with ctx.services.store.session() as session:
        finish_apply_run(session, run_id, outcome=ApplyOutcome.APPLIED, runs=result.runs)
        _set_state(session, active, ChangeRequestStatus.APPLIED)
        ctx.audit(
            session,
            "applied",
            request=active.number,
            detail={
                "plan": plan_id[:12],
                "statements": len(result.runs),
                "seconds": round(result.seconds, 3),
            },
        )
    ctx.forge.post_comment(
        ctx.repo,
        request.number,
        body=describe.applied_comment(
            plan=_plan_of(record, ctx), runs=result.runs, seconds=result.seconds
        ),
    )
    finish_applied(ctx, active, request)


def finish_applied(ctx: TargetContext, active: ActiveRequest, request: ChangeRequest) -> None:
    """After a successful apply: remove pending.sql, report success, merge or close.
    Idempotent, so a worker that died half-way through can run it again."""
    head = request.head_sha
    if ctx.read_pending(request.source_branch) is not None:
        head = ctx.forge.delete_file(
            ctx.repo,
            branch=request.source_branch,
            path=ctx.target.pending_file,
            message=f"schemagate: applied to {ctx.name}, remove {ctx.target.pending_file}",
        )
    ctx.set_status(head, StatusState.SUCCESS, f"applied to {ctx.name}", request.web_url)
    if ctx.target.after_apply == "merge":
        ctx.forge.merge_change_request(
            ctx.repo,
            request.number,
            expected_head=head,
            message=f"schemagate: schema changes applied to {ctx.name}",
        )
        final = ChangeRequestStatus.MERGED
    else:
        ctx.forge.close_change_request(ctx.repo, request.number)
        final = ChangeRequestStatus.CLOSED
    with ctx.services.store.session() as session:
        _set_state(session, active, final, head=head)
        ctx.audit(session, final.value, request=active.number, detail={})


def _execute(ctx: TargetContext, record: PlanRecord, run_id: int) -> ApplyResult:
    target = ctx.target
    plan = _plan_of(record, ctx)
    with ctx.services.engine_session(target) as engine:
        files = ctx.desired_files(Sha(record.base_sha))
        desired = engine.planner.materializer.desired(files)

        def snapshot(sql: str) -> None:
            with ctx.services.store.session() as session:
                keep_snapshot(session, run_id, sql)

        return apply_plan(
            target_url=target.database_url.get_secret_value(),
            plan=plan,
            desired=desired,
            differ=engine.differ,
            settings=ExecutionSettings(
                lock_timeout_seconds=target.lock_timeout_seconds,
                statement_timeout_seconds=target.statement_timeout_seconds,
                lock_retries=target.lock_retries,
            ),
            lock_wait_seconds=APPLY_LOCK_WAIT_SECONDS,
            on_snapshot=snapshot,
        )


def _plan_of(record: PlanRecord, ctx: TargetContext) -> Plan:
    """The stored plan as the executor's Plan; its id must come out the same."""
    sql = [s["sql"] for s in record.statements]
    plan = Plan(
        target=ctx.name,
        base_fingerprint=record.base_fingerprint,
        desired_hash=record.desired_hash,
        statements=tuple(
            PlannedStatement(s, c) for s, c in zip(sql, classify_plan(sql), strict=True)
        ),
        repository=ctx.repo,
        base_sha=record.base_sha,
    )
    if plan.plan_id != record.plan_id:
        raise ApplyError(f"stored plan {record.plan_id[:12]} does not hash to its id; not applying")
    return plan


def _start(
    ctx: TargetContext,
    active: ActiveRequest,
    plan_id: str,
    *,
    approvers: list[str],
    acknowledgers: list[str],
) -> int:
    with ctx.services.store.session() as session:
        record = session.get(ChangeRequestRecord, active.id)
        assert record is not None
        record.state = ChangeRequestStatus.APPLYING
        run = start_apply_run(session, change_request=record, plan_id=plan_id)
        ctx.audit(
            session,
            "apply_started",
            request=active.number,
            detail={"plan": plan_id[:12], "approvers": approvers, "acknowledged_by": acknowledgers},
        )
        return run.id


def _refused_as_stale(
    ctx: TargetContext, active: ActiveRequest, run_id: int, stale: PlanStale
) -> None:
    with ctx.services.store.session() as session:
        finish_apply_run(session, run_id, outcome=ApplyOutcome.REFUSED, error=str(stale))
        _set_state(session, active, ChangeRequestStatus.OPEN)
        ctx.audit(
            session,
            "refused",
            request=active.number,
            detail={"reason": "the target changed since the plan was made"},
        )
    ctx.forge.post_comment(
        ctx.repo,
        number(active.number),
        body=(
            f"{describe.MARKER}\nNot applied: production changed since this plan was made "
            f"({stale}). Planning again; the new plan needs new approvals."
        ),
    )
    publish(ctx, trigger="stale", reason="production changed since the plan was made")


def _failed(
    ctx: TargetContext,
    active: ActiveRequest,
    request: ChangeRequest,
    run_id: int,
    record: PlanRecord,
    failure: ApplyError,
) -> None:
    text = str(failure)
    with ctx.services.store.session() as session:
        finish_apply_run(session, run_id, outcome=ApplyOutcome.FAILED, error=text)
        _set_state(session, active, ChangeRequestStatus.FAILED)
        ctx.audit(
            session,
            "apply_failed",
            request=active.number,
            detail={"plan": record.plan_id[:12], "error": text},
        )
    ctx.forge.post_comment(
        ctx.repo,
        request.number,
        body=describe.failed_comment(plan=_plan_of(record, ctx), error=text),
    )
    ctx.set_status(request.head_sha, StatusState.FAILURE, f"apply failed: {text}", request.web_url)
    log.warning("applying %s to %s/%s failed: %s", record.plan_id[:12], ctx.repo, ctx.name, text)


def _load_plan(ctx: TargetContext, plan_id: str) -> PlanRecord:
    with ctx.services.store.session() as session:
        record = session.get(PlanRecord, plan_id)
        if record is None:
            raise ApplyError(f"plan {plan_id[:12]} is not in the state store")
        session.expunge(record)
        return record


def _set_state(
    session: object, active: ActiveRequest, state: ChangeRequestStatus, *, head: str | None = None
) -> None:

    assert isinstance(session, Session)
    record = session.get(ChangeRequestRecord, active.id)
    if record is not None:
        record.state = state
        if head is not None:
            record.head_sha = head
