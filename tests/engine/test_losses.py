"""Loss estimates for destructive statements come from statistics and catalogs."""

from __future__ import annotations

from app.pg import connect
from app.schema.classify import classify_plan
from app.schema.losses import estimate_losses
from app.schema.plan import PlannedStatement
from tests.support.databases import DatabaseFactory

SCHEMA = """
CREATE TABLE customers (id int PRIMARY KEY, name text, fax text);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers (id));
CREATE VIEW with_fax AS SELECT id, fax FROM customers;
CREATE MATERIALIZED VIEW counts AS SELECT count(*) AS n FROM orders;
CREATE TYPE mood AS ENUM ('ok');
CREATE TABLE feelings (m mood);
INSERT INTO customers SELECT g, 'name ' || g, CASE WHEN g % 2 = 0 THEN 'fax number ' || g END
  FROM generate_series(1, 1000) g;
INSERT INTO orders SELECT g, 1 + g % 1000 FROM generate_series(1, 3000) g;
ANALYZE;
"""


def _planned(sql: list[str]) -> list[PlannedStatement]:
    return [PlannedStatement(s, c) for s, c in zip(sql, classify_plan(sql), strict=True)]


def test_losses_of_dropped_tables_columns_and_types(databases: DatabaseFactory) -> None:
    url = databases.create(SCHEMA)
    plan = _planned(
        [
            'alter table "public"."customers" drop column "fax"',
            "CREATE TABLE unrelated (x int)",
            'drop table "public"."orders"',
            'drop materialized view if exists "public"."counts"',
            'drop type "public"."mood"',
            'drop table if exists "public"."never_existed"',
        ]
    )
    with connect(url) as conn:
        losses = {loss.dropped.display_name: loss for loss in estimate_losses(conn, plan)}

    fax = losses["public.customers.fax"]
    assert fax.estimated_rows == 1000
    assert fax.size_bytes is not None and 500 * 10 < fax.size_bytes < 500 * 30
    assert fax.dependents == ("view with_fax",)

    orders = losses["public.orders"]
    assert orders.estimated_rows == 3000 and orders.size_bytes and orders.size_bytes > 8192
    assert orders.dependents == ("materialized view counts",)
    assert losses["public.counts"].estimated_rows == 1

    assert losses["public.mood"].dependents == ("column m of table feelings",)
    missing = losses["public.never_existed"]
    assert (missing.estimated_rows, missing.dependents) == (None, ())
    assert orders.dropped.statement_index == 2
