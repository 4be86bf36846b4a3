"""Column types and value sets shared by the store's models and its migrations.

Status values are Python ``StrEnum``s stored as plain strings (no database enum, no CHECK
constraint): adding a value then needs no migration, which on SQLite would mean rebuilding
the table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones and hands back naive values,
    which this type marks as UTC again so comparisons never mix naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps UTC-aware times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class ForgeName(StrEnum):
    GITHUB = "github"
    GITLAB = "gitlab"


class DeliveryStatus(StrEnum):
    """received → enqueued → processing → processed | ignored | failed.

    ``ignored`` is also written by the API for signed deliveries it does not act on.
    """

    RECEIVED = "received"
    ENQUEUED = "enqueued"
    PROCESSING = "processing"
    PROCESSED = "processed"
    IGNORED = "ignored"
    FAILED = "failed"


class ChangeRequestStatus(StrEnum):
    OPEN = "open"
    APPLYING = "applying"
    APPLIED = "applied"
    MERGED = "merged"
    CLOSED = "closed"
    FAILED = "failed"


class PlanSource(StrEnum):
    GENERATED = "generated"
    EDITED = "edited"


class ApplyOutcome(StrEnum):
    RUNNING = "running"
    APPLIED = "applied"
    FAILED = "failed"
    REFUSED = "refused"


BOT_ACTOR = "schemagate"
"""The ``actor`` of audit events schemagate itself causes."""
