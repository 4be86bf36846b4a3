"""Rules for ``ALTER TABLE`` (and the ALTER INDEX/VIEW/TYPE … forms that share its node).

Every sub-command takes an ACCESS EXCLUSIVE lock unless it is listed in ``_WEAKER_LOCK``
(lock levels checked against PostgreSQL 15's ``pg_locks``); the ones that do more than take a
lock have a rule in ``_RULES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from pglast import ast
from pglast.enums import AlterTableType as AT
from pglast.enums import ConstrType, ObjectType

from app.schema.classify.model import (
    HOLDS_ROWS,
    NOTHING,
    ClassificationContext,
    Effect,
    combine,
    destroys,
    locks,
    outside_transaction,
    rewrites,
    scans,
)
from app.schema.classify.names import Relation, qualify, render, show, strings, walk
from app.schema.classify.typechange import (
    LOSSY,
    Change,
    SqlType,
    compare,
    parse_sql_type,
    sql_type,
)

# ALTER VIEW/TYPE/SEQUENCE … only change the catalog; an index's locks stall its table.
_HAS_ROWS: Final = HOLDS_ROWS | {ObjectType.OBJECT_INDEX}

_WEAKER_LOCK: Final = frozenset(
    {
        AT.AT_SetStatistics, AT.AT_SetOptions, AT.AT_ResetOptions, AT.AT_ValidateConstraint,
        AT.AT_ClusterOn, AT.AT_DropCluster, AT.AT_SetRelOptions, AT.AT_ResetRelOptions,
        AT.AT_EnableTrig, AT.AT_EnableAlwaysTrig, AT.AT_EnableReplicaTrig, AT.AT_DisableTrig,
        AT.AT_EnableTrigAll, AT.AT_DisableTrigAll, AT.AT_EnableTrigUser, AT.AT_DisableTrigUser,
        AT.AT_DetachPartitionFinalize,
    }
)  # fmt: skip

_REWRITING: Final = {
    AT.AT_SetLogged: "SET LOGGED",
    AT.AT_SetUnLogged: "SET UNLOGGED",
    AT.AT_SetTableSpace: "SET TABLESPACE",
    AT.AT_SetAccessMethod: "SET ACCESS METHOD",
    AT.AT_SetExpression: "SET EXPRESSION recomputes a generated column",
}

# Functions a new column's default may call without PostgreSQL filling every row: any other
# call is treated as volatile, the safe assumption.
_NON_VOLATILE_FUNCTIONS: Final = frozenset(
    {"now", "transaction_timestamp", "statement_timestamp", "current_database",
     "current_schema", "current_setting"}
)  # fmt: skip
_SERIAL_TYPES: Final = frozenset(
    {"smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"}
)
_INDEX_CONSTRAINTS: Final = {
    ConstrType.CONSTR_PRIMARY: "PRIMARY KEY",
    ConstrType.CONSTR_UNIQUE: "UNIQUE",
    ConstrType.CONSTR_EXCLUSION: "EXCLUDE",
}
_NOT_VALID_HINT: Final = "add it NOT VALID, then VALIDATE CONSTRAINT in a later statement"


@dataclass(frozen=True)
class _Target:
    """The altered object, as the sub-command rules need it."""

    relation: Relation
    objtype: ObjectType
    context: ClassificationContext

    def column(self, name: str | None) -> str:
        return show(*self.relation, name or "?")


_Rule = Callable[[_Target, ast.AlterTableCmd], Effect]


def alter_table(node: ast.AlterTableStmt, context: ClassificationContext) -> Effect:
    """The sum of the sub-commands' effects; row hazards only for objects that hold rows."""
    objtype = ObjectType.OBJECT_TABLE if node.objtype is None else node.objtype
    target = _Target(qualify(node.relation, context.default_schema), objtype, context)
    effect = combine(_subcommand(target, cmd) for cmd in _commands(node))
    return effect if objtype in _HAS_ROWS else effect.without_row_hazards()


def kind_detail(node: ast.AlterTableStmt) -> str:
    """``AT_AddColumn+AT_AlterColumnType``: sub-command names in order, each once."""
    names = (cmd.subtype.name for cmd in _commands(node) if cmd.subtype is not None)
    return "+".join(dict.fromkeys(names))


