"""Statement classification: what each statement of a plan destroys and risks.

Every statement is parsed with pglast (PostgreSQL's own parser), never matched with regular
expressions. A :class:`Classification` says:

- ``destructive``: it removes data or objects, or may lose or overwrite data: every DROP,
  TRUNCATE, DELETE, UPDATE, MERGE … UPDATE/DELETE, DROP DATABASE/ROLE/OWNED/…, ALTER TABLE …
  DROP COLUMN/CONSTRAINT, ALTER DOMAIN … DROP CONSTRAINT, ALTER COLUMN … TYPE unless it is a
  known lossless widening of a known current type, and DO/CALL (opaque code).
- ``hazards`` (:class:`Hazard`): the operational risks, e.g. an ACCESS EXCLUSIVE lock, a table
  rewrite, a scan while writes wait, an index build without CONCURRENTLY, a statement that
  must run outside a transaction block (then ``needs_autocommit``), a rename.
- ``reasons``: one sentence per destructive part or hazard, for the CR description.

Lock levels and rewrite behaviour follow PostgreSQL 15 (checked with ``pg_locks`` and
``relfilenode``). Rules live in ``altertable`` (ALTER TABLE sub-commands), ``typechange``
(ALTER COLUMN … TYPE), ``maintenance`` (indexes, VACUUM, server-level statements) and
``statements`` (the rest, and the dispatch table); ``planstate`` carries what earlier statements
of a plan created or changed.
"""

from app.schema.classify.classifier import classify_plan, classify_statement
from app.schema.classify.model import Classification, ClassificationContext, Hazard

__all__ = [
    "Classification",
    "ClassificationContext",
    "Hazard",
    "classify_plan",
    "classify_statement",
]
