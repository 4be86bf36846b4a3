"""pending.sql: the plan as a file people review and may edit, and reading it back.

Deterministic: the same plan renders byte-identically (no timestamps), so re-planning an
unchanged situation commits nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.schema.plan import Plan, terminated
from app.schema.sqltext import SourceStatement, split_statements

EDIT_HINT = (
    "To change this plan, edit the statements below and push to this branch; schemagate "
    "rehearses the edited SQL and accepts it only if it still reaches the desired schema."
)
_HEADER_FIELDS = ("plan", "target", "repository", "base commit", "base fingerprint", "desired")


def render_pending_sql(plan: Plan) -> str:
    """The content of pending.sql for ``plan``."""
    header = [
        f"-- schemagate plan {plan.short_id}",
        f"-- plan: {plan.plan_id}",
        f"-- target: {plan.target}",
        f"-- repository: {plan.repository or '-'}",
        f"-- base commit: {plan.base_sha or '-'}",
        f"-- base fingerprint: {plan.base_fingerprint}",
        f"-- desired: {plan.desired_hash}",
        f"-- statements: {len(plan.statements)}, destructive: {len(plan.destructive)}, "
        f"with hazards: {len(plan.with_hazards)}",
        f"-- {EDIT_HINT}",
    ]
    body = "".join(f"{terminated(s.sql)}\n\n" for s in plan.statements)
    return "\n".join(header) + "\n\n" + body


@dataclass(frozen=True)
class PendingFile:
    """pending.sql as read back: its header fields and its statements."""

    header: dict[str, str]
    statements: list[SourceStatement]


def parse_pending_sql(content: str, *, file: str = "pending.sql") -> PendingFile:
    """Read a (possibly hand-edited) pending.sql; a syntax error names its line and column."""
    header: dict[str, str] = {}
    for line in content.splitlines():
        if not line.startswith("-- "):
            break
        key, sep, value = line[3:].partition(": ")
        if sep and key in _HEADER_FIELDS:
            header[key] = value.strip()
    return PendingFile(header=header, statements=split_statements(content, file=file))
