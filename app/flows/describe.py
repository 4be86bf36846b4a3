"""The words schemagate writes on a change request: its description, comments, statuses.

The description is the plan explained for a reviewer: every statement with its risks, the
destructive ones called out with what they would lose and the exact acknowledgment command,
and how to approve. It is edited in place when the plan changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.schema.execution import StatementRun
from app.schema.losses import Loss
from app.schema.plan import Plan, PlannedStatement

MARKER = "<!-- schemagate -->"
_CELL_LIMIT = 90


def change_request_title(*, target: str, plan: Plan, drift: bool) -> str:
    reason = "production drifted from the schema" if drift else "apply schema changes"
    return f"schemagate: {reason} ({target})"


def description(
    *,
    plan: Plan,
    approvals_required: int,
    drop_gate: bool,
    losses: Sequence[Loss],
    pending_file: str,
    drift: bool = False,
) -> str:
    """The CR description for ``plan``."""
    parts = [
        MARKER,
        f"## Plan `{plan.short_id}` for target `{plan.target}`",
        _intro(plan, pending_file, drift),
        _statement_table(plan.statements),
    ]
    if plan.destructive:
        parts.append(_destructive_section(plan, losses, drop_gate))
    parts.append(_how_to_apply(plan, approvals_required, drop_gate))
    parts.append(_facts(plan))
    return "\n\n".join(parts) + "\n"


def _intro(plan: Plan, pending_file: str, drift: bool) -> str:
    why = (
        "The target's schema no longer matches the schema in git (a change was made by "
        "hand). This request brings it back.\n\n"
        if drift
        else ""
    )
    return (
        f"{why}`{pending_file}` holds {len(plan.statements)} statement(s), rehearsed on a copy "
        f"of `{plan.target}`: {len(plan.destructive)} destructive, "
        f"{len(plan.with_hazards)} with operational hazards. You may edit `{pending_file}` "
        "in this request (e.g. turn a DROP + ADD COLUMN into a RENAME); schemagate rehearses "
        "the edit and accepts it only if it still reaches the desired schema."
    )


def _statement_table(statements: Sequence[PlannedStatement]) -> str:
    rows = ["| # | statement | destructive | hazards |", "|---|---|---|---|"]
    for index, statement in enumerate(statements, start=1):
        hazards = ", ".join(statement.classification.hazards) or "none"
        destructive = "**yes**" if statement.destructive else "no"
        rows.append(f"| {index} | {_cell(statement.sql)} | {destructive} | {hazards} |")
    return "\n".join(rows)


def _cell(sql: str) -> str:
    """One line of SQL that is safe inside a Markdown table cell."""
    text = " ".join(sql.split())
    if len(text) > _CELL_LIMIT:
        text = text[: _CELL_LIMIT - 1] + "…"
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def _destructive_section(plan: Plan, losses: Sequence[Loss], drop_gate: bool) -> str:
    lines = ["### Destructive statements", ""]
    by_statement: dict[int, list[Loss]] = {}
    for loss in losses:
        by_statement.setdefault(loss.dropped.statement_index, []).append(loss)
    for index, statement in enumerate(plan.statements):
        if statement.destructive:
            lines.append(f"- {_cell(statement.sql)}: {'; '.join(statement.classification.reasons)}")
            lines.extend(f"  - {describe_loss(loss)}" for loss in by_statement.get(index, []))
    if drop_gate:
        lines += [
            "",
            "These need an explicit acknowledgment by a user with write permission, as a "
            "comment made after the latest change to this request:",
            "",
            "```",
            f"/schemagate confirm-drop {plan.short_id}",
            "```",
        ]
    return "\n".join(lines)


def describe_loss(loss: Loss) -> str:
    """E.g. "public.orders: ~3,000 rows, 216 kB; depended on by: view public.v"."""
    facts = []
    if loss.estimated_rows is not None:
        facts.append(f"~{loss.estimated_rows:,} rows")
    if loss.size_bytes is not None:
        facts.append(human_size(loss.size_bytes))
    text = f"{loss.dropped.kind} {loss.dropped.display_name}: "
    text += ", ".join(facts) if facts else "no statistics"
    if loss.dependents:
        text += "; depended on by: " + ", ".join(loss.dependents)
    return text


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _how_to_apply(plan: Plan, approvals_required: int, drop_gate: bool) -> str:
    steps = [
        f"approve this request ({approvals_required} approval(s) from users with write "
        "permission, on its latest commit)"
    ]
    if plan.destructive and drop_gate:
        steps.append(f"comment `/schemagate confirm-drop {plan.short_id}`")
    sentence = "; then ".join(steps)
    return (
        "### How to apply\n\n"
        + sentence[0].upper()
        + sentence[1:]
        + ". schemagate then applies the plan, removes `pending.sql`, reports here and merges."
        "\n\nOther commands: `/schemagate plan` (plan again now), `/schemagate apply` (check "
        "the approvals again, e.g. after a failed apply)."
    )


def _facts(plan: Plan) -> str:
    return (
        f"<sub>plan `{plan.plan_id}` · base fingerprint `{plan.base_fingerprint[:16]}` · "
        f"desired schema `{plan.desired_hash[:16]}` · base commit `{plan.base_sha or '-'}`</sub>"
    )


def replan_comment(*, old_short_id: str, plan: Plan, reason: str) -> str:
    return (
        f"{MARKER}\nThe plan changed ({reason}): `{old_short_id}` → `{plan.short_id}`, now "
        f"{len(plan.statements)} statement(s), {len(plan.destructive)} destructive. Earlier "
        "approvals and acknowledgments apply to the old plan and no longer count."
    )


def applied_comment(*, plan: Plan, runs: Sequence[StatementRun], seconds: float) -> str:
    lines = [
        MARKER,
        f"Applied plan `{plan.short_id}` to `{plan.target}` in {seconds:.1f}s; the target now "
        "matches the desired schema.",
        "",
        "| # | statement | duration |",
        "|---|---|---|",
    ]
    lines += [f"| {r.index + 1} | {_cell(r.sql)} | {r.seconds * 1000:.0f} ms |" for r in runs]
    return "\n".join(lines)


def failed_comment(*, plan: Plan, error: str) -> str:
    return (
        f"{MARKER}\nApplying plan `{plan.short_id}` to `{plan.target}` failed; nothing of the "
        f"failed transaction was kept and this request stays open.\n\n```\n{error}\n```\n\n"
        "Fix the cause, then comment `/schemagate apply` to try again."
    )


def rehearsal_failed_comment(*, target: str, error: str, edited: bool) -> str:
    subject = "The edited `pending.sql`" if edited else "The plan"
    return (
        f"{MARKER}\n{subject} for `{target}` failed its rehearsal on a copy of the target and "
        f"cannot be applied:\n\n```\n{error}\n```"
    )
