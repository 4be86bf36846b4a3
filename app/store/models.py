"""The state store's tables as typed SQLAlchemy models.

Rows hold ids, names and values only; the flows turn them into decisions. The schema these
models describe is created and upgraded by :mod:`app.store.migrations` (never by
``create_all``), and a test checks that both agree.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.store.types import (
    ApplyOutcome,
    ChangeRequestStatus,
    DeliveryStatus,
    ForgeName,
    PlanSource,
    UtcDateTime,
    utcnow,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Predictable constraint names, so migration steps can name what they alter."""

RowId = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit ids on PostgreSQL; SQLite only auto-increments an ``INTEGER PRIMARY KEY``."""


def status_column(values: type[enum.StrEnum]) -> Enum:
    """A StrEnum stored as its plain string value (see :mod:`app.store.types`)."""
    return Enum(
        values,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class StatementRecord(TypedDict):
    """One statement of a plan with its classification (``plans.statements``)."""

    sql: str
    kind: str
    destructive: bool
    hazards: list[str]
    needs_autocommit: bool
    reasons: list[str]


class StatementLogEntry(TypedDict):
    """One executed statement of an apply (``apply_runs.statement_log``)."""

    index: int
    sql: str
    seconds: float


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime()}


class Delivery(Base):
    """A webhook delivery as received: the outbox the worker and the sweeper work from."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("forge", "delivery_id"),
        Index(None, "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    forge: Mapped[ForgeName] = mapped_column(status_column(ForgeName))
    delivery_id: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(100))
    repository: Mapped[str | None] = mapped_column(String(300))
    payload: Mapped[str] = mapped_column(Text, doc="the raw JSON body, as signed")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[DeliveryStatus] = mapped_column(
        status_column(DeliveryStatus), default=DeliveryStatus.RECEIVED
    )
    attempts: Mapped[int] = mapped_column(default=0, doc="times handed to the broker")
    enqueued_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class ChangeRequestRecord(Base):
    """A change request schemagate opened for a target, and where it stands."""

    __tablename__ = "change_requests"
    __table_args__ = (
        UniqueConstraint("repository", "number"),
        Index(None, "repository", "target", "state"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    repository: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(100))
    forge: Mapped[ForgeName] = mapped_column(status_column(ForgeName))
    number: Mapped[int]
    branch: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(String(1000))
    state: Mapped[ChangeRequestStatus] = mapped_column(
        status_column(ChangeRequestStatus), default=ChangeRequestStatus.OPEN
    )
    plan_id: Mapped[str | None] = mapped_column(String(64), index=True)
    head_sha: Mapped[str] = mapped_column(String(64))
    drift: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(255))


class PlanRecord(Base):
    """A plan as published (generated) or as a reviewer edited it; keyed by its plan id."""

    __tablename__ = "plans"
    __table_args__ = (Index(None, "repository", "target", "created_at"),)

    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    repository: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(100))
    base_sha: Mapped[str] = mapped_column(String(64))
    base_fingerprint: Mapped[str] = mapped_column(String(128))
    desired_hash: Mapped[str] = mapped_column(String(128))
    source: Mapped[PlanSource] = mapped_column(status_column(PlanSource))
    pending_sql: Mapped[str] = mapped_column(Text)
    statements: Mapped[list[StatementRecord]] = mapped_column(JSON, default=list)
    rehearsed: Mapped[bool] = mapped_column(Boolean, default=False)
    rehearsal_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def destructive(self) -> bool:
        """Whether any statement destroys something (the DROP gate applies)."""
        return any(s["destructive"] for s in self.statements)


class Acknowledgment(Base):
    """A ``/schemagate confirm-drop <plan-id>`` comment that counted for a change request."""

    __tablename__ = "acknowledgments"
    __table_args__ = (UniqueConstraint("change_request_id", "comment_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    change_request_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("change_requests.id", ondelete="CASCADE")
    )
    plan_id: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(255))
    comment_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(doc="when the comment was made (forge time)")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplyRun(Base):
    """One attempt to apply a plan to a target, with its per-statement log."""

    __tablename__ = "apply_runs"
    __table_args__ = (Index(None, "repository", "target", "started_at"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    change_request_id: Mapped[int | None] = mapped_column(
        RowId, ForeignKey("change_requests.id", ondelete="SET NULL"), index=True
    )
    plan_id: Mapped[str] = mapped_column(String(64))
    repository: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    outcome: Mapped[ApplyOutcome] = mapped_column(
        status_column(ApplyOutcome), default=ApplyOutcome.RUNNING
    )
    statement_log: Mapped[list[StatementLogEntry]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    snapshot_sql: Mapped[str | None] = mapped_column(Text)


class AuditEvent(Base):
    """Who did what, when: approvals seen, acknowledgments, applies, refusals and why."""

    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "repository", "target", "at"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    repository: Mapped[str] = mapped_column(String(300))
    target: Mapped[str | None] = mapped_column(String(100))
    change_request_number: Mapped[int | None]
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
