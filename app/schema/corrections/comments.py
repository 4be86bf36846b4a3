"""Comments on every object kind: migra never reads them, so it never plans them.

Comments are compared through our catalog data and set at the end of the plan, when every
object exists. A comment is (re)set when it is new or changed, when its object is new, or
when the plan drops or renames the object it hangs on (a recreated view, table or
constraint loses its comment). A comment that is gone is removed only from an object
that still exists in the desired schema.
"""

from __future__ import annotations

from app.schema.catalog import Comment
from app.schema.catalog.model import Address
from app.schema.corrections.dropped import DroppedObjects, dropped_objects
from app.schema.corrections.sqlnames import dotted, ident, literal_or_null
from app.schema.corrections.statements import ParsedStatement, catalog_of
from app.schema.inspection import InspectedSchema

_ON_RELATION = {
    "table constraint": "CONSTRAINT",
    "trigger": "TRIGGER",
    "policy": "POLICY",
    "rule": "RULE",
}
_KEYWORDS = {"statistics object": "STATISTICS"}
_ROUTINES = ("function", "procedure", "aggregate")


def sync_comments(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    before, after = catalog_of(current), catalog_of(desired)
    old = {c.address: c for c in before.comments}
    new = {c.address: c for c in after.comments}
    existing = set(before.commentable)
    dropped = dropped_objects(statements)
    sets = [
        comment_sql(address, comment.text)
        for address, comment in sorted(new.items())
        if _needs_setting(comment, old.get(address), existing, dropped)
    ]
    still_there = set(after.commentable)
    removals = [
        comment_sql(address, None)
        for address in sorted(old)
        if address not in new and address in still_there
    ]
    return [*statements, *(ParsedStatement.of(sql) for sql in [*sets, *removals])]


def _needs_setting(
    comment: Comment, old: Comment | None, existing: set[Address], dropped: DroppedObjects
) -> bool:
    if old is None or old.text != comment.text or comment.address not in existing:
        return True
    return dropped.touches(comment.owners)


def comment_sql(address: Address, text: str | None) -> str:
    """``COMMENT ON <object> IS …`` for an address from pg_identify_object_as_address."""
    return f"COMMENT ON {_target(*address)} IS {literal_or_null(text)}"


def _target(kind: str, names: tuple[str, ...], args: tuple[str, ...]) -> str:
    # Type names (and routine argument types) come from format_type(): already SQL.
    if kind.endswith(" column"):
        return f"COLUMN {dotted(names)}"
    if kind in _ON_RELATION:
        return f"{_ON_RELATION[kind]} {ident(names[-1])} ON {dotted(names[:-1])}"
    if kind == "domain constraint":
        return f"CONSTRAINT {ident(args[0])} ON DOMAIN {names[0]}"
    if kind in _ROUTINES:
        return f"{kind.upper()} {dotted(names)}({', '.join(args)})"
    if kind == "type":
        return f"TYPE {names[0]}"
    return f"{_KEYWORDS.get(kind, kind.upper())} {dotted(names)}"
