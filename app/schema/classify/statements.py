"""Rules for every statement other than ``ALTER TABLE``, keyed by parse-node class.

A statement without a rule (CREATE TABLE/VIEW/FUNCTION/TYPE, GRANT, COMMENT, INSERT, …) only
adds objects or privileges and is neither destructive nor hazardous.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from pglast import ast
from pglast.enums import CmdType, DropBehavior, ObjectType, RoleSpecType

from app.schema.classify import altertable, maintenance
from app.schema.classify.model import (
    HOLDS_ROWS,
    NOTHING,
    ClassificationContext,
    Effect,
    Hazard,
    Rule,
    combine,
    destroys,
    hazard,
    locks,
    outside_transaction,
)
from app.schema.classify.names import Relation, qualify, qualify_names, render, show, strings, walk

# Dropping one of these locks it (an index: its table) ACCESS EXCLUSIVE.
_LOCKED_BY_DROP: Final = HOLDS_ROWS | {ObjectType.OBJECT_INDEX}
# Relation kinds whose dotted names get the default schema, like created_relations.
_RELATION_KINDS: Final = _LOCKED_BY_DROP | {ObjectType.OBJECT_VIEW, ObjectType.OBJECT_SEQUENCE}
# Objects named "<name> ON <table>"; dropping or renaming one locks the table.
_TABLE_MEMBERS: Final = frozenset(
    {ObjectType.OBJECT_TRIGGER, ObjectType.OBJECT_POLICY, ObjectType.OBJECT_RULE}
)
_NOUNS: Final = {
    ObjectType.OBJECT_MATVIEW: "materialized view",
    ObjectType.OBJECT_TABCONSTRAINT: "constraint",
    ObjectType.OBJECT_DOMCONSTRAINT: "constraint",
    ObjectType.OBJECT_FDW: "foreign-data wrapper",
    ObjectType.OBJECT_FOREIGN_SERVER: "server",
    ObjectType.OBJECT_STATISTIC_EXT: "statistics object",
}
_DOMAIN_ACTIONS: Final = {
    "T": "AlterDefault", "N": "DropNotNull", "O": "SetNotNull", "C": "AddConstraint",
    "X": "DropConstraint", "V": "ValidateConstraint",
}  # fmt: skip


def noun(objtype: ObjectType | None) -> str:
    if objtype is None:
        return "object"
    return _NOUNS.get(objtype, objtype.name.removeprefix("OBJECT_").lower().replace("_", " "))


def _cascade(behavior: DropBehavior | None) -> str:
    return (
        " (CASCADE: objects that depend on it go too)"
        if behavior == DropBehavior.DROP_CASCADE
        else ""
    )


def _drop(node: ast.DropStmt, context: ClassificationContext) -> Effect:
    """Every DROP destroys; dropping a table or index (or what lives on a table) also locks."""
    effect = NOTHING
    for target in node.objects or ():
        name, relation = _dropped(node.removeType, target, context.default_schema)
        effect += destroys(f"drops {noun(node.removeType)} {name}{_cascade(node.behavior)}")
        if node.concurrent:
            effect += outside_transaction("DROP INDEX CONCURRENTLY")
        elif relation is not None and node.removeType == ObjectType.OBJECT_INDEX:
            effect += _locks_table_of_index(relation)
        elif relation is not None:
            effect += locks(relation)
    return effect


def _dropped(
    objtype: ObjectType | None, target: Any, default_schema: str
) -> tuple[str, Relation | None]:
    """The dropped object's display name, and the relation whose lock the DROP takes (for an
    index, PostgreSQL locks its table; the index name stands for it)."""
    names = strings(target) if isinstance(target, tuple) else []
    if not names:
        return render(target), None
    if objtype in _TABLE_MEMBERS and len(names) > 1:
        table = qualify_names(names[:-1], default_schema)
        return f"{show(names[-1])} on {show(*table)}", table
    if objtype in _RELATION_KINDS:
        relation = qualify_names(names, default_schema)
        return show(*relation), relation if objtype in _LOCKED_BY_DROP else None
    return show(*names), None


def _locks_table_of_index(index: Relation) -> Effect:
    """Keyed by the index, so an index the plan created on a new table drops the hazard."""
    reason = f"takes an ACCESS EXCLUSIVE lock on the table of index {show(*index)}"
    return hazard(Hazard.ACCESS_EXCLUSIVE_LOCK, reason, index)


def _truncate(node: ast.TruncateStmt, context: ClassificationContext) -> Effect:
    relations = [qualify(rv, context.default_schema) for rv in node.relations or ()]
    cascade = _cascade(node.behavior)
    return combine(destroys(f"truncates {show(*r)}{cascade}") + locks(r) for r in relations)


def _modifies_rows(node: ast.Node, context: ClassificationContext) -> Effect:
    """DELETE, UPDATE and MERGE … UPDATE/DELETE lose or overwrite data, also when nested in a
    data-modifying WITH clause."""
    effect = NOTHING
    for child in walk(node):
        verb = _data_loss_verb(child)
        relation = getattr(child, "relation", None)
        if verb is not None and isinstance(relation, ast.RangeVar):
            effect += destroys(f"{verb} rows of {show(*qualify(relation, context.default_schema))}")
    return effect


def _data_loss_verb(node: ast.Node) -> str | None:
    if isinstance(node, ast.DeleteStmt):
        return "deletes"
    if isinstance(node, ast.UpdateStmt):
        return "overwrites"
    if isinstance(node, ast.MergeStmt) and any(
        isinstance(clause, ast.MergeWhenClause)
        and clause.commandType in (CmdType.CMD_UPDATE, CmdType.CMD_DELETE)
        for clause in node.mergeWhenClauses or ()
    ):
        return "updates or deletes"
    return None


def _create_table(node: ast.CreateStmt, context: ClassificationContext) -> Effect:
    """CREATE TABLE … PARTITION OF locks the parent ACCESS EXCLUSIVE (ATTACH would not)."""
    if node.partbound is None:
        return NOTHING
    parents = [r for r in node.inhRelations or () if isinstance(r, ast.RangeVar)]
    return combine(locks(qualify(parent, context.default_schema)) for parent in parents)


def _locks_table(attribute: str) -> Rule:
    """For statements that change how a table is read (policies, rules): ACCESS EXCLUSIVE."""

    def rule(node: ast.Node, context: ClassificationContext) -> Effect:
        table = getattr(node, attribute)
        return locks(qualify(table, context.default_schema))

    return rule


def _rename(node: ast.RenameStmt, context: ClassificationContext) -> Effect:
    relation = qualify(node.relation, context.default_schema) if node.relation else None
    what = _renamed(node, relation)
    effect = hazard(
        Hazard.RENAMES_OBJECT, f"renames {what} to {show(node.newname or '?')}", relation
    )
    if relation is not None and _rename_locks(node):
        effect += locks(relation)
    return effect


def _renamed(node: ast.RenameStmt, relation: Relation | None) -> str:
    kind, member = noun(node.renameType), node.subname
    if relation is not None and node.renameType in (
        ObjectType.OBJECT_COLUMN,
        ObjectType.OBJECT_ATTRIBUTE,
    ):
        return f"{kind} {show(*relation, member or '?')}"
    owner = show(*relation) if relation is not None else None
    if owner is None and node.object is not None:
        owner = render(node.object)
    if owner is None:
        return f"{kind} {show(member or '?')}"
    return f"{kind} {show(member)} on {owner}" if member else f"{kind} {owner}"


def _rename_locks(node: ast.RenameStmt) -> bool:
    if node.renameType == ObjectType.OBJECT_COLUMN:
        return node.relationType in HOLDS_ROWS
    return node.renameType in HOLDS_ROWS | _TABLE_MEMBERS | {ObjectType.OBJECT_TABCONSTRAINT}


def _set_schema(node: ast.AlterObjectSchemaStmt, context: ClassificationContext) -> Effect:
    """Moving an object to another schema breaks clients that name it schema-qualified."""
    relation = qualify(node.relation, context.default_schema) if node.relation else None
    name = show(*relation) if relation is not None else render(node.object or ())
    reason = f"moves {noun(node.objectType)} {name} to schema {show(node.newschema or '?')}"
    effect = hazard(Hazard.RENAMES_OBJECT, reason, relation)
    if relation is not None and node.objectType in HOLDS_ROWS:
        effect += locks(relation)
    return effect


def _alter_enum(node: ast.AlterEnumStmt, _context: ClassificationContext) -> Effect:
    enum = render(node.typeName or ())
    if node.oldVal is not None:
        reason = f"renames value '{node.oldVal}' of enum {enum} to '{node.newVal}'"
        return hazard(Hazard.RENAMES_OBJECT, reason)
    # PostgreSQL 12+ accepts ADD VALUE in a transaction, but the value cannot be used before
    # that transaction commits, and migra emits it ahead of the statements that use it.
    reason = f"runs alone in autocommit: a value added to enum {enum} is unusable until committed"
    return hazard(Hazard.OUTSIDE_TRANSACTION, reason)


def _alter_domain(node: ast.AlterDomainStmt, _context: ClassificationContext) -> Effect:
    """A domain constraint is checked against every column of that type, in every table."""
    domain = render(node.typeName or ())
    if node.subtype == "X":
        return destroys(f"drops constraint {show(node.name or '?')} on domain {domain}")
    scan = f"checks every column of domain {domain} in every table that uses it"
    if node.subtype == "O":
        return hazard(Hazard.SCAN_UNDER_LOCK, f"SET NOT NULL {scan}")
    if (
        node.subtype == "C"
        and isinstance(node.def_, ast.Constraint)
        and not node.def_.skip_validation
    ):
        return hazard(Hazard.SCAN_UNDER_LOCK, f"ADD CONSTRAINT {scan}")
    return NOTHING


def _opaque(what: str) -> Rule:
    """Procedural code can do anything; schemagate assumes the worst so a person reads it."""
    return lambda _node, _context: destroys(f"{what}, whose effects cannot be analysed")


def _grant(node: ast.GrantStmt, _context: ClassificationContext) -> Effect:
    if node.is_grant:
        return NOTHING
    privileges = ", ".join((p.priv_name or "").upper() for p in node.privileges or ()) or "ALL"
    roles = ", ".join(_grantee(r) for r in node.grantees or ())
    what = render(node.objects or ())
    reason = f"revokes {privileges} on {what} from {roles}"
    return hazard(Hazard.REVOKES_PRIVILEGES, reason)


def _grantee(role: ast.RoleSpec) -> str:
    if role.roletype == RoleSpecType.ROLESPEC_PUBLIC:
        return "PUBLIC"
    if role.rolename is None:
        return "CURRENT_USER"
    return show(role.rolename)


def _roles(node: Any) -> list[str]:
    return [
        role.rolename or role.roletype.name
        for role in node.roles or ()
        if isinstance(role, ast.RoleSpec) and role.roletype is not None
    ]


def _drop_roles(node: ast.DropRoleStmt, _context: ClassificationContext) -> Effect:
    return combine(destroys(f"drops role {show(role)}") for role in _roles(node))


def _drop_owned(node: ast.DropOwnedStmt, _context: ClassificationContext) -> Effect:
    owners = ", ".join(show(role) for role in _roles(node))
    return destroys(f"drops every object owned by {owners}{_cascade(node.behavior)}")


def _drop_user_mapping(node: ast.DropUserMappingStmt, _context: ClassificationContext) -> Effect:
    return destroys(f"drops a user mapping for server {show(node.servername or '?')}")


def _alter_op_family(node: ast.AlterOpFamilyStmt, _context: ClassificationContext) -> Effect:
    family = render(node.opfamilyname or ())
    return destroys(f"drops members of operator family {family}") if node.isDrop else NOTHING


RULES: Final[dict[type[ast.Node], Rule]] = {
    **maintenance.RULES,
    ast.AlterTableStmt: altertable.alter_table,
    ast.DropStmt: _drop,
    ast.TruncateStmt: _truncate,
    **{cls: _modifies_rows for cls in
       (ast.DeleteStmt, ast.UpdateStmt, ast.MergeStmt, ast.InsertStmt, ast.SelectStmt)},
    ast.CreateStmt: _create_table,
    ast.CreatePolicyStmt: _locks_table("table"),
    ast.AlterPolicyStmt: _locks_table("table"),
    ast.RuleStmt: _locks_table("relation"),
    ast.RenameStmt: _rename,
    ast.AlterObjectSchemaStmt: _set_schema,
    ast.AlterEnumStmt: _alter_enum,
    ast.AlterDomainStmt: _alter_domain,
    ast.DoStmt: _opaque("runs a DO block"),
    ast.CallStmt: _opaque("calls a procedure"),
    ast.DropRoleStmt: _drop_roles,
    ast.DropOwnedStmt: _drop_owned,
    ast.DropUserMappingStmt: _drop_user_mapping,
    ast.AlterOpFamilyStmt: _alter_op_family,
    ast.GrantStmt: _grant,
}  # fmt: skip


_KIND_DETAILS: Final[dict[type[ast.Node], Callable[[Any], str | None]]] = {
    ast.AlterTableStmt: altertable.kind_detail,
    ast.DropStmt: lambda n: n.removeType.name if n.removeType is not None else None,
    ast.RenameStmt: lambda n: n.renameType.name if n.renameType is not None else None,
    ast.AlterObjectSchemaStmt: lambda n: n.objectType.name if n.objectType is not None else None,
    ast.CreateTableAsStmt: lambda n: n.objtype.name if n.objtype is not None else None,
    ast.ReindexStmt: lambda n: n.kind.name if n.kind is not None else None,
    ast.AlterEnumStmt: lambda n: "RenameValue" if n.oldVal is not None else "AddValue",
    ast.AlterDomainStmt: lambda n: _DOMAIN_ACTIONS.get(n.subtype or ""),
    ast.VacuumStmt: lambda n: "VACUUM" if n.is_vacuumcmd else "ANALYZE",
}


def kind(node: ast.Node) -> str:
    """The node class, refined where the class alone would hide what the statement does."""
    detail_of = _KIND_DETAILS.get(type(node))
    detail = detail_of(node) if detail_of is not None else None
    return f"{type(node).__name__}/{detail}" if detail else type(node).__name__