def _commands(node: ast.AlterTableStmt) -> list[ast.AlterTableCmd]:
    return [cmd for cmd in node.cmds or () if isinstance(cmd, ast.AlterTableCmd)]


def _subcommand(target: _Target, cmd: ast.AlterTableCmd) -> Effect:
    if cmd.subtype is None:
        return NOTHING
    if cmd.subtype in _REWRITING:
        return locks(target.relation) + rewrites(target.relation, _REWRITING[cmd.subtype])
    rule = _RULES.get(cmd.subtype)
    if rule is not None:
        return rule(target, cmd)
    return NOTHING if cmd.subtype in _WEAKER_LOCK else locks(target.relation)


def _drop_column(target: _Target, cmd: ast.AlterTableCmd) -> Effect:
    noun = "attribute" if target.objtype == ObjectType.OBJECT_TYPE else "column"
    return destroys(f"drops {noun} {target.column(cmd.name)}") + locks(target.relation)


def _drop_constraint(target: _Target, cmd: ast.AlterTableCmd) -> Effect:
    reason = f"drops constraint {show(cmd.name or '?')} on {show(*target.relation)}"
    return destroys(reason) + locks(target.relation)


def _set_not_null(target: _Target, cmd: ast.AlterTableCmd) -> Effect:
    why = f"SET NOT NULL on {show(cmd.name or '?')} checks every row"
    return locks(target.relation) + scans(target.relation, why)


def _add_column(target: _Target, cmd: ast.AlterTableCmd) -> Effect:
    """A new column's inline NOT NULL needs no scan (its default fills it); CHECK, REFERENCES,
    PRIMARY KEY and UNIQUE are validated or indexed like their ADD CONSTRAINT forms."""
    column = cmd.def_
    if not isinstance(column, ast.ColumnDef):
        return locks(target.relation)
    effect = locks(target.relation) + _fills_new_column(target, column)
    for constraint in column.constraints or ():
        if (
            isinstance(constraint, ast.Constraint)
            and constraint.contype != ConstrType.CONSTR_NOTNULL
        ):
            effect += _validates(target, constraint)
    return effect


def _fills_new_column(target: _Target, column: ast.ColumnDef) -> Effect:
    """PostgreSQL 11+ stores a non-volatile default once; anything computed per row rewrites."""
    why = _per_row_value(column)
    if why is None:
        return NOTHING
    return rewrites(target.relation, f"{why} for new column {show(column.colname or '?')}")


def _per_row_value(column: ast.ColumnDef) -> str | None:
    type_names = strings(column.typeName.names) if column.typeName is not None else []
    if type_names and type_names[-1] in _SERIAL_TYPES:
        return "a serial sequence value"
    for constraint in column.constraints or ():
        if not isinstance(constraint, ast.Constraint):
            continue
        if constraint.contype == ConstrType.CONSTR_IDENTITY:
            return "an identity value"
        if constraint.contype == ConstrType.CONSTR_GENERATED and constraint.generated_kind != "v":
            return "a stored generated value"
        if constraint.contype == ConstrType.CONSTR_DEFAULT and _is_volatile(constraint.raw_expr):
            return "a volatile default"
    return None


def _is_volatile(expression: ast.Node | None) -> bool:
    return any(
        isinstance(node, ast.FuncCall) and _function_name(node) not in _NON_VOLATILE_FUNCTIONS
        for node in walk(expression)
    )


def _function_name(call: ast.FuncCall) -> str:
    names = strings(call.funcname)
    if len(names) == 1 or (len(names) == 2 and names[0] == "pg_catalog"):
        return names[-1].lower()
    return ".".join(names)


def _add_constraint(target: _Target, cmd: ast.AlterTableCmd) -> Effect:
    constraint = cmd.def_
    if not isinstance(constraint, ast.Constraint):
        return locks(target.relation)
    validation = _validates(target, constraint)
    # A foreign key takes SHARE ROW EXCLUSIVE on both tables: writes wait, reads do not.
    if constraint.contype == ConstrType.CONSTR_FOREIGN:
        return validation
    return locks(target.relation) + validation


