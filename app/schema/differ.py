"""Diff two inspected schemas into the SQL statements that turn one into the other.

migra is the engine, behind the :class:`SchemaDiffer` interface so it can be corrected or
replaced (migra is no longer developed). The output is always a list of single statements,
split with PostgreSQL's parser, so classification and execution see one statement at a time.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any, Protocol

from app.schema.inspection import InspectedSchema
from app.schema.sqltext import split_statements


class SchemaDiffer(Protocol):
    """Computes the statements that turn ``current`` into ``desired``; None is an empty
    database (so ``diff(None, s)`` is the DDL that builds ``s``)."""

    def diff(
        self, current: InspectedSchema | None, desired: InspectedSchema | None
    ) -> list[str]: ...


def _patch_schemainspect() -> None:
    """schemainspect writes ATTACH PARTITION with ``partition_spec``, an attribute it never
    sets (it is ``partition_def``), so attaching an existing table as a partition crashed
    the whole diff. A read-only alias on the class (not an attribute of the objects, so
    fingerprints do not change); the statement's order is put right by a correction."""
    from schemainspect.pg.obj import InspectedSelectable

    if not hasattr(InspectedSelectable, "partition_spec"):
        InspectedSelectable.partition_spec = property(lambda self: self.partition_def)


class MigraDiffer:
    """migra's diff, all changes including destructive ones (the gates decide about those).
    Privileges are left to our own correction (migra compares table grants only)."""

    def diff(self, current: InspectedSchema | None, desired: InspectedSchema | None) -> list[str]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from migra import Migration

        _patch_schemainspect()
        migration = Migration(_for_migra(current), _for_migra(desired))
        migration.set_safety(False)
        migration.add_all_changes()
        statements: list[str] = []
        for chunk in migration.statements:
            statements.extend(s.text for s in split_statements(chunk, file="<migra output>"))
        return statements


def _for_migra(schema: InspectedSchema | None) -> object:
    """The inspected schema with enum labels and policy roles as migra must write them.

    migra writes a label as ``'{label}'`` and a policy's roles as bare names, without
    escaping, so a quote in either breaks the statement or, worse, changes what it does: a
    label is data and a role a name, never SQL. Escaping them on both sides keeps migra's
    comparisons intact and makes its output correct. Row level security of partitions is
    hidden from migra, which crashes on it (schemainspect cannot ALTER a partition); the
    relation flags correction plans it. The cached inspection is left untouched: migra
    gets shallow copies.
    """
    if schema is None:
        return None
    raw = copy.copy(schema.raw)
    raw.enums = {key: _escaped(enum) for key, enum in schema.raw.enums.items()}
    raw.rlspolicies = {key: with_quoted_roles(p) for key, p in schema.raw.rlspolicies.items()}
    hidden = {
        id(t): _without_row_security(t) for t in schema.raw.tables.values() if _rls_partition(t)
    }
    for collection in ("tables", "relations", "selectables"):
        objects = getattr(schema.raw, collection)
        setattr(raw, collection, {k: hidden.get(id(o), o) for k, o in objects.items()})
    return raw


def _rls_partition(table: Any) -> bool:
    return bool(table.rowsecurity and table.parent_table and table.partition_def)


def _without_row_security(table: Any) -> Any:
    hidden = copy.copy(table)
    hidden.rowsecurity = False
    return hidden


def with_quoted_roles(policy: Any) -> Any:
    quoted = copy.copy(policy)
    quoted.roles = [
        role if role == "public" else '"' + role.replace('"', '""') + '"' for role in policy.roles
    ]
    return quoted


def _escaped(enum: Any) -> Any:
    if not any("'" in label for label in enum.elements):
        return enum
    escaped = copy.copy(enum)
    escaped.elements = [label.replace("'", "''") for label in enum.elements]
    return escaped
