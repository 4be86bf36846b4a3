"""Plan a target and publish the plan as a change request (DESIGN.md flow steps 1 to 3).

Idempotent: publishing the same situation again (same target schema, same desired schema)
commits nothing and comments nothing, and a reviewer's edited pending.sql survives pushes
that do not change what it must reach.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.errors import SchemagateError
from app.flows import describe
from app.flows.context import BOT_ACTOR, TargetContext, number, target_context
from app.flows.planning import PLANNING_FAILURES, PlannedChange, plan_target
from app.forges.base import ChangeRequest, Sha, StatusState
from app.schema.render import render_pending_sql
from app.store.changes import (
    active_change_request,
    record_change_request,
    save_plan,
)
from app.store.models import ChangeRequestRecord, PlanRecord
from app.store.types import ChangeRequestStatus, PlanSource
from app.wiring import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActiveRequest:
    """The stored facts of a target's open change request, detached from any session."""

    id: int
    number: int
    branch: str
    plan_id: str | None
    drift: bool

    @classmethod
    def of(cls, record: ChangeRequestRecord) -> ActiveRequest:
        return cls(record.id, record.number, record.branch, record.plan_id, record.drift)


def plan_and_publish(services: Services, *, repository: str, target: str, trigger: str) -> None:
    """Entry point of the worker's plan task and of ``/schemagate plan``."""
    ctx = target_context(services, repository=repository, target=target)
    with ctx.locked():
        publish(ctx, trigger=trigger)


def publish(ctx: TargetContext, *, trigger: str, reason: str | None = None) -> None:
    """Plan against the default branch head and publish; the caller holds the target lock."""
    repo = ctx.forge.get_repo(ctx.repo)
    sha = ctx.forge.branch_head(ctx.repo, branch=repo.default_branch)
    active = _active(ctx)
    try:
        change = plan_target(ctx, sha, ctx.desired_files(sha))
    except PLANNING_FAILURES as error:
        report_planning_failure(ctx, sha=sha, active=active, error=error, edited=False)
        return
    plan = change.outcome.plan
    _audit(
        ctx, active, "planned", trigger=trigger, plan=plan.short_id, statements=len(plan.statements)
    )
    if plan.is_empty:
        if active is not None:
            _close_in_sync(ctx, active)
        return
    content = render_pending_sql(plan)
    with ctx.services.store.session() as session:
        save_plan(session, plan=plan, pending_sql=content, source=PlanSource.GENERATED)
    if active is None:
        _open(
            ctx,
            sha=sha,
            change=change,
            content=content,
            drift=trigger == "drift",
            default_branch=repo.default_branch,
        )
    else:
        _update(ctx, active, change=change, content=content, reason=reason or trigger)


def _active(ctx: TargetContext) -> ActiveRequest | None:
    with ctx.services.store.session() as session:
        record = active_change_request(session, repository=ctx.repo, target=ctx.name)
        return ActiveRequest.of(record) if record is not None else None


def _open(
    ctx: TargetContext,
    *,
    sha: Sha,
    change: PlannedChange,
    content: str,
    drift: bool,
    default_branch: str,
) -> None:
    """Open a change request, or adopt the one a crashed attempt opened but did not record."""
    own = ctx.own_username()
    found = ctx.forge.find_open_change_request(
        ctx.repo, branch_prefix=ctx.branch_prefix, author=own
    )
    if found is not None:
        log.info("adopting open change request #%s of %s/%s", found.number, ctx.repo, ctx.name)
        active = _remember(ctx, found, change, drift=drift)
        _update(ctx, active, change=change, content=content, reason="adopted")
        return
    plan = change.outcome.plan
    branch = ctx.new_branch_name()
    ctx.forge.create_branch(ctx.repo, branch=branch, sha=sha)
    head = ctx.forge.create_file(
        ctx.repo,
        branch=branch,
        path=ctx.target.pending_file,
        content=content.encode(),
        message=f"schemagate: plan {plan.short_id} for {ctx.name}",
    )
    opened = ctx.forge.open_change_request(
        ctx.repo,
        source_branch=branch,
        target_branch=default_branch,
        title=describe.change_request_title(target=ctx.name, plan=plan, drift=drift),
        description=_description(ctx, change, drift=drift),
    )
    active = _remember(ctx, opened, change, drift=drift, head=head)
    ctx.set_status(head, StatusState.PENDING, _waiting(plan.short_id), opened.web_url)
    _audit(ctx, active, "published", plan=plan.short_id, change_request=opened.number)


def _remember(
    ctx: TargetContext,
    request: ChangeRequest,
    change: PlannedChange,
    *,
    drift: bool,
    head: Sha | None = None,
) -> ActiveRequest:
    with ctx.services.store.session() as session:
        record = record_change_request(
            session,
            repository=ctx.repo,
            target=ctx.name,
            forge=ctx.repository.forge,
            number=request.number,
            branch=request.source_branch,
            url=request.web_url,
            plan_id=change.outcome.plan.plan_id,
            head_sha=head or request.head_sha,
            drift=drift,
        )
        return ActiveRequest.of(record)


