"""A sequence that stops being owned by a column: migra drops the column (or its table)
first, which drops the owned sequence with it, and only then writes ``ALTER SEQUENCE …
OWNED BY NONE`` (the sequence is gone by then, and the desired one is lost). Releasing a
sequence from its column has no prerequisites, so those statements move to the start."""

from __future__ import annotations

from app.schema.corrections.statements import ParsedStatement
from app.schema.inspection import InspectedSchema


def release_sequences_first(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    releases = [s for s in statements if _releases_ownership(s)]
    return [*releases, *(s for s in statements if not _releases_ownership(s))]


def _releases_ownership(statement: ParsedStatement) -> bool:
    """``ALTER SEQUENCE … OWNED BY NONE`` and nothing else."""
    if statement.kind != "AlterSeqStmt" or len(statement.node.options or ()) != 1:
        return False
    option = statement.node.options[0]
    names = [getattr(n, "sval", None) for n in option.arg or ()]
    return bool(option.defname == "owned_by" and names == ["none"])
