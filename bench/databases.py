"""The databases one benchmark run creates, so every one of them is dropped at the end.

Names carry a per-run prefix (``sgbench_<run id>_…``) so a crashed run's leftovers are
recognisable and never collide with a concurrent run or with the test suite's databases.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import sql

from app.pg import connect, with_database

PREFIX = "sgbench"


class BenchDatabases:
    """Hands out unique names and drops every database it named, whoever created it."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.run_id = secrets.token_hex(3)
        self._live: list[str] = []

    def reserve(self, label: str) -> str:
        """A fresh database name; it is dropped at cleanup unless :meth:`forget` is called."""
        name = f"{PREFIX}_{self.run_id}_{label}_{len(self._live)}_{secrets.token_hex(2)}"
        self._live.append(name)
        return name

    def forget(self, name: str) -> None:
        """``name`` was dropped by someone else (the measured ``dropdb``)."""
        self._live.remove(name)

    def url(self, name: str) -> str:
        return with_database(self.server_url, name)

    def create(self, label: str) -> str:
        """Create an empty database and return its name."""
        name = self.reserve(label)
        with connect(self.server_url) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop(self, name: str) -> None:
        """Drop one database now (a finished size's target), FORCE as in :meth:`drop_all`."""
        with connect(self.server_url) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        self._live.remove(name)

    def drop_all(self) -> None:
        """Drop everything still reserved; FORCE ends sessions a killed subprocess left."""
        with connect(self.server_url) as admin:
            for name in reversed(self._live):
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        self._live.clear()


def list_databases(server_url: str) -> list[str]:
    """All database names on the server (to spot databases a run leaves behind)."""
    with connect(server_url) as admin:
        rows = admin.execute("SELECT datname FROM pg_database ORDER BY datname").fetchall()
    return [row[0] for row in rows]


@contextmanager
def bench_databases(server_url: str) -> Iterator[BenchDatabases]:
    """Yield a :class:`BenchDatabases`; drop its databases on exit, also on Ctrl-C."""
    databases = BenchDatabases(server_url)
    try:
        yield databases
    finally:
        databases.drop_all()
