"""Upgrading the state store's own schema between versions of schemagate.

Mechanism: :data:`STEPS` is an append-only, ordered list of numbered steps written in code
(no Alembic: a handful of steps does not need a second tool). The table
``schemagate_store_version`` holds one row with the number of the last step applied (0 for
an empty database). :func:`upgrade` runs at start-up of every process (API, worker, beat):

1. open one transaction and take the upgrade lock: on PostgreSQL a transaction-scoped
   advisory lock (``pg_advisory_xact_lock``), on SQLite the database's single write lock
   (every store transaction starts with ``BEGIN IMMEDIATE``, see :mod:`app.store.engine`);
   so when several processes start together, one upgrades and the others wait, then find
   nothing left to do;
2. create the version table if it is missing and read the version;
3. run every step numbered above it, in order, and record the new number;
4. commit. DDL is transactional on both backends: a failing step leaves the previous version.

A database whose version is above the newest step was upgraded by a newer schemagate; this
code refuses to run on it rather than guess. Rules for adding a step: never edit a step
that was released, give the new one the next number, and keep :mod:`app.store.models` equal
to the result of all steps (``tests/store/test_migrations.py`` checks it on both backends).
Steps describe tables with their own frozen Core definitions, never with the models, so
an old step keeps meaning what it meant when it was written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from app.errors import ConfigError
from app.store.types import UtcDateTime

log = logging.getLogger(__name__)

VERSION_TABLE = "schemagate_store_version"
UPGRADE_LOCK_KEY = 0x5C4E_3A6A_7E00_0001
"""Advisory lock key for upgrades (any constant no other tool is likely to use)."""


@dataclass(frozen=True)
class Step:
    version: int
    summary: str
    run: Callable[[Connection], None]


def _v1_initial(conn: Connection) -> None:
    """The first schema: deliveries, change requests, plans, acknowledgments, apply runs,
    audit events."""
    from app.store.models import NAMING_CONVENTION

    md = MetaData(naming_convention=NAMING_CONVENTION)
    row_id = BigInteger().with_variant(Integer(), "sqlite")
    Table(
        "deliveries", md,
        Column("id", row_id, primary_key=True),
        Column("forge", String(16), nullable=False),
        Column("delivery_id", String(200), nullable=False),
        Column("event", String(100), nullable=False),
        Column("repository", String(300)),
        Column("payload", Text, nullable=False),
        Column("received_at", UtcDateTime(), nullable=False),
        Column("status", String(16), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("enqueued_at", UtcDateTime()),
        Column("processed_at", UtcDateTime()),
        Column("error", Text),
        UniqueConstraint("forge", "delivery_id"),
        Index(None, "status", "received_at"),
    )  # fmt: skip
    Table(
        "change_requests", md,
        Column("id", row_id, primary_key=True),
        Column("repository", String(300), nullable=False),
        Column("target", String(100), nullable=False),
        Column("forge", String(16), nullable=False),
        Column("number", Integer, nullable=False),
        Column("branch", String(255), nullable=False),
        Column("url", String(1000), nullable=False),
        Column("state", String(16), nullable=False),
        Column("plan_id", String(64), index=True),
        Column("head_sha", String(64), nullable=False),
        Column("drift", Boolean, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("updated_at", UtcDateTime(), nullable=False),
        Column("closed_by", String(255)),
        UniqueConstraint("repository", "number"),
        Index(None, "repository", "target", "state"),
    )  # fmt: skip
    Table(
        "plans", md,
        Column("plan_id", String(64), primary_key=True),
        Column("repository", String(300), nullable=False),
        Column("target", String(100), nullable=False),
        Column("base_sha", String(64), nullable=False),
        Column("base_fingerprint", String(128), nullable=False),
        Column("desired_hash", String(128), nullable=False),
        Column("source", String(16), nullable=False),
        Column("pending_sql", Text, nullable=False),
        Column("statements", JSON, nullable=False),
        Column("rehearsed", Boolean, nullable=False),
        Column("rehearsal_error", Text),
        Column("created_at", UtcDateTime(), nullable=False),
        Index(None, "repository", "target", "created_at"),
    )  # fmt: skip
    Table(
        "acknowledgments", md,
        Column("id", row_id, primary_key=True),
        Column("change_request_id", row_id,
               ForeignKey("change_requests.id", ondelete="CASCADE"), nullable=False),
        Column("plan_id", String(64), nullable=False),
        Column("username", String(255), nullable=False),
        Column("comment_id", String(64), nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("recorded_at", UtcDateTime(), nullable=False),
        UniqueConstraint("change_request_id", "comment_id"),
    )  # fmt: skip
    Table(
        "apply_runs", md,
        Column("id", row_id, primary_key=True),
        Column("change_request_id", row_id,
               ForeignKey("change_requests.id", ondelete="SET NULL"), index=True),
        Column("plan_id", String(64), nullable=False),
        Column("repository", String(300), nullable=False),
        Column("target", String(100), nullable=False),
        Column("started_at", UtcDateTime(), nullable=False),
        Column("finished_at", UtcDateTime()),
        Column("outcome", String(16), nullable=False),
        Column("statement_log", JSON, nullable=False),
        Column("error", Text),
        Column("snapshot_sql", Text),
        Index(None, "repository", "target", "started_at"),
    )  # fmt: skip
    Table(
        "audit_events", md,
        Column("id", row_id, primary_key=True),
        Column("at", UtcDateTime(), nullable=False),
        Column("repository", String(300), nullable=False),
        Column("target", String(100)),
        Column("change_request_number", Integer),
        Column("actor", String(255), nullable=False),
        Column("action", String(64), nullable=False),
        Column("detail", JSON, nullable=False),
        Index(None, "repository", "target", "at"),
    )  # fmt: skip
    md.create_all(conn)


STEPS: tuple[Step, ...] = (Step(1, "initial schema", _v1_initial),)


def current_version(steps: Sequence[Step] = STEPS) -> int:
    """The version a database has after every step of this code ran."""
    return steps[-1].version if steps else 0


def upgrade(engine: Engine, steps: Sequence[Step] = STEPS) -> int:
    """Bring the store's schema to the newest step; returns the version it now has.

    Safe to call from many processes at once and again and again: see the module docstring.
    """
    with engine.begin() as conn:
        _take_upgrade_lock(conn)
        found = _read_version(conn)
        newest = current_version(steps)
        if found > newest:
            raise ConfigError(
                "SCHEMAGATE_STATE_STORE_URL",
                f"the state store has schema version {found}, newer than this schemagate "
                f"knows ({newest}): run a schemagate release at least as new as the one "
                "that upgraded it",
            )
        for step in steps:
            if step.version > found:
                log.info("upgrading the state store to version %d: %s", step.version, step.summary)
                step.run(conn)
                conn.execute(text(f"UPDATE {VERSION_TABLE} SET version = :v"), {"v": step.version})
        return max(found, newest)


def _take_upgrade_lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK_KEY})
    # SQLite: the transaction began with BEGIN IMMEDIATE and already holds the write lock.


def _read_version(conn: Connection) -> int:
    conn.execute(text(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)"))
    version = conn.execute(text(f"SELECT version FROM {VERSION_TABLE}")).scalar_one_or_none()
    if version is None:
        conn.execute(text(f"INSERT INTO {VERSION_TABLE} (version) VALUES (0)"))
        return 0
    return int(version)
