"""What a table the plan drops and creates again (partitioned ↔ plain) must get back: migra
writes the new CREATE TABLE, but compares constraints, indexes, triggers, policies and the
row level security switch as if the table had stayed, so whatever did not change is never
created on the new table (a primary key lost, and every foreign key to it failing). Each
such object of the desired table that the plan does not create after the table itself is
added at the end of the plan: constraints (foreign keys last), indexes, triggers, policies,
and ENABLE ROW LEVEL SECURITY.
"""

from __future__ import annotations

from typing import Any

from pglast.enums import AlterTableType
from pglast.stream import RawStream

from app.schema.corrections.statements import ParsedStatement, quoted, recreated_tables
from app.schema.differ import with_quoted_roles
from app.schema.inspection import InspectedSchema
from app.schema.sqltext import split_statements


def restore_recreated_tables(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if current is None or desired is None:
        return statements
    recreated = recreated_tables(statements)
    created = [(i, k) for i, s in enumerate(statements) if (k := s.created_table()) in recreated]
    restored: list[str] = []
    references: list[str] = []  # foreign keys last: the keys they reference come first
    for index, table in created:
        done = {name for s in statements[index + 1 :] for name in _made(s, table)}
        for name, sql, is_reference in _objects_of(desired, table):
            if name not in done:
                (references if is_reference else restored).append(sql)
    return [*statements, *(ParsedStatement.of(sql) for sql in [*restored, *references])]


def _made(statement: ParsedStatement, table: str) -> list[str]:
    """Names of what ``statement`` creates on ``table`` (with a kind prefix)."""
    node: Any = statement.node
    relation = getattr(node, "relation", None) or getattr(node, "table", None)
    if relation is None or quoted(relation.schemaname or "public", relation.relname) != table:
        return []
    if statement.kind == "IndexStmt":
        return [f"index {node.idxname}"]
    if statement.kind == "CreateTrigStmt":
        return [f"trigger {node.trigname}"]
    if statement.kind == "CreatePolicyStmt":
        return [f"policy {node.policy_name}"]
    if statement.kind != "AlterTableStmt":
        return []
    made = []
    for command in node.cmds:
        if command.subtype == AlterTableType.AT_AddConstraint and command.def_.conname:
            made.append(f"constraint {command.def_.conname}")
        elif command.subtype == AlterTableType.AT_EnableRowSecurity:
            made.append("row level security")
    return made


def _on_every_partition(definition: str) -> str:
    """A partitioned table's index as ``CREATE INDEX … ON`` (pg_get_indexdef writes ``ON
    ONLY``, which leaves it invalid until each partition's index is attached): built on the
    recreated table, it takes each partition's matching index or creates one."""
    statement = ParsedStatement.of(definition)
    if statement.node.relation.inh:
        return definition
    statement.node.relation.inh = True
    return str(RawStream()(statement.node))


def _objects_of(desired: InspectedSchema, table: str) -> list[tuple[str, str, bool]]:
    """(name with kind prefix, SQL, is a foreign key) of everything the desired table has
    beside columns (not the constraints PostgreSQL clones from another's)."""
    raw = desired.raw
    clones = {(c.schema, c.table, c.name) for c in desired.catalog.inherited_constraints}
    objects = [
        (
            f"constraint {c.name}",
            f"ALTER TABLE {table} ADD CONSTRAINT {c.quoted_name} {c.definition}",
            bool(c.is_fk),
        )
        for c in raw.constraints.values()
        if c.quoted_full_table_name == table and (c.schema, c.table_name, c.name) not in clones
    ]
    objects += [
        (f"index {i.name}", _on_every_partition(str(i.definition)), False)
        for i in raw.indexes.values()
        if i.quoted_full_table_name == table and i.constraint is None
    ]
    objects += [
        (f"trigger {t.name}", sql.text, False)
        for t in raw.triggers.values()
        if quoted(t.schema, t.table_name) == table
        for sql in split_statements(t.create_statement, file="<trigger>")
    ]
    objects += [
        (f"policy {p.name}", with_quoted_roles(p).create_statement.rstrip().rstrip(";"), False)
        for p in raw.rlspolicies.values()
        if p.quoted_full_table_name == table
    ]
    if getattr(raw.tables.get(table), "rowsecurity", False):
        rls = f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"
        objects.append(("row level security", rls, False))
    return objects
