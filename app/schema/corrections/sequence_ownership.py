"""A sequence that stops being owned by a column: migra drops the column (or its table)
first, which drops the owned sequence with it, and only then writes ``ALTER SEQUENCE …
OWNED BY NONE`` (the sequence is gone by then, and the desired one is lost). Releasing a
sequence from its column has no prerequisites, so those statements move to the start. A
sequence that moves to another column is released at the start too (its old column may be
dropped before migra's ``OWNED BY`` the new one), and so is one owned by a table the plan
drops and creates again (a serial column's sequence would go with the old table), which
is given back to its column at the end."""

from __future__ import annotations

from app.schema.corrections.sqlnames import dotted
from app.schema.corrections.statements import (
    ParsedStatement,
    catalog_of,
    quoted,
    recreated_tables,
)
from app.schema.inspection import InspectedSchema


def release_sequences_first(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    releases = [s for s in statements if _releases_ownership(s)]
    released = {_sequence(s) for s in releases}
    kept_over = _owned_by_recreated_tables(statements, current, desired)
    moved = [
        ParsedStatement.of(f"ALTER SEQUENCE {dotted(key)} OWNED BY NONE")
        for key in sorted({*_changing_owner(current, desired), *kept_over})
        if key not in released
    ]
    given_back = [
        ParsedStatement.of(f"ALTER SEQUENCE {dotted(key)} OWNED BY {dotted(owner)}")
        for key, owner in sorted(kept_over.items())
    ]
    rest = [s for s in statements if not _releases_ownership(s)]
    return [*moved, *releases, *rest, *given_back]


def _owned_by_recreated_tables(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> dict[tuple[str, str], tuple[str, str, str]]:
    """Sequences (not identity ones) owned by a column of a table the plan drops and creates
    again, that the desired schema has owned by that same column: sequence → column."""
    recreated = recreated_tables(statements)
    after = {(q.schema, q.name): q for q in catalog_of(desired).sequences}
    kept: dict[tuple[str, str], tuple[str, str, str]] = {}
    for old in catalog_of(current).sequences:
        new = after.get((old.schema, old.name))
        if old.identity or old.owned_by is None or new is None or new.owned_by != old.owned_by:
            continue
        if quoted(*old.owned_by[:2]) in recreated:
            kept[(old.schema, old.name)] = old.owned_by
    return kept


def _changing_owner(
    current: InspectedSchema | None, desired: InspectedSchema | None
) -> list[tuple[str, str]]:
    """Sequences (not identity ones) owned by one column now and by another one later."""
    before = {(q.schema, q.name): q for q in catalog_of(current).sequences}
    changing = []
    for new in catalog_of(desired).sequences:
        old = before.get((new.schema, new.name))
        if old is None or old.identity or new.identity:
            continue
        if old.owned_by is not None and new.owned_by not in (None, old.owned_by):
            changing.append((new.schema, new.name))
    return sorted(changing)


def _sequence(statement: ParsedStatement) -> tuple[str, str]:
    relation = statement.node.sequence
    return (relation.schemaname or "public", relation.relname)


def _releases_ownership(statement: ParsedStatement) -> bool:
    """``ALTER SEQUENCE … OWNED BY NONE`` and nothing else."""
    if statement.kind != "AlterSeqStmt" or len(statement.node.options or ()) != 1:
        return False
    option = statement.node.options[0]
    names = [getattr(n, "sval", None) for n in option.arg or ()]
    return bool(option.defname == "owned_by" and names == ["none"])