def _update(
    ctx: TargetContext, active: ActiveRequest, *, change: PlannedChange, content: str, reason: str
) -> None:
    """Put a new plan on the open change request, unless it already carries an equivalent one."""
    request = ctx.forge.get_change_request(ctx.repo, number(active.number))
    if not request.is_open:
        _forget(ctx, active, closed_by="unknown (closed on the forge)")
        _open(
            ctx,
            sha=Sha(change.outcome.plan.base_sha or request.head_sha),
            change=change,
            content=content,
            drift=active.drift,
            default_branch=request.target_branch,
        )
        return
    current = ctx.read_pending(request.source_branch)
    if current == content or _still_valid(ctx, active, change):
        return
    plan = change.outcome.plan
    message = f"schemagate: plan {plan.short_id} for {ctx.name}"
    if current is None:
        head = ctx.forge.create_file(
            ctx.repo,
            branch=request.source_branch,
            path=ctx.target.pending_file,
            content=content.encode(),
            message=message,
        )
    else:
        head = ctx.forge.update_file(
            ctx.repo,
            branch=request.source_branch,
            path=ctx.target.pending_file,
            content=content.encode(),
            message=message,
        )
    ctx.forge.edit_description(
        ctx.repo, request.number, description=_description(ctx, change, drift=active.drift)
    )
    old = (active.plan_id or "none")[:12]
    ctx.forge.post_comment(
        ctx.repo,
        request.number,
        body=describe.replan_comment(old_short_id=old, plan=plan, reason=reason),
    )
    with ctx.services.store.session() as session:
        record = session.get(ChangeRequestRecord, active.id)
        if record is not None:
            record.plan_id, record.head_sha = plan.plan_id, head
            record.state = ChangeRequestStatus.OPEN
    ctx.set_status(head, StatusState.PENDING, _waiting(plan.short_id), request.web_url)
    _audit(ctx, active, "replanned", plan=plan.short_id, previous=old, reason=reason)


def _still_valid(ctx: TargetContext, active: ActiveRequest, change: PlannedChange) -> bool:
    """The request's current plan (perhaps a reviewer's edit) was made for exactly this
    target schema and this desired schema, so the new plan would not add anything."""
    if active.plan_id is None:
        return False
    plan = change.outcome.plan
    with ctx.services.store.session() as session:
        record = session.get(PlanRecord, active.plan_id)
        return (
            record is not None
            and record.rehearsed
            and (record.base_fingerprint, record.desired_hash)
            == (plan.base_fingerprint, plan.desired_hash)
        )


def _close_in_sync(ctx: TargetContext, active: ActiveRequest) -> None:
    """The target already matches the desired schema: the open request has nothing to do."""
    request = ctx.forge.get_change_request(ctx.repo, number(active.number))
    if request.is_open:
        ctx.forge.post_comment(
            ctx.repo,
            request.number,
            body=(
                f"{describe.MARKER}\n`{ctx.name}` already matches the desired schema; closing "
                "this request."
            ),
        )
        ctx.forge.close_change_request(ctx.repo, request.number)
    _forget(ctx, active, closed_by=BOT_ACTOR)


def _forget(ctx: TargetContext, active: ActiveRequest, *, closed_by: str) -> None:
    with ctx.services.store.session() as session:
        record = session.get(ChangeRequestRecord, active.id)
        if record is not None:
            record.state, record.closed_by = ChangeRequestStatus.CLOSED, closed_by
    _audit(ctx, active, "closed", closed_by=closed_by)


def report_planning_failure(
    ctx: TargetContext,
    *,
    sha: Sha,
    active: ActiveRequest | None,
    error: SchemagateError,
    edited: bool,
) -> None:
    """A plan that cannot be made or rehearsed is reported, never offered (DESIGN.md step 2)."""
    text = str(error)
    if active is None:
        ctx.set_status(sha, StatusState.FAILURE, f"cannot plan: {text}", None)
    else:
        request = ctx.forge.get_change_request(ctx.repo, number(active.number))
        ctx.forge.post_comment(
            ctx.repo,
            request.number,
            body=describe.rehearsal_failed_comment(target=ctx.name, error=text, edited=edited),
        )
        ctx.set_status(
            request.head_sha, StatusState.FAILURE, f"cannot apply: {text}", request.web_url
        )
        with ctx.services.store.session() as session:
            record = session.get(ChangeRequestRecord, active.id)
            if record is not None:
                record.plan_id, record.head_sha = None, request.head_sha
    log.warning("planning %s/%s failed: %s", ctx.repo, ctx.name, text)
    _audit(ctx, active, "plan_failed", error=text, edited=edited)


def _description(ctx: TargetContext, change: PlannedChange, *, drift: bool) -> str:
    return describe.description(
        plan=change.outcome.plan,
        approvals_required=ctx.target.approvals_required,
        drop_gate=ctx.target.drop_gate,
        losses=change.losses,
        pending_file=ctx.target.pending_file,
        drift=drift,
    )


def _waiting(short_id: str) -> str:
    return f"plan {short_id} rehearsed: waiting for approval"


def _audit(ctx: TargetContext, active: ActiveRequest | None, action: str, **detail: object) -> None:
    with ctx.services.store.session() as session:
        ctx.audit(session, action, request=active.number if active else None, detail=detail)
