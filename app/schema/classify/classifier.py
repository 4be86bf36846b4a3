"""Classifying one statement, or a plan's statements in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pglast import ast

from app.schema.classify.model import (
    NOTHING,
    ROW_HAZARDS,
    Classification,
    ClassificationContext,
    Hazard,
)
from app.schema.classify.names import Relation
from app.schema.classify.parsing import parse_statement
from app.schema.classify.planstate import PlanState
from app.schema.classify.statements import RULES, kind

DEFAULT_CONTEXT: Final = ClassificationContext()


def classify_statement(
    sql: str,
    *,
    context: ClassificationContext = DEFAULT_CONTEXT,
    created_relations: frozenset[Relation] = frozenset(),
) -> Classification:
    """Classifies one SQL statement.

    ``created_relations`` are (schema, name) of relations the plan creates before this
    statement: they have no rows and no clients yet, so lock, rewrite, scan, index-build and
    rename hazards on them are dropped. Raises ``SqlSyntaxError`` if PostgreSQL's parser
    rejects the text and ``ValueError`` if it holds other than exactly one statement.
    """
    return _classify(parse_statement(sql), context, created_relations)


def classify_plan(
    statements: Sequence[str], *, context: ClassificationContext = DEFAULT_CONTEXT
) -> list[Classification]:
    """Classifies each statement; tracks relations created earlier in the same plan (CREATE
    TABLE/MATERIALIZED VIEW) so lock/scan/index hazards are not reported for a table that has
    no rows yet. Column types are carried forward too, so a type change is judged from the
    type the plan's earlier statements left (see ``planstate``)."""
    state = PlanState(context)
    classifications = []
    for sql in statements:
        node = parse_statement(sql)
        classifications.append(_classify(node, state.context, state.created))
        state = state.after(node)
    return classifications


def _classify(
    node: ast.Node, context: ClassificationContext, created: frozenset[Relation]
) -> Classification:
    rule = RULES.get(type(node))
    effect = rule(node, context) if rule is not None else NOTHING
    findings = [
        f for f in effect.findings if not (f.hazard in ROW_HAZARDS and f.relation in created)
    ]
    hazards = tuple(sorted({f.hazard for f in findings}))
    return Classification(
        kind=kind(node),
        destructive=bool(effect.destroys),
        hazards=hazards,
        needs_autocommit=Hazard.OUTSIDE_TRANSACTION in hazards,
        reasons=tuple(dict.fromkeys([*effect.destroys, *(f.reason for f in findings)])),
    )
