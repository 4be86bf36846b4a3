"""The retry table: which errors back off and are tried again, which fail at once.

One table, read top to bottom, the first matching row wins; :class:`PolicyTask` applies it
to every schemagate task, so no task has its own retry logic. Errors that a later attempt
can outlive (a forge or database that is down, a target another worker holds) back off
exponentially; errors that will be the same next time (bad configuration, SQL that does not
parse or load, a plan that failed rehearsal) fail at once, because retrying them only delays
the report. ``PlanStale`` is handled inside the flows (they re-plan); should it escape, it
fails the task. Anything unknown is retried a few times and then fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import redis.exceptions
import sqlalchemy.exc
from celery import Task
from celery.exceptions import Retry, WorkerLostError
from kombu.exceptions import OperationalError as BrokerUnreachable

from app.errors import (
    ConfigError,
    DatabaseUnreachable,
    ForgeError,
    ForgeNotConfigured,
    PlanStale,
    RehearsalFailed,
    SchemaLoadError,
    SqlSyntaxError,
    TargetBusy,
)
from app.redact import redact

log = logging.getLogger(__name__)

BASE_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 300.0


class Action(StrEnum):
    BACK_OFF = "back_off"
    FAIL = "fail"


def _always(_: BaseException) -> bool:
    return True


def _transient_forge_error(exc: BaseException) -> bool:
    """No HTTP status (the forge was unreachable), rate limited (429), or a server error."""
    status = getattr(exc, "status", None)
    return status is None or status == 429 or status >= 500


@dataclass(frozen=True)
class Rule:
    error: type[BaseException]
    action: Action
    retries: int = 0
    when: Callable[[BaseException], bool] = _always


RETRY_TABLE: tuple[Rule, ...] = (
    Rule(ForgeNotConfigured, Action.FAIL),
    Rule(ForgeError, Action.BACK_OFF, retries=8, when=_transient_forge_error),
    Rule(ForgeError, Action.FAIL),  # 4xx: the request itself is wrong
    Rule(DatabaseUnreachable, Action.BACK_OFF, retries=8),
    Rule(TargetBusy, Action.BACK_OFF, retries=20),
    Rule(sqlalchemy.exc.OperationalError, Action.BACK_OFF, retries=8),  # the state store
    Rule(redis.exceptions.ConnectionError, Action.BACK_OFF, retries=8),  # the lock server
    Rule(BrokerUnreachable, Action.BACK_OFF, retries=8),  # enqueueing a follow-up task
    Rule(ConfigError, Action.FAIL),
    Rule(SqlSyntaxError, Action.FAIL),
    Rule(SchemaLoadError, Action.FAIL),
    Rule(RehearsalFailed, Action.FAIL),
    Rule(PlanStale, Action.FAIL),
    Rule(Exception, Action.BACK_OFF, retries=3),  # unknown: a few tries, then fail
)


@dataclass(frozen=True)
class Decision:
    action: Action
    countdown: float = 0.0


def decide(
    exc: BaseException, retries_done: int, *, base_delay: float = BASE_DELAY_SECONDS
) -> Decision:
    """What to do after ``exc`` when the task was already retried ``retries_done`` times."""
    rule = next(r for r in RETRY_TABLE if isinstance(exc, r.error) and r.when(exc))
    if rule.action is Action.BACK_OFF and retries_done < rule.retries:
        delay = min(MAX_DELAY_SECONDS, base_delay * 2**retries_done)
        return Decision(Action.BACK_OFF, delay)
    return Decision(Action.FAIL)


class PolicyTask(Task):  # type: ignore[misc]  # celery ships no type information
    """Base class of every schemagate task: applies :data:`RETRY_TABLE` to its errors."""

    max_retries = None  # Celery's own limit (3) is off: the table bounds every retry
    retry_base_delay = BASE_DELAY_SECONDS

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Retry:
            raise
        except Exception as exc:
            retries = self.request.retries
            decision = decide(exc, retries, base_delay=self.retry_base_delay)
            message = redact(str(exc))
            if decision.action is Action.BACK_OFF:
                log.warning(
                    "%s failed (attempt %d), retrying in %gs: %s",
                    self.name,
                    retries + 1,
                    decision.countdown,
                    message,
                )
                raise self.retry(exc=exc, countdown=decision.countdown, max_retries=None) from exc
            log.error("%s failed for good after %d attempt(s): %s", self.name, retries + 1, message)
            raise

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """Celery reports a killed pool process as a failure too, but with
        ``task_reject_on_worker_lost`` the message goes back on the queue and runs again:
        only a real end of the road reaches :meth:`on_given_up`."""
        if not isinstance(exc, WorkerLostError):
            self.on_given_up(exc, args)

    def on_given_up(self, exc: BaseException, args: Any) -> None:
        """The task failed for good; subclasses record it where it matters."""
