"""The audit log: who did what, when, to which target (approvals seen, acknowledgments,
applies, refusals and why). Append-only; read newest first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import AuditEvent
from app.store.types import utcnow


def record(
    session: Session,
    *,
    repository: str,
    target: str | None,
    actor: str,
    action: str,
    change_request_number: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is a forge username or ``BOT_ACTOR`` ("schemagate");
    ``detail`` must be JSON-serializable and free of secrets."""
    event = AuditEvent(
        at=utcnow(),
        repository=repository,
        target=target,
        change_request_number=change_request_number,
        actor=actor,
        action=action,
        detail=dict(detail or {}),
    )
    session.add(event)
    session.flush()
    return event


def list_events(
    session: Session,
    *,
    repository: str,
    target: str | None = None,
    change_request_number: int | None = None,
    limit: int = 200,
) -> list[AuditEvent]:
    """Events of a repository (optionally one target or one change request), newest first."""
    query = select(AuditEvent).where(AuditEvent.repository == repository)
    if target is not None:
        query = query.where(AuditEvent.target == target)
    if change_request_number is not None:
        query = query.where(AuditEvent.change_request_number == change_request_number)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return list(session.scalars(query))
