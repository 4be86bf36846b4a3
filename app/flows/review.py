"""Evaluate the gate of a change request and apply when it opens (DESIGN.md step 6).

Runs on every approval, acknowledgment comment, ``/schemagate apply`` and new head. The
facts come from the forge (approvals on the current head, comments, permissions) and the
store (the rehearsed plan that is pending.sql at the head); the decision is the pure
:func:`app.flows.gate.evaluate_gate`.
"""

from __future__ import annotations

import logging

from app.flows import applying
from app.flows.commands import CommandKind, parse_commands
from app.flows.context import TargetContext, number, target_context
from app.flows.gate import Acknowledgment, GateFacts, Vote, evaluate_gate, valid_acknowledgers
from app.flows.publish import ActiveRequest
from app.flows.revalidate import revalidate
from app.forges.base import ChangeRequest, ChangeRequestState, Permission, StatusState
from app.store.changes import (
    ACTIVE_STATES,
    change_request_by_number,
    interrupted_apply_runs,
    record_acknowledgment,
)
from app.store.models import ChangeRequestRecord, PlanRecord
from app.store.types import ApplyOutcome, ChangeRequestStatus
from app.wiring import Services

log = logging.getLogger(__name__)


def evaluate_change_request(
    services: Services, *, repository: str, request_number: int, actor: str = ""
) -> None:
    """Entry point for approvals, comments and updates of one change request; ``actor`` is
    who triggered it (the forge's webhook sender), for the audit log."""
    ctx = _context_for(services, repository, request_number)
    if ctx is None:
        return
    with ctx.locked():
        active = _reload(ctx, request_number)
        if active is not None:
            evaluate(ctx, active, actor=actor)


def evaluate(ctx: TargetContext, active: ActiveRequest, *, actor: str = "") -> None:
    """Re-check everything and apply if the gate is open; the caller holds the target lock."""
    request = ctx.forge.get_change_request(ctx.repo, number(active.number))
    if not request.is_open:
        record_closed(ctx, active, request, actor=actor)
        return
    revalidate(ctx, active, request)
    active = _reload(ctx, active.number) or active
    state = _state(ctx, active)
    if state is ChangeRequestStatus.APPLIED:
        applying.finish_applied(ctx, active, request)  # a previous attempt died after applying
        return
    plan = _plan(ctx, active)
    facts = _facts(ctx, request, plan)
    decision = evaluate_gate(facts)
    _remember_acknowledgments(ctx, active, facts)
    if not decision.apply:
        waiting = "; ".join(decision.waiting_for)
        if plan is not None and plan.rehearsed:
            ctx.set_status(
                request.head_sha, StatusState.PENDING, f"waiting for {waiting}", request.web_url
            )
        return
    assert plan is not None  # the gate requires a rehearsed plan
    _close_interrupted_runs(ctx, active)
    applying.apply_change_request(
        ctx,
        active,
        request,
        plan_id=plan.plan_id,
        approvers=sorted({v.username for v in facts.votes}),
        acknowledgers=valid_acknowledgers(facts),
    )


def _facts(ctx: TargetContext, request: ChangeRequest, plan: PlanRecord | None) -> GateFacts:
    """What the gate needs, read from the forge. ``busy`` is always False here: under the
    target lock, a request still marked applying was left by a worker that died."""
    own = ctx.own_username()
    permissions: dict[str, Permission] = {}

    def permission(username: str) -> Permission:
        if username not in permissions:
            permissions[username] = ctx.forge.get_permission(ctx.repo, username=username)
        return permissions[username]

    approvals = ctx.forge.list_approvals(ctx.repo, request.number, head_sha=request.head_sha)
    votes = [
        Vote(a.user.username, permission(a.user.username))
        for a in approvals
        if a.user.username != own
    ]
    destructive = plan is not None and plan.destructive
    acknowledgments = []
    if destructive:
        for comment in ctx.forge.list_comments(ctx.repo, request.number):
            if comment.author.username == own:
                continue
            acknowledgments += [
                Acknowledgment(
                    comment.author.username,
                    permission(comment.author.username),
                    command,
                    comment.created_at,
                )
                for command in parse_commands(comment.body)
                if command.kind is CommandKind.CONFIRM_DROP
            ]
    head_since = (
        ctx.forge.head_since(ctx.repo, request.number, head_sha=request.head_sha)
        if destructive
        else None
    )
    return GateFacts(
        is_open=True,
        busy=False,
        plan_id=plan.plan_id if plan and plan.rehearsed else None,
        rehearsal_failed=plan is None or not plan.rehearsed,
        has_destructive=destructive,
        head_since=head_since,
        votes=votes,
        approvals_required=ctx.target.approvals_required,
        drop_gate=ctx.target.drop_gate,
        acknowledgments=acknowledgments,
        own_username=own,
    )


