"""A SchemaDiffer that runs another differ (migra) and then applies the corrections."""

from __future__ import annotations

from collections.abc import Callable

from app.schema.corrections.dependent_views import recreate_views_around_type_changes
from app.schema.corrections.domains import create_and_drop_domains
from app.schema.corrections.matview_indexes import restore_matview_indexes
from app.schema.corrections.statements import ParsedStatement
from app.schema.differ import SchemaDiffer
from app.schema.inspection import InspectedSchema

Correction = Callable[
    [list[ParsedStatement], InspectedSchema | None, InspectedSchema | None], list[ParsedStatement]
]

CORRECTIONS: tuple[Correction, ...] = (
    create_and_drop_domains,
    recreate_views_around_type_changes,
    restore_matview_indexes,
)


class CorrectedDiffer:
    """``base``'s statements, passed through every correction in order."""

    def __init__(self, base: SchemaDiffer, corrections: tuple[Correction, ...] = CORRECTIONS):
        self.base = base
        self.corrections = corrections

    def diff(self, current: InspectedSchema | None, desired: InspectedSchema | None) -> list[str]:
        statements = [ParsedStatement.of(sql) for sql in self.base.diff(current, desired)]
        for correction in self.corrections:
            statements = correction(statements, current, desired)
        return [s.sql.strip().rstrip(";").rstrip() for s in statements]
