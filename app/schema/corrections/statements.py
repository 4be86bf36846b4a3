"""Statements of a plan with their parse trees, so corrections can ask what each one does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pglast import parse_sql
from pglast.enums import AlterTableType, ObjectType

from app.schema.catalog import EMPTY_CATALOG, Catalog
from app.schema.inspection import InspectedSchema


def quoted(schema: str, name: str) -> str:
    """The key schemainspect uses for an object: ``"schema"."name"``."""
    return '"{}"."{}"'.format(schema.replace('"', '""'), name.replace('"', '""'))


@dataclass(frozen=True)
class ParsedStatement:
    sql: str
    node: Any  # a pglast statement node; its shape depends on the statement

    @classmethod
    def of(cls, sql: str) -> ParsedStatement:
        return cls(sql, parse_sql(sql)[0].stmt)

    @property
    def kind(self) -> str:
        return type(self.node).__name__

    def altered_column_types(self) -> list[str]:
        """Keys of the tables whose column types this statement changes."""
        if self.kind != "AlterTableStmt" or self.node.objtype != ObjectType.OBJECT_TABLE:
            return []
        changes = [c for c in self.node.cmds if c.subtype == AlterTableType.AT_AlterColumnType]
        return [relation_key(self.node.relation)] if changes else []

    def dropped_relations(self) -> list[str]:
        """Keys of the views and materialized views this statement drops."""
        if self.kind != "DropStmt" or self.node.removeType not in _VIEW_TYPES:
            return []
        return [_names_key(obj) for obj in self.node.objects]

    def dropped_tables(self) -> list[str]:
        """Keys of the tables this statement drops."""
        if self.kind != "DropStmt" or self.node.removeType != ObjectType.OBJECT_TABLE:
            return []
        return [_names_key(obj) for obj in self.node.objects]

    def created_table(self) -> str | None:
        """Key of the table this statement creates."""
        return relation_key(self.node.relation) if self.kind == "CreateStmt" else None

    def created_index_table(self) -> str | None:
        """Key of the table a CREATE INDEX statement indexes."""
        return relation_key(self.node.relation) if self.kind == "IndexStmt" else None

    def created_relation(self) -> str | None:
        """Key of the view or materialized view this statement creates (or replaces)."""
        if self.kind == "ViewStmt":
            return relation_key(self.node.view)
        if self.kind == "CreateTableAsStmt" and self.node.objtype == ObjectType.OBJECT_MATVIEW:
            return relation_key(self.node.into.rel)
        return None

    def detached_partitions(self) -> list[str]:
        """Keys of the partitions an ``ALTER TABLE … DETACH PARTITION`` detaches."""
        if self.kind != "AlterTableStmt":
            return []
        return [
            relation_key(cmd.def_.name)
            for cmd in self.node.cmds
            if cmd.subtype == AlterTableType.AT_DetachPartition
        ]

    def created_index(self) -> str | None:
        """Key of the index this statement creates (indexes live in their table's schema)."""
        if self.kind != "IndexStmt" or not self.node.idxname:
            return None
        return quoted(self.node.relation.schemaname or "public", self.node.idxname)


_VIEW_TYPES = (ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW)


def relation_key(relation: Any) -> str:
    """The key of the relation a parse tree names (a ``RangeVar``)."""
    return quoted(relation.schemaname or "public", relation.relname)


def _names_key(names: Any) -> str:
    parts = [str(getattr(part, "sval", part)) for part in names]
    return quoted(*parts) if len(parts) == 2 else quoted("public", parts[-1])


def dropped_tables(statements: list[ParsedStatement]) -> set[str]:
    """Keys of the tables the plan drops."""
    return {key for s in statements for key in s.dropped_tables()}


def recreated_tables(statements: list[ParsedStatement]) -> set[str]:
    """Keys of the tables the plan drops and creates again (partitioned ↔ plain)."""
    created = {key for s in statements if (key := s.created_table()) is not None}
    return dropped_tables(statements) & created


def move_after_last(
    order: list[ParsedStatement],
    statement: ParsedStatement,
    must_follow: Callable[[ParsedStatement], bool],
) -> None:
    """Move ``statement`` (in ``order``, in place) to right after the last later statement
    that ``must_follow`` picks; it stays where it is when none does."""
    position = order.index(statement)
    later = [i for i in range(position + 1, len(order)) if must_follow(order[i])]
    if later:
        order.insert(later[-1] + 1, statement)
        order.pop(position)


def catalog_of(schema: InspectedSchema | None) -> Catalog:
    """Our catalog data for a schema; an empty database (None) has none."""
    return EMPTY_CATALOG if schema is None else schema.catalog
