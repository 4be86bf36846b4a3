"""Uniquely named throwaway databases for tests, always dropped.

``DROP DATABASE`` waits for a checkpoint, which costs seconds on a busy disk, so drops run
on a background thread while the next test proceeds; the session waits for all of them.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import sql

from app.pg import connect, with_database


class BackgroundDropper:
    """Drops databases on a worker thread; :meth:`finish` waits until all are gone."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.failures: list[str] = []
        self._names: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="db-dropper", daemon=True)
        self._thread.start()

    def drop(self, name: str) -> None:
        self._names.put(name)

    def finish(self) -> None:
        self._names.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (name := self._names.get()) is not None:
            try:
                drop_database(self.server_url, name)
            except Exception as exc:  # reported by finish()'s caller, never lost
                self.failures.append(f"{name}: {exc}")


def drop_database(server_url: str, name: str) -> None:
    with connect(server_url) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


class DatabaseFactory:
    """Creates databases on one server and has every one of them dropped at the end."""

    def __init__(self, server_url: str, dropper: BackgroundDropper) -> None:
        self.server_url = server_url
        self.dropper = dropper
        self.created: list[str] = []

    def create(self, schema_sql: str = "", *, prefix: str = "sgtest") -> str:
        """Create a database, run ``schema_sql`` in it, and return its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with connect(self.server_url) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        url = with_database(self.server_url, name)
        if schema_sql.strip():
            with connect(url) as conn:
                conn.execute(schema_sql.encode())
        return url

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self.dropper.drop(name)
        self.created.clear()


@contextmanager
def database_factory(server_url: str, dropper: BackgroundDropper) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(server_url, dropper)
    try:
        yield factory
    finally:
        factory.drop_all()
