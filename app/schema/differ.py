"""Diff two inspected schemas into the SQL statements that turn one into the other.

migra is the engine, behind the :class:`SchemaDiffer` interface so it can be corrected or
replaced (migra is no longer developed). The output is always a list of single statements,
split with PostgreSQL's parser, so classification and execution see one statement at a time.
"""

from __future__ import annotations

import warnings
from typing import Protocol

from app.schema.inspection import InspectedSchema
from app.schema.sqltext import split_statements


class SchemaDiffer(Protocol):
    """Computes the statements that turn ``current`` into ``desired``; None is an empty
    database (so ``diff(None, s)`` is the DDL that builds ``s``)."""

    def diff(
        self, current: InspectedSchema | None, desired: InspectedSchema | None
    ) -> list[str]: ...


class MigraDiffer:
    """migra's diff, all changes including destructive ones (the gates decide about those)."""

    def __init__(self, *, manage_privileges: bool = False) -> None:
        self.manage_privileges = manage_privileges

    def diff(self, current: InspectedSchema | None, desired: InspectedSchema | None) -> list[str]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from migra import Migration

        migration = Migration(_raw(current), _raw(desired))
        migration.set_safety(False)
        migration.add_all_changes(privileges=self.manage_privileges)
        statements: list[str] = []
        for chunk in migration.statements:
            statements.extend(s.text for s in split_statements(chunk, file="<migra output>"))
        return statements


def _raw(schema: InspectedSchema | None) -> object:
    return None if schema is None else schema.raw
