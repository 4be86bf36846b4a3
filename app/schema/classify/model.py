"""The classifier's public value types and the internal ``Effect`` its rules return."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from pglast.enums import ObjectType

from app.schema.classify.names import Relation, show

HOLDS_ROWS: Final = frozenset(
    {ObjectType.OBJECT_TABLE, ObjectType.OBJECT_MATVIEW, ObjectType.OBJECT_FOREIGN_TABLE}
)
"""Object types whose locks and rewrites stall the application's reads and writes."""


class Hazard:
    """Codes for the operational risks of a statement (they are not about losing data)."""

    ACCESS_EXCLUSIVE_LOCK: Final = "access_exclusive_lock"
    """Blocks reads and writes of an existing table while the statement runs."""
    TABLE_REWRITE: Final = "table_rewrite"
    """Rewrites the whole table and its indexes (under an ACCESS EXCLUSIVE lock)."""
    SCAN_UNDER_LOCK: Final = "scan_under_lock"
    """Reads every row while holding a lock that blocks writes."""
    INDEX_BUILD_BLOCKS_WRITES: Final = "index_build_blocks_writes"
    """Builds an index without CONCURRENTLY: writes wait for the whole build."""
    OUTSIDE_TRANSACTION: Final = "outside_transaction"
    """Cannot run inside a transaction block; the executor runs it alone in autocommit."""
    RENAMES_OBJECT: Final = "renames_object"
    """Clients that use the old name break."""
    REVOKES_PRIVILEGES: Final = "revokes_privileges"
    """Roles lose access they had: their clients' queries start failing."""


ROW_HAZARDS: Final = frozenset(
    {
        Hazard.ACCESS_EXCLUSIVE_LOCK,
        Hazard.TABLE_REWRITE,
        Hazard.SCAN_UNDER_LOCK,
        Hazard.INDEX_BUILD_BLOCKS_WRITES,
        Hazard.RENAMES_OBJECT,
    }
)
"""Hazards that only matter for a relation that already has rows and clients: they are
dropped for relations created earlier in the same plan. OUTSIDE_TRANSACTION is not among
them, because it is a mechanical requirement whatever the table holds."""


@dataclass(frozen=True)
class Classification:
    """What one statement of a plan does, for the gate, the CR description and the executor."""

    kind: str
    """Parse-node class and detail: ``AlterTableStmt/AT_DropColumn``, ``DropStmt/OBJECT_TABLE``."""
    destructive: bool
    """Removes data or objects, or may lose or overwrite data: needs acknowledgment."""
    hazards: tuple[str, ...]
    """:class:`Hazard` codes, sorted and unique."""
    needs_autocommit: bool
    """Cannot run inside a transaction block (the OUTSIDE_TRANSACTION hazard)."""
    reasons: tuple[str, ...]
    """One sentence per destructive part or hazard, for people."""


@dataclass(frozen=True)
class ClassificationContext:
    """Facts about the target that the SQL text alone does not tell."""

    column_types: Mapping[tuple[str, str, str], str] = field(default_factory=dict)
    """(schema, table, column) -> current type as ``format_type()`` prints it."""
    default_schema: str = "public"
    """Schema of unqualified names."""


@dataclass(frozen=True)
class Finding:
    """One hazard, why, and the relation whose rows it concerns (None: not tied to one)."""

    hazard: str
    reason: str
    relation: Relation | None = None


@dataclass(frozen=True)
class Effect:
    """What a statement or ALTER TABLE sub-command does; rules return these and add them up."""

    destroys: tuple[str, ...] = ()
    """One reason per thing it destroys; empty means not destructive."""
    findings: tuple[Finding, ...] = ()

    def __add__(self, other: Effect) -> Effect:
        return Effect(self.destroys + other.destroys, self.findings + other.findings)

    def without_row_hazards(self) -> Effect:
        """For objects that hold no rows: keeps what it destroys and the autocommit need."""
        kept = tuple(f for f in self.findings if f.hazard not in ROW_HAZARDS)
        return Effect(self.destroys, kept)


NOTHING: Final = Effect()

Rule = Callable[[Any, ClassificationContext], Effect]
"""Classifies one kind of statement node (typed ``Any``: each rule takes its own node class)."""


def combine(effects: Iterable[Effect]) -> Effect:
    return sum(effects, NOTHING)


def destroys(reason: str) -> Effect:
    return Effect(destroys=(reason,))


def hazard(code: str, reason: str, on: Relation | None = None) -> Effect:
    return Effect(findings=(Finding(code, reason, on),))


def outside_transaction(what: str) -> Effect:
    return hazard(Hazard.OUTSIDE_TRANSACTION, f"cannot run inside a transaction block: {what}")


def locks(relation: Relation) -> Effect:
    return hazard(
        Hazard.ACCESS_EXCLUSIVE_LOCK,
        f"takes an ACCESS EXCLUSIVE lock on {show(*relation)}: its reads and writes wait",
        relation,
    )


def rewrites(relation: Relation, why: str) -> Effect:
    return hazard(Hazard.TABLE_REWRITE, f"rewrites {show(*relation)}: {why}", relation)


def scans(relation: Relation, why: str) -> Effect:
    return hazard(
        Hazard.SCAN_UNDER_LOCK, f"scans {show(*relation)} while writes wait: {why}", relation
    )
