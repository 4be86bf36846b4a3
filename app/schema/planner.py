"""Make a plan: inspect the target, load the desired schema, diff, classify, rehearse."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from app.schema.classify import ClassificationContext, classify_plan
from app.schema.differ import SchemaDiffer
from app.schema.inspection import InspectedSchema
from app.schema.plan import Plan, PlannedStatement
from app.schema.rehearse import rehearse
from app.schema.schemas import SchemaMaterializer
from app.schema.sources import SchemaFile, desired_hash

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanInputs:
    """What a plan is made from."""

    target: str
    target_url: str
    files: Sequence[SchemaFile]
    repository: str | None = None
    base_sha: str | None = None


@dataclass(frozen=True)
class PlanOutcome:
    """A rehearsed plan and the two inspected schemas it connects."""

    plan: Plan
    current: InspectedSchema
    desired: InspectedSchema


class Planner:
    """Plans and rehearses changes for targets, reusing cached schemas where it can."""

    def __init__(self, *, materializer: SchemaMaterializer, differ: SchemaDiffer) -> None:
        self.materializer = materializer
        self.differ = differ

    def plan(self, inputs: PlanInputs) -> PlanOutcome:
        """The rehearsed plan from the target's current schema to the desired one."""
        current, desired = self._schemas(inputs)
        return self._rehearsed(inputs, current, desired, self.differ.diff(current, desired))

    def plan_from_sql(self, inputs: PlanInputs, statements: Sequence[str]) -> PlanOutcome:
        """Accept hand-written SQL (an edited pending.sql) as the plan if it rehearses to the
        desired schema; raise :class:`RehearsalFailed` otherwise."""
        current, desired = self._schemas(inputs)
        return self._rehearsed(inputs, current, desired, list(statements))

    def _schemas(self, inputs: PlanInputs) -> tuple[InspectedSchema, InspectedSchema]:
        """The target's inspected schema and the desired one.

        Loading the desired schema and preparing the rehearsal copy of the target are
        independent and both wait on the shadow server, so on a cache miss they run side by
        side (roughly halving a cold plan on a multi-core server).
        """
        current = self.materializer.inspect_target(inputs.target_url)
        self.materializer.shadow.require_major_version(current.server_major)
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="schemagate-plan") as pool:
            desired = pool.submit(self.materializer.desired, inputs.files)
            copy = pool.submit(self.materializer.prepare_target_copy, current)
            loaded = desired.result()  # its errors (the user's SQL) matter most
            copy.result()
            return current, loaded

    def _rehearsed(
        self,
        inputs: PlanInputs,
        current: InspectedSchema,
        desired: InspectedSchema,
        statements: Sequence[str],
    ) -> PlanOutcome:
        context = ClassificationContext(column_types=current.column_types())
        classified = classify_plan(statements, context=context)
        plan = Plan(
            target=inputs.target,
            base_fingerprint=current.fingerprint,
            desired_hash=desired_hash(inputs.files),
            statements=tuple(
                PlannedStatement(sql=s, classification=c)
                for s, c in zip(statements, classified, strict=True)
            ),
            repository=inputs.repository,
            base_sha=inputs.base_sha,
        )
        if not plan.is_empty:
            rehearse(
                materializer=self.materializer,
                differ=self.differ,
                target=current,
                desired=desired,
                statements=plan.statements,
            )
            log.info("plan %s rehearsed: %d statement(s)", plan.short_id, len(plan.statements))
        return PlanOutcome(plan=plan, current=current, desired=desired)
