"""What earlier statements of a plan tell the classifier about later ones.

Two facts are carried forward: which relations the plan created (nobody else uses them yet, so
their row hazards do not matter) and the column types as the plan leaves them (so the second of
two type changes to one column, e.g. migra's enum → varchar → enum, is judged from the type
the first one set, not from the target's original type).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Final

from pglast import ast
from pglast.enums import AlterTableType as AT
from pglast.enums import ObjectType

from app.schema.classify.model import ClassificationContext
from app.schema.classify.names import Relation, qualify, render

_RENAMED_RELATIONS: Final = frozenset(
    {ObjectType.OBJECT_TABLE, ObjectType.OBJECT_MATVIEW, ObjectType.OBJECT_INDEX}
)
_ColumnTypes = dict[tuple[str, str, str], str]


@dataclass(frozen=True)
class PlanState:
    """The context (with column types as the plan leaves them) and the relations it created."""

    context: ClassificationContext
    created: frozenset[Relation] = frozenset()

    def after(self, node: ast.Node) -> PlanState:
        """The state once ``node`` has run."""
        return PlanState(
            context=dataclasses.replace(self.context, column_types=self._types_after(node)),
            created=self._created_after(node),
        )

    def _created_after(self, node: ast.Node) -> frozenset[Relation]:
        """New tables and materialized views, indexes on them, and renames of either.
        (CREATE TABLE AS and materialized views may hold rows, but no other session sees them
        before the plan commits.) ``IF NOT EXISTS`` may find an existing, busy table, so it
        adds nothing."""
        schema, created = self.context.default_schema, self.created
        if isinstance(node, ast.CreateStmt) and not node.if_not_exists:
            return created | {qualify(node.relation, schema)}
        if isinstance(node, ast.CreateTableAsStmt) and node.into and not node.if_not_exists:
            return created | {qualify(node.into.rel, schema)}
        if isinstance(node, ast.IndexStmt) and node.idxname:
            table = qualify(node.relation, schema)
            return (created | {(table[0], node.idxname)}) if table in created else created
        if isinstance(node, ast.RenameStmt) and node.renameType in _RENAMED_RELATIONS:
            old = qualify(node.relation, schema)
            if old not in created:
                return created
            return (created - {old}) | {(old[0], node.newname or "")}
        return created

    def _types_after(self, node: ast.Node) -> _ColumnTypes:
        types = dict(self.context.column_types)
        schema = self.context.default_schema
        if isinstance(node, ast.CreateStmt):
            table = qualify(node.relation, schema)
            for element in node.tableElts or ():
                if isinstance(element, ast.ColumnDef):
                    _set_type(types, table, element.colname, element.typeName)
        elif isinstance(node, ast.AlterTableStmt):
            _apply_alter_table(types, qualify(node.relation, schema), node)
        elif isinstance(node, ast.RenameStmt) and node.relation is not None:
            _apply_rename(types, qualify(node.relation, schema), node)
        return types


def _set_type(
    types: _ColumnTypes, table: Relation, column: str | None, type_name: ast.TypeName | None
) -> None:
    if column and type_name is not None:
        types[(*table, column)] = render(type_name)


def _apply_alter_table(types: _ColumnTypes, table: Relation, node: ast.AlterTableStmt) -> None:
    for cmd in node.cmds or ():
        if not isinstance(cmd, ast.AlterTableCmd):
            continue
        if cmd.subtype == AT.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
            _set_type(types, table, cmd.def_.colname, cmd.def_.typeName)
        elif cmd.subtype == AT.AT_AlterColumnType and isinstance(cmd.def_, ast.ColumnDef):
            _set_type(types, table, cmd.name, cmd.def_.typeName)
        elif cmd.subtype == AT.AT_DropColumn and cmd.name:
            types.pop((*table, cmd.name), None)


def _apply_rename(types: _ColumnTypes, table: Relation, node: ast.RenameStmt) -> None:
    new = node.newname or ""
    if node.renameType == ObjectType.OBJECT_COLUMN and node.subname:
        if (*table, node.subname) in types:
            types[(*table, new)] = types.pop((*table, node.subname))
    elif node.renameType in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_MATVIEW):
        for key in [key for key in types if key[:2] == table]:
            types[(table[0], new, key[2])] = types.pop(key)
