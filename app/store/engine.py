"""The state store: an engine, a session factory, and the start-up upgrade.

PostgreSQL in production (``postgresql://`` or ``postgresql+psycopg://``); SQLite as the
embedded default (``<data_dir>/state.db``). SQLite runs in WAL mode so readers never wait
for the writer, and every transaction starts with ``BEGIN IMMEDIATE``: it takes the write
lock at the start instead of failing when a reader later tries to write, which is what
lets the API and several worker processes share one file (they queue on ``busy_timeout``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.pg import APPLICATION_NAME, sqlalchemy_url
from app.store import migrations

SQLITE_BUSY_TIMEOUT_MS = 30_000
T = TypeVar("T")


class Store:
    """The state store. ``with store.session() as s:`` commits on success, rolls back on error."""

    def __init__(self, engine: Engine, *, autocommit_engine: Engine | None = None) -> None:
        self.engine = engine
        self._autocommit_engine = autocommit_engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, *, pool_size: int = 10) -> Store:
        """A store on ``url`` (PostgreSQL or ``sqlite:///path``); does not connect yet."""
        url = sqlalchemy_url(url)
        if url.startswith("sqlite"):
            return cls(_sqlite_engine(url))
        return cls(
            _postgres_engine(url, pool_size=pool_size, pool_pre_ping=True),
            autocommit_engine=_postgres_engine(
                url, pool_size=pool_size, pool_pre_ping=False, isolation_level="AUTOCOMMIT"
            ),
        )

    @classmethod
    def embedded(cls, data_dir: Path) -> Store:
        """The embedded SQLite store in ``data_dir/state.db``."""
        data_dir.mkdir(parents=True, exist_ok=True)
        return cls.from_url(f"sqlite:///{(data_dir / 'state.db').resolve()}")

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    def single_statement(self, work: Callable[[Connection], T]) -> T:
        """Run ``work``, which is one statement (or a few independent ones), and return its
        result; the webhook path uses it.

        PostgreSQL: on an autocommit connection, so each statement is its own transaction
        and costs one round trip instead of three (BEGIN, the statement, COMMIT). Pooled
        connections are not pinged before use (another round trip); one that died with
        its server is detected when used, and ``work`` runs again once on a fresh one, so
        it must be safe to repeat. SQLite: one ordinary transaction.
        """
        if self._autocommit_engine is None:
            with self.engine.begin() as conn:
                return work(conn)
        try:
            with self._autocommit_engine.connect() as conn:
                return work(conn)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
        with self._autocommit_engine.connect() as conn:
            return work(conn)

    def upgrade(self) -> int:
        """Create or upgrade the store's schema (see :mod:`app.store.migrations`)."""
        return migrations.upgrade(self.engine)

    def ping(self) -> None:
        """Raise if the store cannot be reached (``/readyz``)."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()
        if self._autocommit_engine is not None:
            self._autocommit_engine.dispose()


def _postgres_engine(url: str, *, pool_size: int, **options: Any) -> Engine:
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"application_name": APPLICATION_NAME, "connect_timeout": 10},
        **options,
    )


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
            "foreign_keys=ON",
            "synchronous=FULL",  # an accepted delivery survives a power cut
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