def _validates(target: _Target, constraint: ast.Constraint) -> Effect:
    """The scan that checking or indexing a new constraint needs, unless it is NOT VALID or
    adopts an existing index."""
    name = show(constraint.conname) if constraint.conname else "the new constraint"
    if constraint.contype in _INDEX_CONSTRAINTS:
        if constraint.indexname:
            return NOTHING
        kind = _INDEX_CONSTRAINTS[constraint.contype]
        why = (
            f"builds the index for {kind} {name}; build a unique index CONCURRENTLY first and "
            "add the constraint USING INDEX"
        )
        return scans(target.relation, why)
    if constraint.skip_validation:
        return NOTHING
    if constraint.contype == ConstrType.CONSTR_FOREIGN:
        referenced = qualify(constraint.pktable, target.context.default_schema)
        why = f"checks foreign key {name} against {show(*referenced)}; {_NOT_VALID_HINT}"
        return scans(target.relation, why)
    if constraint.contype in (ConstrType.CONSTR_CHECK, ConstrType.CONSTR_NOTNULL):
        return scans(target.relation, f"checks constraint {name}; {_NOT_VALID_HINT}")
    return NOTHING


def _alter_column_type(target: _Target, cmd: ast.AlterTableCmd) -> Effect:
    column = cmd.def_
    if not isinstance(column, ast.ColumnDef) or column.typeName is None:
        return locks(target.relation)
    schema, table = target.relation
    current = target.context.column_types.get((schema, table, cmd.name or ""))
    change = _type_change(target, cmd.name, column, current)
    effect = locks(target.relation)
    if change.rewrites:
        effect += rewrites(target.relation, f"column type change of {show(cmd.name or '?')}")
    if change.lossless:
        return effect
    qualified, new_text = target.column(cmd.name), render(column.typeName)
    if current is None:
        return effect + destroys(f"changes {qualified} to {new_text} from an unknown type")
    return effect + destroys(f"narrows or converts {qualified}: {current} -> {new_text}")


def _type_change(
    target: _Target, name: str | None, column: ast.ColumnDef, current: str | None
) -> Change:
    """Lossy unless both types are known, and USING (if any) only casts the column itself."""
    schema = target.context.default_schema
    new = sql_type(column.typeName, schema) if column.typeName is not None else None
    old = parse_sql_type(current, schema) if current is not None else None
    if old is None or new is None or not _plain_using(column.raw_default, name, new, schema):
        return LOSSY
    return compare(old, new)


def _plain_using(using: ast.Node | None, column: str | None, new: SqlType, schema: str) -> bool:
    """``USING col`` and ``USING col::new_type`` (migra writes the latter) change nothing."""
    if isinstance(using, ast.TypeCast):
        if using.typeName is None or sql_type(using.typeName, schema) != new:
            return False
        using = using.arg
    if using is None:
        return True
    return isinstance(using, ast.ColumnRef) and strings(using.fields) == [column]


def _attach_partition(target: _Target, cmd: ast.AlterTableCmd) -> Effect:
    """The parent only gets SHARE UPDATE EXCLUSIVE; the partition is locked and scanned to
    prove its rows fit the bound (unless a matching CHECK constraint already proves it)."""
    if target.objtype == ObjectType.OBJECT_INDEX or not isinstance(cmd.def_, ast.PartitionCmd):
        return NOTHING
    partition = qualify(cmd.def_.name, target.context.default_schema)
    return locks(partition) + scans(partition, "ATTACH PARTITION checks the partition bound")


def _detach_partition(target: _Target, cmd: ast.AlterTableCmd) -> Effect:
    """Not destructive: the rows stay in the detached table, they just leave the parent."""
    if isinstance(cmd.def_, ast.PartitionCmd) and cmd.def_.concurrent:
        return outside_transaction("DETACH PARTITION … CONCURRENTLY")
    return locks(target.relation)


_RULES: Final[dict[AT, _Rule]] = {
    AT.AT_AddColumn: _add_column,
    AT.AT_DropColumn: _drop_column,
    AT.AT_AlterColumnType: _alter_column_type,
    AT.AT_SetNotNull: _set_not_null,
    AT.AT_AddConstraint: _add_constraint,
    AT.AT_DropConstraint: _drop_constraint,
    AT.AT_AttachPartition: _attach_partition,
    AT.AT_DetachPartition: _detach_partition,
}
