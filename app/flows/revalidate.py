"""A reviewer edited pending.sql (DESIGN.md flow step 5): re-parse, re-classify, rehearse.

If the edited SQL still reaches the desired schema it becomes the plan (a new plan id);
otherwise the request gets status failure with the error or the residual diff, and there is
no plan to apply until the SQL is fixed.
"""

from __future__ import annotations

from app.errors import SqlSyntaxError
from app.flows import describe
from app.flows.context import TargetContext
from app.flows.planning import PLANNING_FAILURES, plan_edited_sql
from app.flows.publish import ActiveRequest, report_planning_failure
from app.forges.base import ChangeRequest, Sha, StatusState
from app.schema.render import parse_pending_sql
from app.store.changes import plan_for_pending_sql, save_plan
from app.store.models import ChangeRequestRecord
from app.store.types import PlanSource


def revalidate(ctx: TargetContext, active: ActiveRequest, request: ChangeRequest) -> None:
    """Make the plan of ``request`` match the pending.sql at its head; the caller holds the
    target lock. Does nothing when the head is the one schemagate last saw."""
    with ctx.services.store.session() as session:
        record = session.get(ChangeRequestRecord, active.id)
        if record is None or record.head_sha == request.head_sha:
            return
    content = ctx.read_pending(request.head_sha)
    if content is None:
        _no_plan(ctx, active, request, f"{ctx.target.pending_file} was removed from this request")
        return
    with ctx.services.store.session() as session:
        known = plan_for_pending_sql(
            session, repository=ctx.repo, target=ctx.name, pending_sql=content
        )
        known_id = known.plan_id if known is not None and known.rehearsed else None
    if known_id is not None:
        _adopt(ctx, active, request, known_id)
        return
    _rehearse_edit(ctx, active, request, content)


def _rehearse_edit(
    ctx: TargetContext, active: ActiveRequest, request: ChangeRequest, content: str
) -> None:
    repo = ctx.forge.get_repo(ctx.repo)
    sha = ctx.forge.branch_head(ctx.repo, branch=repo.default_branch)
    try:
        pending = parse_pending_sql(content, file=ctx.target.pending_file)
        statements = [s.text for s in pending.statements]
        change = plan_edited_sql(ctx, sha, ctx.desired_files(sha), statements)
    except (SqlSyntaxError, *PLANNING_FAILURES) as error:
        report_planning_failure(ctx, sha=sha, active=active, error=error, edited=True)
        return
    plan = change.outcome.plan
    with ctx.services.store.session() as session:
        save_plan(session, plan=plan, pending_sql=content, source=PlanSource.EDITED)
    ctx.forge.edit_description(
        ctx.repo,
        request.number,
        description=describe.description(
            plan=plan,
            approvals_required=ctx.target.approvals_required,
            drop_gate=ctx.target.drop_gate,
            losses=change.losses,
            pending_file=ctx.target.pending_file,
            drift=active.drift,
        ),
    )
    ctx.forge.post_comment(
        ctx.repo,
        request.number,
        body=(
            f"{describe.MARKER}\nThe edited `{ctx.target.pending_file}` rehearsed successfully and "
            f"is now plan `{plan.short_id}`: {len(plan.statements)} statement(s), "
            f"{len(plan.destructive)} destructive."
        ),
    )
    _adopt(ctx, active, request, plan.plan_id)
    with ctx.services.store.session() as session:
        ctx.audit(
            session,
            "edit_accepted",
            request=request.number,
            actor=request.author.username,
            detail={"plan": plan.short_id, "head": request.head_sha},
        )


def _adopt(ctx: TargetContext, active: ActiveRequest, request: ChangeRequest, plan_id: str) -> None:
    _store_head(ctx, active, request.head_sha, plan_id)
    ctx.set_status(
        request.head_sha,
        StatusState.PENDING,
        f"plan {plan_id[:12]} rehearsed: waiting for approval",
        request.web_url,
    )


def _no_plan(ctx: TargetContext, active: ActiveRequest, request: ChangeRequest, why: str) -> None:
    _store_head(ctx, active, request.head_sha, None)
    ctx.set_status(request.head_sha, StatusState.FAILURE, why, request.web_url)


def _store_head(ctx: TargetContext, active: ActiveRequest, head: Sha, plan_id: str | None) -> None:
    with ctx.services.store.session() as session:
        record = session.get(ChangeRequestRecord, active.id)
        if record is not None:
            record.head_sha, record.plan_id = head, plan_id
