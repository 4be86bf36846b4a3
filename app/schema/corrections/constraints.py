"""Constraints migra handles as if every constraint were valid and a table's own:

- a NOT VALID constraint is added by migra ``not valid`` and then validated, so it ends up
  valid and differs again on every re-plan: its VALIDATE is left out when the desired
  constraint is NOT VALID;
- inherited constraints (a partition's or child table's CHECK that only comes from its
  parent, the foreign keys PostgreSQL clones for each partition of a referenced
  partitioned table) come and go with their parent: migra's own ADD / DROP of them fail
  ("already exists" / "does not exist") and are left out;
- a foreign key on a partitioned table cannot be added NOT VALID, as migra adds every
  foreign key before validating it: it is added valid, as the desired schema has it.
"""

from __future__ import annotations

from typing import Any

from pglast.enums import AlterTableType, ConstrType, ObjectType

from app.schema.corrections.sqlnames import dotted, ident
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema

_SKIPPED = (
    AlterTableType.AT_AddConstraint,
    AlterTableType.AT_DropConstraint,
    AlterTableType.AT_ValidateConstraint,
)


def keep_constraints_as_postgresql_has_them(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    cloned = {
        (c.schema, c.table, c.name)
        for schema in (current, desired)
        for c in catalog_of(schema).inherited_constraints
    }
    not_valid = _not_valid(desired)
    kept = [
        s
        for s in statements
        if not any(_skip(cmd, key, cloned, not_valid) for cmd, key in constraint_commands(s))
    ]
    return _valid_keys_on_partitioned_tables(kept, desired)


def _valid_keys_on_partitioned_tables(
    statements: list[ParsedStatement], desired: InspectedSchema | None
) -> list[ParsedStatement]:
    partitioned = {(r.schema, r.name) for r in catalog_of(desired).relations if r.relkind == "p"}
    if desired is None or not partitioned:
        return statements
    rewritten: set[tuple[str, str, str]] = set()
    result: list[ParsedStatement] = []
    for statement in statements:
        cmds = constraint_commands(statement)
        if len(cmds) != 1 or cmds[0][1][:2] not in partitioned:
            result.append(statement)
        elif _unvalidated_fk(cmds[0][0]):
            key = cmds[0][1]
            definition = desired.raw.constraints[dotted(key)].definition
            sql = f"ALTER TABLE {dotted(key[:2])} ADD CONSTRAINT {ident(key[2])} {definition}"
            result.append(ParsedStatement.of(sql))
            rewritten.add(key)
        elif not (
            cmds[0][0].subtype == AlterTableType.AT_ValidateConstraint and cmds[0][1] in rewritten
        ):
            result.append(statement)
    return result


def _unvalidated_fk(cmd: Any) -> bool:
    if cmd.subtype != AlterTableType.AT_AddConstraint:
        return False
    return bool(cmd.def_.contype == ConstrType.CONSTR_FOREIGN and cmd.def_.skip_validation)


def _not_valid(desired: InspectedSchema | None) -> set[str]:
    if desired is None:
        return set()
    return {
        key
        for key, constraint in desired.raw.constraints.items()
        if str(constraint.definition).endswith("NOT VALID")
    }


def _skip(cmd: Any, key: tuple[str, str, str], cloned: set[Any], not_valid: set[str]) -> bool:
    if cmd.subtype in _SKIPPED and key in cloned:
        return True
    return cmd.subtype == AlterTableType.AT_ValidateConstraint and dotted(key) in not_valid


def constraint_commands(statement: ParsedStatement) -> list[tuple[Any, tuple[str, str, str]]]:
    """(command, (schema, table, constraint)) for each constraint command of an ALTER TABLE."""
    if statement.kind != "AlterTableStmt" or statement.node.objtype != ObjectType.OBJECT_TABLE:
        return []
    relation = statement.node.relation
    table = (relation.schemaname or "public", relation.relname)
    pairs = []
    for cmd in statement.node.cmds:
        name = cmd.def_.conname if cmd.subtype == AlterTableType.AT_AddConstraint else cmd.name
        if name:
            pairs.append((cmd, (*table, name)))
    return pairs