def _remember_acknowledgments(ctx: TargetContext, active: ActiveRequest, facts: GateFacts) -> None:
    counted = set(valid_acknowledgers(facts))
    if facts.plan_id is None or not counted:
        return
    with ctx.services.store.session() as session:
        record = session.get(ChangeRequestRecord, active.id)
        if record is None:
            return
        for ack in facts.acknowledgments:
            if ack.username in counted and ack.command.names_plan(facts.plan_id):
                comment_key = f"{ack.username}@{ack.created_at.isoformat()}"
                if record_acknowledgment(
                    session,
                    change_request=record,
                    plan_id=facts.plan_id,
                    username=ack.username,
                    comment_id=comment_key,
                    created_at=ack.created_at,
                ):
                    ctx.audit(
                        session,
                        "acknowledged",
                        request=active.number,
                        actor=ack.username,
                        detail={"plan": facts.plan_id[:12]},
                    )


def record_closed(
    ctx: TargetContext, active: ActiveRequest, request: ChangeRequest, *, actor: str
) -> None:
    """A request closed or merged on the forge: remember it; a closed one is never applied.
    ``actor`` is who closed it, when the webhook said (empty when it did not)."""
    with ctx.services.store.session() as session:
        record = session.get(ChangeRequestRecord, active.id)
        if record is None or record.state not in ACTIVE_STATES:
            return
        merged = request.state is ChangeRequestState.MERGED
        record.state = ChangeRequestStatus.MERGED if merged else ChangeRequestStatus.CLOSED
        record.closed_by = None if merged else (actor or None)
        ctx.audit(
            session,
            "merged_by_person" if merged else "closed_by_person",
            request=active.number,
            actor=actor or "unknown",
            detail={"head": request.head_sha},
        )


def _close_interrupted_runs(ctx: TargetContext, active: ActiveRequest) -> None:
    """Apply runs still marked running belong to a worker that died: we hold the lock now."""
    with ctx.services.store.session() as session:
        for run in interrupted_apply_runs(session, change_request_id=active.id):
            run.outcome = ApplyOutcome.FAILED
            run.error = "interrupted: the worker stopped during the apply"


def _context_for(services: Services, repository: str, request_number: int) -> TargetContext | None:
    with services.store.session() as session:
        record = change_request_by_number(session, repository=repository, number=request_number)
        target = record.target if record is not None else None
    if target is None:
        return None  # not a request schemagate opened
    return target_context(services, repository=repository, target=target)


def _reload(ctx: TargetContext, request_number: int) -> ActiveRequest | None:
    with ctx.services.store.session() as session:
        record = change_request_by_number(session, repository=ctx.repo, number=request_number)
        if record is None or record.state not in (*ACTIVE_STATES, ChangeRequestStatus.APPLIED):
            return None
        return ActiveRequest.of(record)


def _state(ctx: TargetContext, active: ActiveRequest) -> ChangeRequestStatus | None:
    with ctx.services.store.session() as session:
        record = session.get(ChangeRequestRecord, active.id)
        return record.state if record is not None else None


def _plan(ctx: TargetContext, active: ActiveRequest) -> PlanRecord | None:
    if active.plan_id is None:
        return None
    with ctx.services.store.session() as session:
        plan = session.get(PlanRecord, active.plan_id)
        if plan is not None:
            session.expunge(plan)
        return plan
