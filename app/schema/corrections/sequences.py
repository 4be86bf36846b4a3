"""Sequence options: migra creates every sequence bare (``bigint``, start 1, …), never
compares increment, bounds, cache, cycle or start, and ignores the options of identity
columns, so serial sequences come back as ``bigint`` and option changes are never planned.

A sequence the plan creates gets every option that differs from what its creation gives
(with RESTART, so a new sequence really starts at its START value); an existing one gets
ALTERs for the options that changed (without RESTART: its position is data). A plain
sequence is altered right after its creation, an identity column's sequence (through
``ALTER TABLE … ALTER COLUMN … SET …``) at the end of the plan, when its column exists.
"""

from __future__ import annotations

from app.schema.catalog import SequenceOptions
from app.schema.corrections.dropped import removed_objects
from app.schema.corrections.sqlnames import dotted, ident
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema

_MAXIMUM = {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}

Key = tuple[str, str]


def sync_sequence_options(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before = {(s.schema, s.name): s for s in catalog_of(current).sequences}
    rebuilt = _created_sequences(statements) | removed_objects(statements).objects
    after_creation: dict[Key, str] = {}
    at_end: list[str] = []
    for new in catalog_of(desired).sequences:
        key = (new.schema, new.name)
        old = before.get(key)
        if key in rebuilt or old is None or old.identity != new.identity:
            clause = _changes(_created(new), new, identity=new.identity)
            if clause and new.identity:
                at_end.append(f"{_alter(new)} {clause} RESTART")
            elif clause:
                after_creation[key] = f"{_alter(new)} {clause} RESTART"
        elif clause := _changes(old, new, identity=new.identity):
            at_end.append(f"{_alter(new)} {clause}")
    return _placed(statements, after_creation, at_end)


def _alter(sequence: SequenceOptions) -> str:
    if sequence.identity and sequence.owned_by is not None:
        schema, table, column = sequence.owned_by
        return f"ALTER TABLE {dotted((schema, table))} ALTER COLUMN {ident(column)}"
    return f"ALTER SEQUENCE {dotted((sequence.schema, sequence.name))}"


def _created_sequences(statements: list[ParsedStatement]) -> set[Key]:
    return {
        (s.node.sequence.schemaname or "public", s.node.sequence.relname)
        for s in statements
        if s.kind == "CreateSeqStmt"
    }


def _created(new: SequenceOptions) -> SequenceOptions:
    """What ``CREATE SEQUENCE name`` makes, or an identity column of ``new``'s type."""
    data_type = new.data_type if new.identity else "bigint"
    return new._replace(
        data_type=data_type,
        start=1,
        increment=1,
        minimum=1,
        maximum=_MAXIMUM.get(data_type, _MAXIMUM["bigint"]),
        cache=1,
        cycle=False,
    )


def _changes(old: SequenceOptions, new: SequenceOptions, *, identity: bool) -> str:
    """The clauses that turn ``old``'s options into ``new``'s (``SET …`` for identity)."""
    retyped = old.data_type != new.data_type and not identity
    clauses = [f"AS {new.data_type}"] if retyped else []
    if old.increment != new.increment:
        clauses.append(f"INCREMENT BY {new.increment}")
    if old.minimum != new.minimum or retyped:
        clauses.append(f"MINVALUE {new.minimum}")
    if old.maximum != new.maximum or retyped:
        clauses.append(f"MAXVALUE {new.maximum}")
    if old.start != new.start:
        clauses.append(f"START WITH {new.start}")
    if old.cache != new.cache:
        clauses.append(f"CACHE {new.cache}")
    if old.cycle != new.cycle:
        clauses.append("CYCLE" if new.cycle else "NO CYCLE")
    if identity:
        return " ".join(f"SET {clause}" for clause in clauses)
    return " ".join(clauses)


def _placed(
    statements: list[ParsedStatement], after_creation: dict[Key, str], at_end: list[str]
) -> list[ParsedStatement]:
    result: list[ParsedStatement] = []
    for statement in statements:
        result.append(statement)
        if statement.kind == "CreateSeqStmt":
            node = statement.node.sequence
            sql = after_creation.pop((node.schemaname or "public", node.relname), None)
            if sql is not None:
                result.append(ParsedStatement.of(sql))
    leftovers = [after_creation[k] for k in sorted(after_creation)]
    return [*result, *(ParsedStatement.of(sql) for sql in [*leftovers, *at_end])]
