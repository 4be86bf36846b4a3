"""The plan: the SQL that turns a target's schema into the desired one, and what it means.

A plan is identified by a hash of its target, the schema it was made against (the base
fingerprint) and its SQL, so the same change against the same schema always has the same
id, and an edited SQL, or a changed target, gets a new one. People see the first 12 hex
characters (e.g. in ``/schemagate confirm-drop <plan-id>``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import NewType

from app.schema.classify import Classification

PlanId = NewType("PlanId", str)
SHORT_ID_LENGTH = 12


@dataclass(frozen=True)
class PlannedStatement:
    """One statement of a plan with its classification."""

    sql: str
    classification: Classification

    @property
    def destructive(self) -> bool:
        return self.classification.destructive


@dataclass(frozen=True)
class Plan:
    """What a target needs to reach the desired schema, and the facts it was made from."""

    target: str
    base_fingerprint: str
    desired_hash: str
    statements: tuple[PlannedStatement, ...]
    repository: str | None = None
    base_sha: str | None = None
    plan_id: PlanId = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plan_id", compute_plan_id(self))

    @property
    def short_id(self) -> str:
        return self.plan_id[:SHORT_ID_LENGTH]

    @property
    def is_empty(self) -> bool:
        return not self.statements

    @property
    def destructive(self) -> tuple[PlannedStatement, ...]:
        return tuple(s for s in self.statements if s.destructive)

    @property
    def with_hazards(self) -> tuple[PlannedStatement, ...]:
        return tuple(s for s in self.statements if s.classification.hazards)

    @property
    def sql_statements(self) -> list[str]:
        return [s.sql for s in self.statements]


def terminated(sql: str) -> str:
    """A statement with exactly one terminating semicolon."""
    text = sql.strip()
    return text if text.endswith(";") else f"{text};"


def compute_plan_id(plan: Plan) -> PlanId:
    digest = hashlib.sha256()
    for part in (plan.target, plan.base_fingerprint, *map(terminated, plan.sql_statements)):
        data = part.encode()
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return PlanId(digest.hexdigest())
