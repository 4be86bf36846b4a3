"""Run the planning engine for a target and describe the result for a change request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.errors import RehearsalFailed, SchemaLoadError, ServerVersionMismatch, SqlSyntaxError
from app.flows.context import TargetContext
from app.forges.base import Sha
from app.pg import connect
from app.schema.losses import Loss, estimate_losses
from app.schema.planner import PlanOutcome
from app.schema.sources import SchemaFile

PLANNING_FAILURES = (SchemaLoadError, SqlSyntaxError, RehearsalFailed, ServerVersionMismatch)
"""Errors people fix in git or in the request: reported on the forge, never retried."""


@dataclass(frozen=True)
class PlannedChange:
    outcome: PlanOutcome
    losses: tuple[Loss, ...]


def plan_target(ctx: TargetContext, sha: Sha, files: Sequence[SchemaFile]) -> PlannedChange:
    """The rehearsed plan from the target to the desired schema at ``sha``."""
    with ctx.services.engine_session(ctx.target) as engine:
        outcome = engine.planner.plan(ctx.plan_inputs(sha, list(files)))
    return PlannedChange(outcome, _losses(ctx, outcome))


def plan_edited_sql(
    ctx: TargetContext, sha: Sha, files: Sequence[SchemaFile], statements: Sequence[str]
) -> PlannedChange:
    """An edited pending.sql as a plan, if it rehearses to the desired schema at ``sha``."""
    with ctx.services.engine_session(ctx.target) as engine:
        outcome = engine.planner.plan_from_sql(ctx.plan_inputs(sha, list(files)), statements)
    return PlannedChange(outcome, _losses(ctx, outcome))


def _losses(ctx: TargetContext, outcome: PlanOutcome) -> tuple[Loss, ...]:
    if not outcome.plan.destructive:
        return ()
    with connect(ctx.target.database_url.get_secret_value()) as conn:
        return tuple(estimate_losses(conn, outcome.plan.statements))
