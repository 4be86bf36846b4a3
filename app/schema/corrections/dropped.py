"""Which objects a plan drops or renames away, read from the statements' parse trees.

Comments, options and other details live on the object; when the plan drops it (and maybe
creates it again), they are gone, so the corrections that restore them need to know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pglast.enums import AlterTableType, ObjectType

from app.schema.corrections.statements import ParsedStatement

_SUBOBJECT_DROPS = (AlterTableType.AT_DropColumn, AlterTableType.AT_DropConstraint)
_ON_TABLE = (ObjectType.OBJECT_TRIGGER, ObjectType.OBJECT_POLICY, ObjectType.OBJECT_RULE)


@dataclass
class DroppedObjects:
    """(schema, name) of dropped or renamed objects (relations, types, functions; the table
    for a dropped column, constraint, trigger or policy), and dropped schemas."""

    objects: set[tuple[str, str]] = field(default_factory=set)
    schemas: set[str] = field(default_factory=set)

    def touches(self, owners: tuple[tuple[str, str], ...]) -> bool:
        return any(o in self.objects or o[0] in self.schemas for o in owners)


def dropped_objects(statements: list[ParsedStatement]) -> DroppedObjects:
    dropped = DroppedObjects()
    for statement in statements:
        _collect(statement.node, dropped)
    return dropped


def _collect(node: Any, dropped: DroppedObjects) -> None:
    kind = type(node).__name__
    if kind == "DropStmt":
        _collect_drop(node, dropped)
    elif kind == "AlterTableStmt":
        if any(getattr(c, "subtype", None) in _SUBOBJECT_DROPS for c in node.cmds):
            dropped.objects.add(_relation(node.relation))
    elif kind == "RenameStmt":
        if node.relation is not None:
            dropped.objects.add(_relation(node.relation))
        elif node.object is not None:
            dropped.objects.add(_names(_name_list(node.object)))


def _collect_drop(node: Any, dropped: DroppedObjects) -> None:
    for obj in node.objects:
        names = _name_list(obj)
        if node.removeType == ObjectType.OBJECT_SCHEMA:
            dropped.schemas.update(names)
        elif node.removeType in _ON_TABLE:
            dropped.objects.add(_names(names[:-1]))
        else:
            dropped.objects.add(_names(names))


def drop_targets(statement: ParsedStatement) -> list[tuple[str, str]]:
    """(schema, name) of each object a DROP statement names (functions without arguments)."""
    if statement.kind != "DropStmt":
        return []
    return [_names(_name_list(obj)) for obj in statement.node.objects or ()]


def _name_list(obj: Any) -> list[str]:
    """The dotted name of a drop target, whatever node carries it."""
    kind = type(obj).__name__
    if kind == "String":
        return [obj.sval]
    if kind == "TypeName":
        return [n.sval for n in obj.names]
    if kind == "ObjectWithArgs":
        return [n.sval for n in obj.objname]
    return [getattr(n, "sval", str(n)) for n in obj]


def _names(names: list[str]) -> tuple[str, str]:
    return (names[-2], names[-1]) if len(names) >= 2 else ("public", names[-1])


def _relation(relation: Any) -> tuple[str, str]:
    return (relation.schemaname or "public", relation.relname)


@dataclass
class RemovedObjects:
    """What a plan removes entirely: objects it drops (not just a trigger or policy of
    them), schemas, and (schema, table, column) of dropped columns. What they carried, such
    as an owner or privileges, does not survive, even when the plan creates them again."""

    objects: set[tuple[str, str]] = field(default_factory=set)
    schemas: set[str] = field(default_factory=set)
    columns: set[tuple[str, str, str]] = field(default_factory=set)

    def removes(self, schema: str, name: str) -> bool:
        return schema in self.schemas or (schema, name) in self.objects


def removed_objects(statements: list[ParsedStatement]) -> RemovedObjects:
    removed = RemovedObjects()
    for statement in statements:
        node = statement.node
        if statement.kind == "DropStmt" and node.removeType not in _ON_TABLE:
            for obj in node.objects:
                names = _name_list(obj)
                if node.removeType == ObjectType.OBJECT_SCHEMA:
                    removed.schemas.update(names)
                else:
                    removed.objects.add(_names(names))
        elif statement.kind == "AlterTableStmt":
            schema, table = _relation(node.relation)
            for command in node.cmds:
                if getattr(command, "subtype", None) == AlterTableType.AT_DropColumn:
                    removed.columns.add((schema, table, command.name))
    return removed
