"""Celery tasks: thin adapters that pass ids to the flows (logic lives in app.flows).

The flow modules are imported inside the task bodies: beat and the worker's parent process
import this module only to register the task names, and need not load the planning engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from celery import shared_task

from app.redact import redact
from worker import intake
from worker.queue import CHECK_DRIFT, PLAN_TARGET, PROCESS_DELIVERY, SWEEP_DELIVERIES
from worker.retry import PolicyTask
from worker.runtime import services

P = ParamSpec("P")
R = TypeVar("R")


def task(
    name: str, base: type[PolicyTask] = PolicyTask
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``shared_task`` with a type: the task object stays callable like the function."""
    decorator: Callable[[Callable[P, R]], Callable[P, R]] = shared_task(name=name, base=base)
    return decorator


class DeliveryTask(PolicyTask):
    """Records a delivery as failed when its task fails for good."""

    def on_given_up(self, exc: BaseException, args: Any) -> None:
        intake.record_failure(services(), args[0], redact(f"{type(exc).__name__}: {exc}"))


@task(PROCESS_DELIVERY, DeliveryTask)
def process_delivery(delivery_row_id: int) -> str:
    from app.flows.dispatch import handle_delivery

    return intake.run_delivery(services(), delivery_row_id, handle_delivery)


@task(PLAN_TARGET)
def plan_target(repository: str, target: str, trigger: str) -> None:
    from app.flows.publish import plan_and_publish

    plan_and_publish(services(), repository=repository, target=target, trigger=trigger)


@task(CHECK_DRIFT)
def check_drift() -> None:
    from app.flows.drift import check_drift as check

    check(services())


@task(SWEEP_DELIVERIES)
def sweep_deliveries() -> dict[str, int]:
    result = intake.sweep(services())
    return {"enqueued": result.enqueued, "given_up": result.given_up}
