"""Prometheus metrics computed from the state store.

The API may run as several processes (uvicorn workers, replicas), so counters kept in one
process's memory would each tell a part. Every number here is read from the shared store
at scrape time instead, and is the same whichever process answers. Row counts per status
are gauges (a delivery moves from ``received`` to ``processed``); apply durations are a
summary over finished apply runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.models import ApplyRun, ChangeRequestRecord, Delivery, PlanRecord
from app.store.types import ApplyOutcome

QUANTILES = (0.5, 0.9, 0.99)


def render_metrics(session: Session) -> str:
    """The exposition text (format 0.0.4) of every schemagate metric."""
    lines: list[str] = []
    deliveries = select(Delivery.forge, Delivery.event, Delivery.status, func.count()).group_by(
        Delivery.forge, Delivery.event, Delivery.status
    )
    _gauge(
        lines,
        "schemagate_webhook_deliveries",
        "Stored webhook deliveries by outcome.",
        ("forge", "event", "outcome"),
        session.execute(deliveries),
    )
    plans = select(PlanRecord.source, PlanRecord.rehearsed, func.count()).group_by(
        PlanRecord.source, PlanRecord.rehearsed
    )
    _gauge(
        lines,
        "schemagate_plans",
        "Plans made, by source and rehearsal result.",
        ("source", "rehearsed"),
        session.execute(plans),
    )
    crs = select(ChangeRequestRecord.state, func.count()).group_by(ChangeRequestRecord.state)
    _gauge(
        lines,
        "schemagate_change_requests",
        "Change requests by state.",
        ("state",),
        session.execute(crs),
    )
    applies = select(ApplyRun.outcome, func.count()).group_by(ApplyRun.outcome)
    _gauge(
        lines,
        "schemagate_applies",
        "Apply runs by outcome.",
        ("outcome",),
        session.execute(applies),
    )
    _apply_durations(lines, session)
    return "\n".join(lines) + "\n"


def _gauge(
    lines: list[str],
    name: str,
    help_text: str,
    labels: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> None:
    lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    for *values, count in rows:
        pairs = ",".join(f'{k}="{_escape(_text(v))}"' for k, v in zip(labels, values, strict=True))
        lines.append(f"{name}{{{pairs}}} {count}")


def _apply_durations(lines: list[str], session: Session) -> None:
    name = "schemagate_apply_duration_seconds"
    finished = select(ApplyRun.started_at, ApplyRun.finished_at).where(
        ApplyRun.finished_at.is_not(None), ApplyRun.outcome != ApplyOutcome.RUNNING
    )
    seconds = sorted(
        (end - start).total_seconds() for start, end in session.execute(finished) if end
    )
    lines += [f"# HELP {name} Duration of finished apply runs.", f"# TYPE {name} summary"]
    for q in QUANTILES if seconds else ():
        value = seconds[min(len(seconds) - 1, int(q * len(seconds)))]
        lines.append(f'{name}{{quantile="{q}"}} {value:.6f}')
    lines += [f"{name}_sum {sum(seconds):.6f}", f"{name}_count {len(seconds)}"]


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "value", value))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
