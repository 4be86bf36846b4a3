"""``schemagate demo``: the planning engine on a laptop, with nothing installed.

Starts the embedded PostgreSQL as "production" and as the shadow server, creates a sample
database, and walks through plan → refusal of the destructive statement → acknowledged apply
→ empty re-plan, printing each step.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TextIO

from psycopg import sql

from app.embedded import embedded_postgres_url
from app.errors import DestructiveNotAllowed
from app.pg import connect, with_database
from app.schema.apply import apply_plan
from app.schema.execution import ExecutionSettings, StatementRun
from app.schema.plan import terminated
from app.schema.planner import PlanInputs
from app.schema.render import render_pending_sql
from app.schema.session import open_engine_session
from app.schema.sources import read_schema_dir

PRODUCTION_TODAY = """
CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, fax text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers,
                     placed_at timestamptz NOT NULL DEFAULT now());
INSERT INTO customers VALUES (1, 'Ada', NULL), (2, 'Grace', '+1 555 0100');
"""
DESIRED_FILES = {
    "001_customers.sql": "CREATE TABLE customers (\n    id integer PRIMARY KEY,\n"
    "    name text NOT NULL\n);\n",
    "002_orders.sql": "CREATE TABLE orders (\n    id bigint PRIMARY KEY,\n"
    "    customer_id integer NOT NULL REFERENCES customers,\n"
    "    placed_at timestamptz NOT NULL DEFAULT now()\n);\n"
    "CREATE INDEX orders_customer ON orders (customer_id);\n",
    "003_invoices.sql": "CREATE TABLE invoices (\n    id bigint PRIMARY KEY,\n"
    "    order_id bigint NOT NULL REFERENCES orders,\n    total numeric(12, 2) NOT NULL\n);\n",
}


def run_demo(*, data_dir: Path, out: TextIO) -> int:
    """Play the demo; returns the exit code (0 when production ends up as desired)."""
    say = _Narrator(out)
    say.step("Starting the embedded PostgreSQL (production and shadow server)")
    server = embedded_postgres_url(data_dir / "demo-postgres")
    production = _fresh_database(server, "shop_production")
    say.detail("production has: customers(id, name, fax), orders(id, customer_id, placed_at)")

    with tempfile.TemporaryDirectory(prefix="schemagate-demo-") as tmp:
        schema_dir = Path(tmp) / "schema"
        schema_dir.mkdir()
        for name, content in DESIRED_FILES.items():
            (schema_dir / name).write_text(content, encoding="utf-8")
        say.step(f"The desired schema in git: {', '.join(sorted(DESIRED_FILES))}")
        say.detail("customers.fax is gone, orders gets an index, invoices is new")
        inputs = PlanInputs(
            target="production",
            target_url=production,
            files=read_schema_dir(schema_dir),
            repository="acme/shop",
        )
        with open_engine_session(
            target_url=production, shadow_url=server, data_dir=data_dir
        ) as session:
            say.step("Planning: diff production against the desired schema, then rehearse")
            outcome = session.planner.plan(inputs)
            plan = outcome.plan
            say.block(render_pending_sql(plan))
            for statement in plan.statements:
                flags = ["DESTRUCTIVE"] if statement.destructive else []
                flags += list(statement.classification.hazards)
                say.detail(f"{statement.classification.kind:40} {', '.join(flags) or 'safe'}")

            say.step("Applying without acknowledging the DROP is refused")
            refusal = DestructiveNotAllowed([terminated(s.sql) for s in plan.destructive])
            say.detail("\n".join(str(refusal).splitlines()[:-1]))
            say.detail(f"a reviewer acknowledges with: /schemagate confirm-drop {plan.short_id}")

            say.step(f"Reviewer acknowledged plan {plan.short_id}: applying")
            result = apply_plan(
                target_url=production,
                plan=plan,
                desired=outcome.desired,
                differ=session.differ,
                settings=ExecutionSettings(),
                on_statement=lambda run: say.detail(_describe_run(run)),
            )
            say.detail(f"applied {len(result.runs)} statement(s) in {result.seconds:.2f}s")

            say.step("Planning again: production now equals the desired schema")
            again = session.planner.plan(inputs).plan
            say.detail("no changes" if again.is_empty else render_pending_sql(again))
    return 0 if again.is_empty else 1


def _fresh_database(server: str, name: str) -> str:
    with connect(server) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_database(server, name)
    with connect(url) as conn:
        conn.execute(PRODUCTION_TODAY.encode())
    return url


def _describe_run(run: StatementRun) -> str:
    return f"{run.seconds * 1000:6.1f} ms  {run.sql.strip().splitlines()[0]}"


class _Narrator:
    """Numbered steps with indented details, so the demo reads like a story."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def step(self, text: str) -> None:
        self.count += 1
        self.out.write(f"\n[{self.count}] {text}\n")
        self.out.flush()

    def detail(self, text: str) -> None:
        for line in text.splitlines():
            self.out.write(f"    {line}\n")
        self.out.flush()

    def block(self, text: str) -> None:
        self.detail(text.rstrip())
