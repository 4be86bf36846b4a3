"""Our own catalog inspection, for what schemainspect (and so migra) does not look at.

migra compares only what schemainspect reads; comments, FORCE ROW LEVEL SECURITY, replica
identity, view options, sequence options and domain details are invisible to it, so a plan
never changes them and a re-plan never notices. :func:`read_catalog` reads them as plain,
sorted data that is pickled with the inspected schema and hashed into its fingerprint, so
"re-plan is empty" and "fingerprint unchanged" keep meaning the same thing.
"""

from app.schema.catalog.model import (
    EMPTY_CATALOG,
    Catalog,
    ColumnCollation,
    Comment,
    DomainDetail,
    IndexAttachment,
    PartitionedIndex,
    RelationFlags,
    SequenceOptions,
)
from app.schema.catalog.reader import Query, read_catalog

__all__ = [
    "EMPTY_CATALOG",
    "Catalog",
    "ColumnCollation",
    "Comment",
    "DomainDetail",
    "IndexAttachment",
    "PartitionedIndex",
    "Query",
    "RelationFlags",
    "SequenceOptions",
    "read_catalog",
]
