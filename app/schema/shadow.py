"""Shadow databases: throwaway databases on a shadow server, always dropped.

Each shadow database this process creates is guarded by a session-level advisory lock held
on one maintenance connection. If the process dies (crash, SIGKILL, power loss) PostgreSQL
releases the lock, so the next schemagate that starts can tell a stale shadow database from
one a live process is using, and drop only the stale ones.

Cached databases ("templates") hold a loaded desired schema or a copy of a target; cloning
one with ``CREATE DATABASE … TEMPLATE`` is far cheaper than loading the SQL again.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import psycopg
from psycopg import sql

from app.errors import DatabaseError, ServerVersionMismatch
from app.pg import connect, server_major_version, with_database
from app.redact import describe_database

log = logging.getLogger(__name__)

SHADOW_PREFIX = "sg_shadow_"
TEMPLATE_PREFIX = "sg_tpl_"
# First key of the two-key advisory locks that guard shadow databases ("SG").
_LOCK_NAMESPACE = 0x5347


class TemplateUnavailable(DatabaseError):
    """A cached template vanished (pruned by another process) or is busy; rebuild it."""


class ShadowServer:
    """A PostgreSQL server where schemagate may create and drop its own databases."""

    def __init__(self, url: str, *, max_templates: int = 32) -> None:
        self.url = url
        self.where = describe_database(url)
        self.max_templates = max_templates
        self._guard: psycopg.Connection | None = None
        self._guard_lock = threading.Lock()

    # -- server facts ---------------------------------------------------------------------

    def major_version(self) -> int:
        with connect(self.url) as conn:
            return server_major_version(conn)

    def require_major_version(self, target_major: int) -> None:
        """Refuse to work for a target whose PostgreSQL major version differs from ours."""
        shadow_major = self.major_version()
        if shadow_major != target_major:
            raise ServerVersionMismatch(target_major, shadow_major, self.where)

    # -- throwaway databases --------------------------------------------------------------

    @contextmanager
    def database(self, *, template: str | None = None) -> Iterator[str]:
        """Create a fresh shadow database (empty, or a clone of ``template``), yield its URL,
        and drop it afterwards, also on errors and Ctrl-C."""
        name = self._create(template=template)
        try:
            yield with_database(self.url, name)
        finally:
            self._drop(name)

    def create_detached(self, *, template: str | None = None) -> str:
        """Create a guarded shadow database the caller will :meth:`promote` or :meth:`drop`."""
        return self._create(template=template)

    def drop(self, name: str) -> None:
        self._drop(name)

    def _create(self, *, template: str | None) -> str:
        name = f"{SHADOW_PREFIX}{uuid.uuid4().hex[:16]}"
        self._lock(name)
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template or "template0")
        )
        try:
            with connect(self.url) as admin:
                admin.execute(statement)
        except (psycopg.errors.InvalidCatalogName, psycopg.errors.ObjectInUse) as exc:
            self._unlock(name)
            raise TemplateUnavailable(f"cached schema {template} is unavailable: {exc}") from None
        except BaseException:
            self._unlock(name)
            raise
        log.debug("created shadow database %s on %s", name, self.where)
        return name

    def _drop(self, name: str) -> None:
        try:
            with connect(self.url) as admin:
                _drop_database(admin, name)
            log.debug("dropped shadow database %s on %s", name, self.where)
        finally:
            self._unlock(name)

    # -- cached databases -------------------------------------------------------------------

    def template_exists(self, template: str) -> bool:
        with connect(self.url) as admin:
            row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,))
            if row.fetchone() is None:
                return False
            try:
                _touch(admin, template)
            except psycopg.errors.InvalidCatalogName:
                return False  # pruned by another process just now
            return True

    def promote(self, name: str, template: str, *, allow_connections: bool = False) -> bool:
        """Turn the shadow database ``name`` into the cached ``template``.

        Templates refuse connections (a connection would block cloning) unless
        ``allow_connections``: the copies of targets are also rehearsed on in place, inside a
        transaction that is rolled back.

        Returns False when another process cached the same template first; ``name`` is then
        left as it was and the caller still owns it.
        """
        with connect(self.url) as admin:
            try:
                admin.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
            except psycopg.errors.DuplicateDatabase:
                return False
            if not allow_connections:
                admin.execute(
                    sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(
                        sql.Identifier(template)
                    )
                )
            _touch(admin, template)
        self._unlock(name)
        self._prune_templates()
        return True

    def clear_templates(self) -> list[str]:
        """Drop every cached template on this server; returns their names."""
        with connect(self.url) as admin:
            names = _databases_like(admin, TEMPLATE_PREFIX)
            for name in names:
                _drop_database(admin, name)
        return names

    def _prune_templates(self) -> None:
        """Keep the most recently used ``max_templates`` templates; drop the rest."""
        with connect(self.url) as admin:
            rows = admin.execute(
                "SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '')"
                " FROM pg_database WHERE datname LIKE %s",
                (TEMPLATE_PREFIX + "%",),
            ).fetchall()
            by_age = sorted(rows, key=lambda row: _last_used(row[1]), reverse=True)
            for name, _ in by_age[self.max_templates :]:
                # Without FORCE: a cached copy someone is rehearsing on right now stays, and
                # goes at a later prune.
                with suppress(psycopg.Error):
                    _drop_database(admin, name, force=False)
                    log.info("dropped cached schema %s (cache holds %d)", name, self.max_templates)

    # -- stale shadow databases ----------------------------------------------------------

    def cleanup_stale(self) -> list[str]:
        """Drop shadow databases left by processes that died; return their names."""
        dropped = []
        guard = self._guard_connection()
        names = _databases_like(guard, SHADOW_PREFIX)
        for name in names:
            if not _try_lock(guard, name):
                continue  # a live process uses it
            try:
                with connect(self.url) as admin:
                    _drop_database(admin, name)
                dropped.append(name)
                log.info("dropped stale shadow database %s on %s", name, self.where)
            finally:
                _unlock(guard, name)
        return dropped

    # -- advisory locks --------------------------------------------------------------------

    def _guard_connection(self) -> psycopg.Connection:
        if self._guard is None or self._guard.closed:
            self._guard = connect(self.url)
        return self._guard

    def _lock(self, name: str) -> None:
        with self._guard_lock:
            if not _try_lock(self._guard_connection(), name):
                raise DatabaseError(f"shadow database name {name} is already in use")

    def _unlock(self, name: str) -> None:
        with self._guard_lock:
            if self._guard is not None and not self._guard.closed:
                _unlock(self._guard, name)

    def close(self) -> None:
        """Release the guard connection (and with it every advisory lock it holds)."""
        if self._guard is not None:
            self._guard.close()
            self._guard = None


def _try_lock(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (_LOCK_NAMESPACE, name)
    ).fetchone()
    return bool(row and row[0])


def _unlock(conn: psycopg.Connection, name: str) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", (_LOCK_NAMESPACE, name))


def _databases_like(conn: psycopg.Connection, prefix: str) -> list[str]:
    rows = conn.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY datname", (prefix + "%",)
    ).fetchall()
    return [row[0] for row in rows]


def _drop_database(admin: psycopg.Connection, name: str, *, force: bool = True) -> None:
    """Drop ``name``; with ``force`` (PostgreSQL 13+) its connections are ended first."""
    use_force = force and server_major_version(admin) >= 13
    force_clause = sql.SQL(" WITH (FORCE)") if use_force else sql.SQL("")
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force_clause)


def _touch(admin: psycopg.Connection, template: str) -> None:
    """Record when a cached template was last used, for least-recently-used pruning."""
    comment = f"schemagate cache, last used {time.time():.0f}"
    admin.execute(
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(template), sql.Literal(comment)
        )
    )


def _last_used(comment: str) -> float:
    try:
        return float(comment.rsplit(" ", 1)[-1])
    except ValueError:
        return 0.0
