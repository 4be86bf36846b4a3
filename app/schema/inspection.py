"""Inspect a database's schema (schemainspect, the inspector migra uses) and fingerprint it.

The fingerprint is a hash of a canonical form of everything inspected: stable for the same
schema whatever order objects were created in (no OIDs, top-level objects sorted by name),
and different for any change migra would report, since migra compares these same objects.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemainspect import get_inspector

from app.pg import inspection_engine

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
# Bump when the canonical form changes, so cached fingerprints are not compared across forms.
_FINGERPRINT_VERSION = b"schemagate-fingerprint-1"


@dataclass
class InspectedSchema:
    """A database's inspected schema, detached from any connection (so it can be cached)."""

    raw: Any  # schemainspect.pg.PostgreSQL
    fingerprint: str
    server_major: int

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
            raw = get_inspector(conn)
            server_major = int(raw.pg_version)
    finally:
        engine.dispose()
    _detach(raw)
    return InspectedSchema(raw=raw, fingerprint=fingerprint(raw), server_major=server_major)


def _detach(raw: Any) -> None:
    """Drop the connection, engine and dialect the inspector keeps; migra needs none of them."""
    raw.c = None
    raw.engine = None
    raw.dialect = None


def fingerprint(raw: Any) -> str:
    """Hex SHA-256 of the canonical form of an inspected schema."""
    digest = hashlib.sha256(_FINGERPRINT_VERSION)
    for collection in COLLECTIONS:
        objects: Mapping[str, Any] = getattr(raw, collection, {}) or {}
        for key in sorted(objects):
            digest.update(repr((collection, key, _canonical(objects[key]))).encode())
    return digest.hexdigest()


def _canonical(value: Any, depth: int = 0) -> Any:
    """A plain, order-stable structure of an inspected object (nested mappings keep their
    order: column order and argument order are part of the schema)."""
    if depth > 6:
        return repr(value)
    if isinstance(value, Mapping):
        return [
            (str(k), _canonical(v, depth + 1))
            for k, v in value.items()
            if not (depth > 0 and k in _NESTED_DUPLICATES)
        ]
    if isinstance(value, (list, tuple)):
        return [_canonical(v, depth + 1) for v in value]
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if hasattr(value, "__dict__"):
        fields = {
            k: v
            for k, v in vars(value).items()
            if k not in _NOT_SCHEMA and not (depth > 0 and k in _NESTED_DUPLICATES)
        }
        if depth > 0 and "name" in fields and "schema" in fields and len(fields) > 4:
            # A reference to another top-level object (e.g. a column's enum): its name says it.
            return ("ref", type(value).__name__, fields["schema"], fields["name"])
        return (
            type(value).__name__,
            [(k, _canonical(fields[k], depth + 1)) for k in sorted(fields)],
        )
    return repr(value)


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
        return self.directory / f"{key}.pickle"
