"""Serial and identity columns share sequence names (``<table>_<column>_seq``):

- serial → identity: migra adds the identity while the serial's sequence still exists, so
  PostgreSQL names the identity's sequence ``…_seq1``, and only then drops the old one. The
  old sequence's drop moves right before the identity is added (after migra's DROP
  DEFAULT, which released it), so the name is free;
- identity → serial: migra creates the serial's sequence while the identity's still holds
  the name ("already exists"). The DROP IDENTITY moves right before that creation.
"""

from __future__ import annotations

from pglast.enums import AlterTableType, ObjectType

from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema


def drop_serial_sequence_before_identity(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    owned = {s.owned_by: (s.schema, s.name) for s in catalog_of(current).sequences if s.owned_by}
    result = _drop_identities_before_reuse(statements, current)
    for statement in statements:
        for column in _columns(statement, AlterTableType.AT_AddIdentity):
            sequence = owned.get(column)
            drop = next((s for s in result if _drops_sequence(s, sequence)), None)
            if drop is not None and result.index(drop) > result.index(statement):
                result.remove(drop)
                result.insert(result.index(statement), drop)
    return result


def _columns(statement: ParsedStatement, subtype: AlterTableType) -> list[tuple[str, str, str]]:
    """Columns an ALTER TABLE changes with commands of ``subtype``."""
    if statement.kind != "AlterTableStmt" or statement.node.objtype != ObjectType.OBJECT_TABLE:
        return []
    relation = statement.node.relation
    return [
        (relation.schemaname or "public", relation.relname, cmd.name)
        for cmd in statement.node.cmds
        if cmd.subtype == subtype
    ]


def _drops_sequence(statement: ParsedStatement, sequence: tuple[str, str] | None) -> bool:
    if sequence is None or statement.kind != "DropStmt":
        return False
    if statement.node.removeType != ObjectType.OBJECT_SEQUENCE:
        return False
    names = [[n.sval for n in obj] for obj in statement.node.objects]
    return any(tuple(n[-2:]) == sequence or n == [sequence[1]] for n in names)


def _drop_identities_before_reuse(
    statements: list[ParsedStatement], current: InspectedSchema | None
) -> list[ParsedStatement]:
    identities = {
        s.owned_by: (s.schema, s.name)
        for s in catalog_of(current).sequences
        if s.identity and s.owned_by
    }
    result = list(statements)
    for statement in statements:
        for column in _columns(statement, AlterTableType.AT_DropIdentity):
            name = identities.get(column)
            creation = next((s for s in result if _creates_sequence(s, name)), None)
            if creation is not None and result.index(creation) < result.index(statement):
                result.remove(statement)
                result.insert(result.index(creation), statement)
    return result


def _creates_sequence(statement: ParsedStatement, sequence: tuple[str, str] | None) -> bool:
    if sequence is None or statement.kind != "CreateSeqStmt":
        return False
    node = statement.node.sequence
    return (node.schemaname or "public", node.relname) == sequence
