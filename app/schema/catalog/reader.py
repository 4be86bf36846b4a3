"""Run the catalog queries and turn their rows into the sorted plain data of the model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from app.schema.catalog import privilege_queries, queries
from app.schema.catalog.model import (
    Address,
    Catalog,
    ClonedTrigger,
    CollationDetail,
    ColumnCollation,
    ColumnGrants,
    ColumnSettings,
    Comment,
    DefaultPrivileges,
    DefinedObject,
    DomainConstraint,
    DomainDetail,
    FunctionDependent,
    FunctionUse,
    Grant,
    Grantee,
    IndexAttachment,
    IndexDefinition,
    InheritedColumn,
    InheritedConstraint,
    Owner,
    PartitionedIndex,
    PrivilegedObject,
    RangeType,
    RelationFlags,
    SequenceOptions,
    SqlBodyFunction,
)

# Runs one read-only query without parameters and returns its rows.
Query = Callable[[str], Sequence[Sequence[Any]]]


def read_catalog(query: Query) -> Catalog:
    """Everything the catalog model holds, read with ``query``."""
    return Catalog(
        comments=tuple(sorted(_comment(row) for row in query(queries.COMMENTS))),
        commentable=tuple(sorted(_address(row) for row in query(queries.COMMENTABLE))),
        relations=tuple(sorted(_relation(row) for row in query(queries.RELATIONS))),
        sequences=tuple(sorted(_sequence(row) for row in query(queries.SEQUENCES))),
        domains=tuple(sorted(_domain(row) for row in query(queries.DOMAINS))),
        attachments=tuple(sorted(IndexAttachment(*row) for row in query(queries.ATTACHMENTS))),
        partitioned_indexes=tuple(
            sorted(_partitioned_index(row) for row in query(queries.PARTITIONED_INDEXES))
        ),
        partitioned_table_views=tuple(
            sorted((str(r[0]), str(r[1])) for r in query(queries.PARTITIONED_TABLE_VIEWS))
        ),
        function_uses=tuple(sorted(FunctionUse(*row) for row in query(queries.FUNCTION_USES))),
        function_dependents=tuple(
            sorted(FunctionDependent(*row) for row in query(queries.FUNCTION_DEPENDENTS))
        ),
        collations=tuple(sorted(ColumnCollation(*r) for r in query(queries.COLUMN_COLLATIONS))),
        indexes=tuple(sorted(IndexDefinition(*row) for row in query(queries.INDEXES))),
        inherited_constraints=tuple(
            sorted(InheritedConstraint(*row) for row in query(queries.INHERITED_CONSTRAINTS))
        ),
        collation_details=tuple(sorted(CollationDetail(*row) for row in query(queries.COLLATIONS))),
        ranges=tuple(sorted(RangeType(*row) for row in query(queries.RANGE_TYPES))),
        inherited_columns=tuple(
            sorted(InheritedColumn(*row) for row in query(queries.INHERITED_COLUMNS))
        ),
        cloned_triggers=tuple(
            sorted(ClonedTrigger(*row) for row in query(queries.CLONED_TRIGGERS))
        ),
        sql_body_functions=tuple(
            sorted(SqlBodyFunction(*row) for row in query(queries.SQL_BODY_FUNCTIONS))
        ),
        routine_dependents=tuple(
            sorted((str(r[0]), str(r[1])) for r in query(queries.ROUTINE_DEPENDENTS))
        ),
        type_dependents=tuple(
            sorted((str(r[0]), str(r[1]), str(r[2])) for r in query(queries.TYPE_DEPENDENTS))
        ),
        defined=tuple(sorted(_defined(row) for row in query(queries.DEFINED_OBJECTS))),
        column_settings=tuple(
            sorted(ColumnSettings(*row) for row in query(queries.COLUMN_SETTINGS))
        ),
        sequence_defaults=tuple(
            sorted((str(r[0]), str(r[1]), str(r[2])) for r in query(queries.SEQUENCE_DEFAULTS))
        ),
        privileged=tuple(sorted(_privileged(row) for row in query(privilege_queries.OBJECTS))),
        column_grants=tuple(
            sorted(_column_grants(row) for row in query(privilege_queries.COLUMNS))
        ),
        default_privileges=tuple(
            sorted(
                (_default_privileges(row) for row in query(privilege_queries.DEFAULTS)),
                key=lambda d: (d.role, d.schema or "", d.objtype),
            )
        ),
    )


def _address(row: Sequence[Any]) -> Address:
    return (row[0], tuple(row[1]), tuple(row[2]))


def _comment(row: Sequence[Any]) -> Comment:
    kind, names, args = _address(row)
    pairs = (row[4:6], row[6:8], row[8:10], row[10:12], row[12:14])
    owners: tuple[Owner, ...] = tuple((s, n) for s, n in pairs if s is not None)
    return Comment(kind, names, args, owners, row[3])


def _relation(row: Sequence[Any]) -> RelationFlags:
    """Options keep PostgreSQL's order (the order they were set in, as pg_dump writes
    them); the corrections compare them as sets."""
    schema, name, relkind, force, replident, index, options, row_security, partition = row
    return RelationFlags(
        schema, name, relkind, force, replident, index, tuple(options), row_security, partition
    )


def _partitioned_index(row: Sequence[Any]) -> PartitionedIndex:
    schema, name, position, columns, label = row
    return PartitionedIndex(schema, name, int(position), tuple(columns), label)


def _sequence(row: Sequence[Any]) -> SequenceOptions:
    owned_by = (row[9], row[10], row[11]) if row[9] is not None else None
    schema, name, data_type, start, increment, minimum, maximum, cache, cycle = row[:9]
    return SequenceOptions(
        schema, name, data_type, start, increment, minimum, maximum, cache, cycle, owned_by, row[12]
    )


def _domain(row: Sequence[Any]) -> DomainDetail:
    schema, name, base_type, collation, default, not_null, constraints = row
    checks = tuple(DomainConstraint(str(c[0]), str(c[1])) for c in constraints)
    return DomainDetail(schema, name, base_type, collation, default, not_null, checks)


def _defined(row: Sequence[Any]) -> DefinedObject:
    """Definitions without pg_get_ruledef's closing semicolon."""
    kind, schema, table_schema, table, name, definition, target = row
    return DefinedObject(
        kind, schema, table_schema, table, name, definition.rstrip().rstrip(";"), target
    )


def _grants(rows: Sequence[Sequence[str]]) -> tuple[Grant, ...]:
    return tuple(sorted(Grant(Grantee(k, n), p, g == "true") for k, n, p, g in rows))


def _privileged(row: Sequence[Any]) -> PrivilegedObject:
    kind, name, schema, bare_name, owner_kind, owner_name, follows_table, grants, defaults = row
    owner = Grantee(owner_kind, owner_name)
    return PrivilegedObject(
        kind, name, schema, bare_name, owner, follows_table, _grants(grants), _grants(defaults)
    )


def _default_privileges(row: Sequence[Any]) -> DefaultPrivileges:
    role_kind, role_name, schema, objtype, grants, builtin = row
    return DefaultPrivileges(
        Grantee(role_kind, role_name), schema, objtype, _grants(grants), _grants(builtin)
    )


def _column_grants(row: Sequence[Any]) -> ColumnGrants:
    table, schema, table_name, column, grants = row
    return ColumnGrants(table, schema, table_name, column, _grants(grants))
