"""Corrections around migra's output, for the cases where its plan is wrong.

migra is the diff engine, but it is no longer developed and some of its plans fail or do not
converge. Each correction is a small function over the statement list, driven by the
inspected schemas (which carry PostgreSQL's dependency information), and covered by cases in
``tests/cases``. :class:`CorrectedDiffer` applies them behind the ``SchemaDiffer`` interface.
"""

from app.schema.corrections.differ import CorrectedDiffer

__all__ = ["CorrectedDiffer"]
