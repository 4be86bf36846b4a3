"""The change request description explains the plan to a reviewer."""

from __future__ import annotations

from app.flows.describe import describe_loss, description, human_size
from app.schema.classify import classify_plan
from app.schema.losses import DroppedObject, Loss
from app.schema.plan import Plan, PlannedStatement

SQL = [
    'create table "public"."invoices" ("id" bigint not null, "note" text)',
    'alter table "public"."customers" drop column "fax"',
    "CREATE INDEX orders_customer ON public.orders USING btree (customer_id)",
]


def _plan() -> Plan:
    statements = tuple(PlannedStatement(s, c) for s, c in zip(SQL, classify_plan(SQL), strict=True))
    return Plan(
        target="production",
        base_fingerprint="f" * 64,
        desired_hash="d" * 64,
        statements=statements,
        repository="acme/shop",
        base_sha="a" * 40,
    )


def test_description_lists_statements_losses_and_the_acknowledgment_command() -> None:
    plan = _plan()
    loss = Loss(
        DroppedObject(1, "table column", ("public", "customers", "fax")),
        1000,
        12_800,
        ("view public.with_fax",),
    )
    text = description(
        plan=plan, approvals_required=2, drop_gate=True, losses=[loss], pending_file="pending.sql"
    )
    assert f"## Plan `{plan.short_id}` for target `production`" in text
    assert '| 2 | `alter table "public"."customers" drop column "fax"` | **yes** |' in text
    assert "index_build_blocks_writes" in text
    assert (
        "table column public.customers.fax: ~1,000 rows, 12.5 kB; depended on by: "
        "view public.with_fax" in text
    )
    assert f"/schemagate confirm-drop {plan.short_id}" in text
    assert "2 approval(s)" in text
    assert plan.plan_id in text
    assert text == description(
        plan=plan, approvals_required=2, drop_gate=True, losses=[loss], pending_file="pending.sql"
    )


def test_without_the_drop_gate_no_acknowledgment_is_asked() -> None:
    text = description(
        plan=_plan(),
        approvals_required=1,
        drop_gate=False,
        losses=[],
        pending_file="db/pending.sql",
    )
    assert "confirm-drop" not in text.split("### How to apply")[1].split("Other commands")[0]
    assert "`db/pending.sql`" in text


def test_loss_and_size_wording() -> None:
    dropped = DroppedObject(0, "table", ("public", "archive"))
    assert describe_loss(Loss(dropped, None, None, ())) == "table public.archive: no statistics"
    assert human_size(500) == "500 bytes" and human_size(3 * 1024**3) == "3.0 GB"
