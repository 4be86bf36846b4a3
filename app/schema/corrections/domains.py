"""Domains: migra inspects them but never creates or drops them.

New domains are created after the plan's leading schema, extension and enum creations
(a domain may be over an enum, and tables that use it come later); domains that are gone
from the desired schema are dropped at the very end, when no column uses them any more.
Changed domains are not handled here yet.
"""

from __future__ import annotations

from app.schema.corrections.statements import ParsedStatement
from app.schema.inspection import InspectedSchema

_PREAMBLE_KINDS = frozenset(
    {"CreateSchemaStmt", "CreateExtensionStmt", "AlterExtensionStmt", "CreateEnumStmt"}
)


def create_and_drop_domains(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before = current.raw.domains if current is not None else {}
    after = desired.raw.domains if desired is not None else {}
    creates = [
        ParsedStatement.of(after[k].create_statement) for k in sorted(after) if k not in before
    ]
    drops = [ParsedStatement.of(before[k].drop_statement) for k in sorted(before) if k not in after]
    if not creates and not drops:
        return statements
    preamble = 0
    while preamble < len(statements) and statements[preamble].kind in _PREAMBLE_KINDS:
        preamble += 1
    return [*statements[:preamble], *creates, *statements[preamble:], *drops]
