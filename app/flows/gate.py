"""The gate (DESIGN.md "The flow" step 6): may this change request be applied now?

A pure function over facts the caller gathered (from the forge and the state store), so
every rule is testable on its own and the reasons for "not yet" can be shown to people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.flows.commands import Command, CommandKind
from app.forges.base import Permission


@dataclass(frozen=True)
class Vote:
    """An approval that counts for the current head, with the approver's permission."""

    username: str
    permission: Permission


@dataclass(frozen=True)
class Acknowledgment:
    """A ``/schemagate confirm-drop`` comment with its author's permission."""

    username: str
    permission: Permission
    command: Command
    created_at: datetime


@dataclass(frozen=True)
class GateFacts:
    """Everything the gate looks at for one change request."""

    is_open: bool
    busy: bool  # applying or applied already
    plan_id: str | None  # the rehearsed plan that is pending.sql at the current head
    rehearsal_failed: bool
    has_destructive: bool
    head_since: datetime | None  # when the current head became the head
    votes: Sequence[Vote]
    approvals_required: int
    drop_gate: bool
    acknowledgments: Sequence[Acknowledgment]
    own_username: str


@dataclass(frozen=True)
class GateDecision:
    apply: bool
    waiting_for: tuple[str, ...]  # what is missing, in words, when not applying


def evaluate_gate(facts: GateFacts) -> GateDecision:
    """All conditions of DESIGN.md step 6; the decision lists every unmet one."""
    blockers: list[str] = []
    if not facts.is_open:
        blockers.append("the change request is not open")
    if facts.busy:
        blockers.append("the plan is already being applied or was applied")
    if facts.plan_id is None or facts.rehearsal_failed:
        blockers.append("pending.sql at the current head has no successfully rehearsed plan")
    counted = counted_approvers(facts)
    if len(counted) < facts.approvals_required:
        missing = facts.approvals_required - len(counted)
        blockers.append(f"{missing} more approval(s) from users with write permission")
    if (
        facts.has_destructive
        and facts.drop_gate
        and facts.plan_id
        and not valid_acknowledgers(facts)
    ):
        blockers.append(
            "an acknowledgment of the destructive statements: "
            f"`/schemagate confirm-drop {facts.plan_id[:12]}` by a user with write permission"
        )
    return GateDecision(apply=not blockers, waiting_for=tuple(blockers))


def counted_approvers(facts: GateFacts) -> list[str]:
    """Approvers that count: write permission or higher, never our own account."""
    return sorted(
        {
            vote.username
            for vote in facts.votes
            if vote.permission.can_write and vote.username != facts.own_username
        }
    )


def valid_acknowledgers(facts: GateFacts) -> list[str]:
    """Users whose confirm-drop names the current plan, made after the head commit, with
    write permission (DESIGN.md step 6, last condition).

    Forges stamp comments and commits to the second, so a comment in the same second as the
    head commit counts: it cannot have been meant for an older plan, since it names the
    current plan's id, which changes whenever pending.sql does."""
    if facts.plan_id is None or facts.head_since is None:
        return []
    head_since, plan_id = facts.head_since, facts.plan_id
    return sorted(
        {
            ack.username
            for ack in facts.acknowledgments
            if ack.command.kind is CommandKind.CONFIRM_DROP
            and ack.command.names_plan(plan_id)
            and ack.permission.can_write
            and ack.username != facts.own_username
            and ack.created_at >= head_since
        }
    )
