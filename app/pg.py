"""Connections to PostgreSQL: one place that opens them and turns failures into clear errors."""

from __future__ import annotations

import psycopg
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from app.errors import DatabaseUnreachable
from app.redact import describe_database, redact

APPLICATION_NAME = "schemagate"


def connect(url: str, *, autocommit: bool = True, connect_timeout: int = 10) -> psycopg.Connection:
    """Open a psycopg connection; an unreachable server names host, port and database."""
    try:
        return psycopg.connect(
            libpq_url(url),
            autocommit=autocommit,
            connect_timeout=connect_timeout,
            application_name=APPLICATION_NAME,
        )
    except psycopg.OperationalError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = redact("; ".join(lines)) or type(exc).__name__
        raise DatabaseUnreachable(describe_database(url), reason) from None


def libpq_url(url: str) -> str:
    """Accept SQLAlchemy-style ``postgresql+psycopg://`` URLs where libpq wants ``postgresql://``."""
    scheme, sep, rest = url.partition("://")
    if sep and "+" in scheme:
        return f"{scheme.split('+', 1)[0]}://{rest}"
    return url


def sqlalchemy_url(url: str) -> str:
    """The same database as a SQLAlchemy URL that uses psycopg 3 (never psycopg2)."""
    scheme, _, rest = libpq_url(url).partition("://")
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def inspection_engine(url: str) -> Engine:
    """An engine for migra/schemainspect; no pooling, so dropping the database never waits."""
    return create_engine(
        sqlalchemy_url(url),
        poolclass=NullPool,
        connect_args={"application_name": APPLICATION_NAME},
    )


def with_database(url: str, database: str) -> str:
    """The URL of another database on the same server (same credentials and options)."""
    scheme, sep, rest = url.partition("://")
    authority, _, path_and_query = rest.partition("/")
    _database, qmark, query = path_and_query.partition("?")
    return f"{scheme}{sep}{authority}/{database}{qmark}{query}"


def server_major_version(conn: psycopg.Connection) -> int:
    """PostgreSQL major version of the server behind ``conn`` (e.g. 15)."""
    return conn.info.server_version // 10000


def database_name(url: str) -> str:
    """The database a URL names (also for socket URLs such as ``…/db?host=/tmp``)."""
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(libpq_url(url)).get("dbname", ""))
