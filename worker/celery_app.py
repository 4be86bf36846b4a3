"""The Celery app: Redis broker, at-least-once delivery, and the beat schedule.

Delivery guarantees come from three settings together: ``task_acks_late`` (a message is
acknowledged after its task finished, not when it was received), ``task_reject_on_worker_lost``
(a task whose worker process died is put back on the queue), and ``worker_prefetch_multiplier=1``
(a worker reserves one message at a time, so a crash strands at most one). Redis hands an
unacknowledged message to another worker after the visibility timeout, which must exceed
the longest task (an apply); tasks are idempotent, so running one twice is safe.
"""

from __future__ import annotations

from collections.abc import Sequence

from celery import Celery

from app.config import FileConfig, Settings
from worker.queue import CHECK_DRIFT, SWEEP_DELIVERIES

TASK_MODULES = ("worker.tasks",)


def create_celery(
    settings: Settings,
    *,
    broker_url: str,
    file_config: FileConfig,
    include: Sequence[str] = TASK_MODULES,
) -> Celery:
    """Build the app; ``broker_url`` is already resolved (the embedded Redis was started)."""
    app = Celery("schemagate", broker=broker_url, include=list(include))
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_default_queue=settings.queue,
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_timeout_seconds,
        },
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        beat_schedule_filename=str(settings.data_dir / "celerybeat-schedule"),
        beat_schedule={
            "drift-check": {
                "task": CHECK_DRIFT,
                "schedule": file_config.drift_check_interval_seconds,
            },
            "sweep-deliveries": {
                "task": SWEEP_DELIVERIES,
                "schedule": settings.sweep_interval_seconds,
            },
        },
    )
    return app
