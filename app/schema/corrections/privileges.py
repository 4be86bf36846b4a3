"""Owners and privileges, for targets that manage them (``manage_privileges: true``).

migra compares table grants only, and owners not at all. This correction reads both from
our catalog (schemas, tables, views, sequences, routines, types, domains, column grants and
default privileges) and appends ``ALTER … OWNER TO``, ``GRANT`` and ``REVOKE`` at the end of
the plan, where every object the plan creates exists.

An object the plan creates, or drops and creates again, starts as PostgreSQL makes it: owned
by the role the plan runs as, with the built-in privileges of its kind plus the target's
default privileges for that role. Objects the schema files give no owner belong to the role
that loads them into the shadow database, which stands for the role schemagate applies as:
in the plan it is ``CURRENT_USER``.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.schema.catalog.model import (
    Catalog,
    ColumnGrants,
    DefaultPrivileges,
    Grant,
    Grantee,
    PrivilegedObject,
)
from app.schema.corrections.dropped import RemovedObjects, removed_objects
from app.schema.corrections.grants import grant_changes, role_sql
from app.schema.corrections.sqlnames import ident
from app.schema.corrections.statements import ParsedStatement, quoted
from app.schema.inspection import InspectedSchema

CURRENT_USER = Grantee("current_user", "")

# pg_default_acl's object type for each kind of object, and the word GRANT uses for it.
_DEFAULT_ACL_TYPE = {
    "TABLE": "r",
    "VIEW": "r",
    "MATERIALIZED VIEW": "r",
    "FOREIGN TABLE": "r",
    "SEQUENCE": "S",
    "FUNCTION": "f",
    "AGGREGATE": "f",
    "PROCEDURE": "f",
    "TYPE": "T",
    "DOMAIN": "T",
    "SCHEMA": "n",
}
_GRANT_ON = {
    "VIEW": "TABLE",
    "MATERIALIZED VIEW": "TABLE",
    "FOREIGN TABLE": "TABLE",
    "AGGREGATE": "FUNCTION",
}
_DEFAULT_OBJECTS = {"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"}


def sync_owners_and_privileges(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    if desired is None:
        return statements  # everything is dropped: nothing left to own
    removed = removed_objects(statements)
    before = Catalog() if current is None else current.catalog
    changes = [
        *_object_changes(before, desired.catalog, removed),
        *_column_changes(before, desired, removed),
        *_default_privilege_changes(
            before.default_privileges, desired.catalog.default_privileges, _schemas(desired)
        ),
    ]
    return statements + [ParsedStatement.of(sql) for sql in changes]


def _object_changes(before: Catalog, after: Catalog, removed: RemovedObjects) -> list[str]:
    surviving = {
        (o.kind, o.name): o for o in before.privileged if not removed.removes(o.schema, o.bare_name)
    }
    owners: list[str] = []
    grants: list[str] = []
    for wanted in after.privileged:
        present = surviving.get((wanted.kind, wanted.name))
        owner = present.owner if present else CURRENT_USER
        if wanted.owner != owner and not wanted.follows_table:
            owners.append(f"ALTER {wanted.kind} {wanted.name} OWNER TO {role_sql(wanted.owner)}")
        grants += grant_changes(
            present=present.grants if present else _initial_grants(wanted, before),
            wanted=wanted.grants,
            on=f"ON {_GRANT_ON.get(wanted.kind, wanted.kind)} {wanted.name}",
            owner=wanted.owner,
        )
    return owners + grants


def _initial_grants(created: PrivilegedObject, before: Catalog) -> list[Grant]:
    """The privileges PostgreSQL gives ``created`` when the plan creates it: the target's
    default privileges for the plan's role (the global entry replaces the built-in
    default, an entry for the schema adds to it)."""
    acl_type = _DEFAULT_ACL_TYPE[created.kind]
    entries = {
        (d.schema, d.objtype): d for d in before.default_privileges if d.role == CURRENT_USER
    }
    everywhere = entries.get((None, acl_type))
    grants = list(everywhere.grants if everywhere else created.default_grants)
    in_schema = entries.get((created.schema, acl_type))
    return grants + list(in_schema.grants if in_schema else ())


def _column_changes(
    before: Catalog, desired: InspectedSchema, removed: RemovedObjects
) -> list[str]:
    """Column grants: after the table's own (a table-level REVOKE takes the column's too)."""
    owners = {o.name: o.owner for o in desired.catalog.privileged}
    have = {
        (c.table, c.column): c
        for c in before.column_grants
        if not removed.removes(c.schema, c.table_name)
        and (c.schema, c.table_name, c.column) not in removed.columns
    }
    want = {(c.table, c.column): c for c in desired.catalog.column_grants}
    statements = []
    for key in sorted(set(have) | set(want)):
        column = want.get(key) or have[key]
        if key not in want and not _has_column(desired, column):
            continue  # the column (or its table) is gone: so are its grants
        statements += grant_changes(
            present=have[key].grants if key in have else (),
            wanted=want[key].grants if key in want else (),
            on=f"ON TABLE {column.table}",
            owner=owners[column.table],
            column=column.column,
        )
    return statements


def _has_column(desired: InspectedSchema, column: ColumnGrants) -> bool:
    relation = desired.raw.selectables.get(quoted(column.schema, column.table_name))
    return relation is not None and column.column in relation.columns


def _schemas(desired: InspectedSchema) -> set[str]:
    return {o.bare_name for o in desired.catalog.privileged if o.kind == "SCHEMA"}


def _default_privilege_changes(
    before: Iterable[DefaultPrivileges], after: Iterable[DefaultPrivileges], schemas: set[str]
) -> list[str]:
    """ALTER DEFAULT PRIVILEGES, entry by entry; a missing global entry means the built-in
    default (either side's row carries it), a missing schema entry means nothing. Entries
    of a schema the plan drops go with it."""
    have = {(d.role, d.schema or "", d.objtype): d for d in before if d.schema in (None, *schemas)}
    want = {(d.role, d.schema or "", d.objtype): d for d in after}
    statements = []
    for key in sorted(set(have) | set(want)):
        role, schema, objtype = key
        builtin = (want.get(key) or have[key]).builtin_grants if not schema else ()
        for_role = f"FOR ROLE {role_sql(role)} " if role.kind == "role" else ""
        in_schema = f"IN SCHEMA {ident(schema)} " if schema else ""
        statements += grant_changes(
            present=have[key].grants if key in have else builtin,
            wanted=want[key].grants if key in want else builtin,
            on=f"ON {_DEFAULT_OBJECTS[objtype]}",
            owner=role,
            prefix=f"ALTER DEFAULT PRIVILEGES {for_role}{in_schema}",
        )
    return statements
