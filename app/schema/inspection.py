"""Inspect a database's schema (schemainspect, the inspector migra uses) and fingerprint it.

The fingerprint is a hash of a canonical form of everything inspected: stable for the same
schema whatever order objects were created in (no OIDs, top-level objects sorted by name),
and different for any change migra would report, since migra compares these same objects.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemainspect import get_inspector
from sqlalchemy import Connection

from app.pg import inspection_engine
from app.schema.catalog import EMPTY_CATALOG, Catalog, Query, read_catalog

log = logging.getLogger(__name__)

# The inspected collections that make up a schema, in a fixed order.
COLLECTIONS = (
    "schemas",
    "extensions",
    "enums",
    "domains",
    "composite_types",
    "collations",
    "sequences",
    "tables",
    "views",
    "materialized_views",
    "functions",
    "indexes",
    "constraints",
    "triggers",
    "rlspolicies",
    "privileges",
)
# Attributes that describe relationships or runtime details, not the schema itself.
_NOT_SCHEMA = frozenset(
    {"dependent_on", "dependent_on_all", "dependents", "dependents_all", "pytype", "pg_version"}
)
# Nested copies of top-level collections (a table's constraints are also top-level).
_NESTED_DUPLICATES = frozenset({"constraints", "indexes"})
_LEFT_OUT = _NOT_SCHEMA | _NESTED_DUPLICATES
# Bump when the canonical form changes, so cached fingerprints are not compared across forms.
_FINGERPRINT_VERSION = b"schemagate-fingerprint-5"
# Part of cache file names: pickles of an older form are never read back.
_CACHE_VERSION = "5"


@dataclass
class InspectedSchema:
    """A database's inspected schema, detached from any connection (so it can be cached)."""

    raw: Any  # schemainspect.pg.PostgreSQL
    fingerprint: str
    server_major: int
    # What schemainspect does not read (comments, sequence options, …): see app.schema.catalog.
    catalog: Catalog = EMPTY_CATALOG

    def column_types(self) -> dict[tuple[str, str, str], str]:
        """Current type of every table column, for classifying ALTER COLUMN … TYPE."""
        types: dict[tuple[str, str, str], str] = {}
        for table in self.raw.tables.values():
            for column in table.columns.values():
                types[(table.schema, table.name, column.name)] = column.dbtypestr
        return types


def inspect_database(url: str) -> InspectedSchema:
    """Inspect the database at ``url`` and fingerprint it."""
    engine = inspection_engine(url)
    try:
        with engine.connect() as conn:
            return inspect_connection(conn)
    finally:
        engine.dispose()


def inspect_connection(conn: Connection) -> InspectedSchema:
    """Inspect through an open connection; inside a transaction it sees that transaction's
    uncommitted changes (rehearsals inspect their result before rolling back)."""
    raw = get_inspector(conn)
    server_major = int(raw.pg_version)
    catalog = read_catalog(_query(conn))
    _detach(raw)
    return InspectedSchema(
        raw=raw,
        fingerprint=fingerprint(raw, catalog),
        server_major=server_major,
        catalog=catalog,
    )


def _query(conn: Connection) -> Query:
    """Run catalog queries on the inspector's own connection (the same snapshot of the
    schema), through the driver so that ``%`` in LIKE patterns is not a placeholder."""
    driver = conn.connection.driver_connection

    def run(sql: str) -> list[tuple[Any, ...]]:
        with driver.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(sql)
            return list(cursor.fetchall())

    return run


def _detach(raw: Any) -> None:
    """Drop the connection, engine and dialect the inspector keeps; migra needs none of them."""
    raw.c = None
    raw.engine = None
    raw.dialect = None


def fingerprint(raw: Any, catalog: Catalog = EMPTY_CATALOG) -> str:
    """Hex SHA-256 of the canonical form of an inspected schema and our catalog data (plain
    sorted tuples, so its ``repr`` is already canonical)."""
    digest = hashlib.sha256(_FINGERPRINT_VERSION)
    for collection in COLLECTIONS:
        objects: Mapping[str, Any] = getattr(raw, collection, {}) or {}
        for key in sorted(objects):
            digest.update(f"{collection}\0{key}\0{_canonical(objects[key])}\n".encode())
    digest.update(repr(catalog).encode())
    return digest.hexdigest()


def _canonical(value: Any) -> str:
    """A compact, order-stable JSON text of an inspected object.

    Object attributes are sorted by name; nested mappings keep their order (column order
    and argument order are part of the schema). Another schema object met inside (an
    index's constraint, a column's enum) is written as a reference by name: it is
    fingerprinted in its own collection, and the two refer to each other. The JSON encoder
    walks the structure in C, which keeps fingerprinting a large schema fast.
    """

    def plain(item: Any) -> Any:
        if not hasattr(item, "__dict__"):
            return repr(item)
        fields = vars(item)
        if item is not value and "schema" in fields and "name" in fields:
            kind = type(item).__name__
            return {"__ref__": kind, "schema": fields["schema"], "name": fields["name"]}
        attributes = {k: fields[k] for k in sorted(fields) if k not in _LEFT_OUT}
        attributes["__type__"] = type(item).__name__
        return attributes

    return json.dumps(value, default=plain, separators=(",", ":"), ensure_ascii=False)


class InspectionCache:
    """Inspected schemas pickled on local disk, keyed by what determines them."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get(self, key: str) -> InspectedSchema | None:
        path = self._path(key)
        try:
            with path.open("rb") as f:
                cached = pickle.load(f)  # noqa: S301 - written by put() below
        except FileNotFoundError:
            return None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("ignoring unreadable schema cache file %s: %s", path, exc)
            return None
        return cached if isinstance(cached, InspectedSchema) else None

    def put(self, key: str, inspected: InspectedSchema) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        partial = path.with_suffix(".tmp")
        with partial.open("wb") as f:
            pickle.dump(inspected, f, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)  # atomic: readers never see half a file

    def clear(self) -> int:
        removed = 0
        for path in self.directory.glob("*.pickle"):
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.v{_CACHE_VERSION}.pickle"
