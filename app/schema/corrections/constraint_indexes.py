"""Indexes that go with a UNIQUE or PRIMARY KEY constraint the plan drops:

- a constraint that only changes its deferrability: migra drops the constraint, which drops
  its index with it, and then adds it back ``USING INDEX`` that index, which no longer
  exists. The index is created again, as the desired schema has it, right before the ADD
  CONSTRAINT that needs it;
- a constraint that becomes a plain unique index of the same name: migra drops the
  constraint and, seeing the index on both sides, never creates it. It is created, as the
  desired schema has it, right after the drop.
"""

from __future__ import annotations

from pglast.enums import AlterTableType

from app.schema.corrections.constraints import constraint_commands
from app.schema.corrections.statements import ParsedStatement, quoted
from app.schema.inspection import InspectedSchema


def recreate_indexes_of_readded_constraints(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if desired is None:
        return statements
    gone: set[tuple[str, str]] = set()  # (schema, index) dropped with a constraint
    created = {key for s in statements if (key := s.created_index()) is not None}
    result: list[ParsedStatement] = []
    for statement in statements:
        after: list[ParsedStatement] = []
        if statement.kind == "IndexStmt" and statement.node.idxname:
            schema = statement.node.relation.schemaname or "public"
            gone.discard((schema, statement.node.idxname))
        for command, (schema, _table, name) in constraint_commands(statement):
            if command.subtype == AlterTableType.AT_DropConstraint:
                gone.add((schema, name))
                kept = desired.raw.indexes.get(quoted(schema, name))
                if (
                    kept is not None
                    and kept.constraint is None
                    and quoted(schema, name) not in created
                ):
                    after.append(ParsedStatement.of(str(kept.definition)))
            elif command.subtype == AlterTableType.AT_AddConstraint and command.def_.indexname:
                index = (schema, command.def_.indexname)
                definition = desired.raw.indexes.get(quoted(*index))
                if index in gone and definition is not None:
                    result.append(ParsedStatement.of(str(definition.definition)))
                    gone.discard(index)
        result.append(statement)
        result.extend(after)
    return result
