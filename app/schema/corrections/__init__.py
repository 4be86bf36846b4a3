"""Corrections around migra's output, for the cases where its plan is wrong.

migra is the diff engine, but it is no longer developed and some of its plans fail or do not
converge, and it does not look at some object kinds at all. Each correction is a small
function over the statement list (parsed with pglast), driven by the inspected schemas:
schemainspect's objects, and our own catalog data (``app.schema.catalog``: comments,
sequence and view options, domains, partition index attachments, pg_depend uses of
functions, …) for what schemainspect does not read. Each is covered by cases in
``tests/cases``. :class:`CorrectedDiffer` applies them behind the ``SchemaDiffer`` interface.

SQL the corrections write quotes every identifier and writes every value (a comment, an
enum label) as a literal (``sqlnames.py``), so no name or text can change a statement.
"""

from app.schema.corrections.differ import CorrectedDiffer, engine_differ

__all__ = ["CorrectedDiffer", "engine_differ"]
