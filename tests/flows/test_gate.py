"""Every condition of the gate, one at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.flows.commands import parse_commands
from app.flows.gate import Acknowledgment, GateFacts, Vote, evaluate_gate
from app.forges.base import Permission

PLAN = "ab12cd34ef56" + "0" * 52
HEAD_AT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def _ack(
    user: str = "dba",
    permission: Permission = Permission.WRITE,
    plan: str = PLAN[:12],
    after: timedelta = timedelta(minutes=1),
) -> Acknowledgment:
    [command] = parse_commands(f"/schemagate confirm-drop {plan}")
    return Acknowledgment(user, permission, command, HEAD_AT + after)


READY = GateFacts(
    is_open=True,
    busy=False,
    plan_id=PLAN,
    rehearsal_failed=False,
    has_destructive=True,
    head_since=HEAD_AT,
    votes=[Vote("alice", Permission.WRITE)],
    approvals_required=1,
    drop_gate=True,
    acknowledgments=[_ack()],
    own_username="schemagate-bot",
)


def test_all_conditions_met_applies() -> None:
    decision = evaluate_gate(READY)
    assert decision.apply and decision.waiting_for == ()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"is_open": False}, "not open"),
        ({"busy": True}, "already being applied"),
        ({"plan_id": None}, "no successfully rehearsed plan"),
        ({"rehearsal_failed": True}, "no successfully rehearsed plan"),
        ({"votes": []}, "1 more approval"),
        ({"votes": [Vote("reader", Permission.READ)]}, "1 more approval"),
        ({"votes": [Vote("schemagate-bot", Permission.ADMIN)]}, "1 more approval"),
        ({"votes": [Vote("a", Permission.WRITE)], "approvals_required": 2}, "1 more approval"),
        (
            {
                "votes": [Vote("a", Permission.WRITE), Vote("a", Permission.WRITE)],
                "approvals_required": 2,
            },
            "1 more approval",
        ),
        ({"acknowledgments": []}, "confirm-drop ab12cd34ef56"),
        ({"acknowledgments": [_ack(plan="ffffffffffff")]}, "confirm-drop"),
        ({"acknowledgments": [_ack(permission=Permission.READ)]}, "confirm-drop"),
        ({"acknowledgments": [_ack(after=timedelta(minutes=-1))]}, "confirm-drop"),
        ({"acknowledgments": [_ack(user="schemagate-bot")]}, "confirm-drop"),
        ({"head_since": None}, "confirm-drop"),
    ],
)
def test_each_unmet_condition_blocks_with_a_reason(change: dict[str, object], reason: str) -> None:
    decision = evaluate_gate(replace(READY, **change))  # type: ignore[arg-type]
    assert not decision.apply
    assert any(reason in blocker for blocker in decision.waiting_for), decision.waiting_for


def test_no_acknowledgment_needed_without_destructive_statements_or_with_the_gate_off() -> None:
    assert evaluate_gate(replace(READY, has_destructive=False, acknowledgments=[])).apply
    assert evaluate_gate(replace(READY, drop_gate=False, acknowledgments=[])).apply


def test_an_acknowledgment_in_the_same_second_as_the_head_counts() -> None:
    assert evaluate_gate(replace(READY, acknowledgments=[_ack(after=timedelta(0))])).apply


def test_the_full_plan_id_also_acknowledges() -> None:
    assert evaluate_gate(replace(READY, acknowledgments=[_ack(plan=PLAN)])).apply
