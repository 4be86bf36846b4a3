"""Run the catalog queries and turn their rows into the sorted plain data of the model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from app.schema.catalog import queries
from app.schema.catalog.model import (
    Address,
    Catalog,
    ColumnCollation,
    Comment,
    DomainConstraint,
    DomainDetail,
    FunctionUse,
    IndexAttachment,
    IndexDefinition,
    InheritedConstraint,
    Owner,
    RelationFlags,
    SequenceOptions,
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
        function_uses=tuple(sorted(FunctionUse(*row) for row in query(queries.FUNCTION_USES))),
        collations=tuple(sorted(ColumnCollation(*r) for r in query(queries.COLUMN_COLLATIONS))),
        indexes=tuple(sorted(IndexDefinition(*row) for row in query(queries.INDEXES))),
        inherited_constraints=tuple(
            sorted(InheritedConstraint(*row) for row in query(queries.INHERITED_CONSTRAINTS))
        ),
    )


def _address(row: Sequence[Any]) -> Address:
    return (row[0], tuple(row[1]), tuple(row[2]))


def _comment(row: Sequence[Any]) -> Comment:
    kind, names, args = _address(row)
    pairs = (row[4:6], row[6:8], row[8:10], row[10:12])
    owners: tuple[Owner, ...] = tuple((s, n) for s, n in pairs if s is not None)
    return Comment(kind, names, args, owners, row[3])


def _relation(row: Sequence[Any]) -> RelationFlags:
    schema, name, relkind, force, replident, index, options = row
    return RelationFlags(schema, name, relkind, force, replident, index, tuple(sorted(options)))


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
