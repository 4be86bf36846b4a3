"""The service end to end, on GitHub and on GitLab: signed webhooks from the fake forge, the
API process, a Celery worker process, real PostgreSQL and Redis.

Each test is one scenario of the service issue; the numbers in the docstrings refer to it.
"""

from __future__ import annotations

import signal
import time

import httpx
import pytest

from app.pg import connect
from tests.e2e.harness import Service, audit_actions, settled, unfinished_deliveries, wait_for
from tests.support.world import BOT, World

INVOICES = "CREATE TABLE invoices (\n    id bigint PRIMARY KEY,\n    total numeric(12, 2)\n);\n"
PAYMENTS = "CREATE TABLE payments (\n    id bigint PRIMARY KEY\n);\n"
WITHOUT_FAX = "CREATE TABLE customers (\n    id integer PRIMARY KEY,\n    name text NOT NULL\n);\n"
FAX_RENAMED = (
    "CREATE TABLE customers (\n    id integer PRIMARY KEY,\n    name text NOT NULL,\n"
    "    phone text\n);\n"
)
UNIQUE_NAMES = WITHOUT_FAX.replace("name text NOT NULL", "name text NOT NULL,\n    fax text") + (
    "CREATE UNIQUE INDEX customers_name ON customers (name);\n"
)

pytestmark = pytest.mark.slow


def _columns(url: str, table: str = "customers") -> list[str]:
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            " ORDER BY ordinal_position",
            (table,),
        ).fetchall()
    return [r[0] for r in rows]


def _one_open_request(world: World, service: Service) -> int:
    requests = wait_for(
        world.open_requests,
        what="a change request to open",
        describe=lambda: service.log("worker")[-4000:],
    )
    wait_for(lambda: settled(world, service), what="the service to settle")
    requests = world.open_requests()
    assert len(requests) == 1, [r.number for r in requests]
    return requests[0].number


def _short_id(world: World, number: int) -> str:
    pending = world.pending_sql(number) or ""
    return pending.splitlines()[0].rsplit(" ", 1)[-1]


def _state(world: World, number: int) -> str:
    return world.driver.change_request(world.repo, number).state


def _head(world: World, number: int) -> str:
    return world.driver.change_request(world.repo, number).head_sha


def _wait_merged(world: World, service: Service, number: int) -> None:
    wait_for(
        lambda: _state(world, number) == "merged",
        what="the request to be merged",
        describe=lambda: service.log("worker")[-4000:],
    )


def _target_state(service: Service) -> str:
    """The production target's state as ``GET /api/targets`` reports it."""
    [target] = httpx.get(f"{service.url}/api/targets", timeout=10).json()
    return str(target["state"])


def _settle(world: World, service: Service) -> None:
    wait_for(
        lambda: settled(world, service),
        what="the service to settle",
        describe=lambda: service.log("worker")[-4000:],
    )


def test_1_additive_change(world: World, service: Service) -> None:
    """1. push → one request with the expected pending.sql → approval → applied → merged."""
    world.push_schema({"schema/002_invoices.sql": INVOICES})
    number = _one_open_request(world, service)
    pending = world.pending_sql(number) or ""
    assert 'create table "public"."invoices"' in pending and "destructive: 0" in pending
    assert world.status(_head(world, number)) == "pending"

    world.driver.approve(world.repo, number, user="alice")
    _wait_merged(world, service, number)
    assert world.pending_sql(number) is None
    assert _columns(world.target_url, "invoices") == ["id", "total"]
    assert world.status(_head(world, number)) == "success"
    actions = audit_actions(service, world)
    for action in ("published", "apply_started", "applied", "merged"):
        assert action in actions
    assert _target_state(service) == "in_sync"


def test_2_destructive_change_needs_a_valid_acknowledgment(world: World, service: Service) -> None:
    """2. approval alone does not apply; wrong plan id, read-only user, or an acknowledgment
    older than the head do not count; the correct one does."""
    world.push_schema({"schema/001_customers.sql": WITHOUT_FAX})
    number = _one_open_request(world, service)
    short_id = _short_id(world, number)
    world.driver.comment(
        world.repo, number, user="alice", body=f"/schemagate confirm-drop {short_id}"
    )
    time.sleep(1.1)  # forges stamp to the second: the next commit is strictly newer
    # A commit after that acknowledgment (pending.sql unchanged): it must be given again.
    branch = world.driver.change_request(world.repo, number).source
    world.driver.push(world.repo, user="alice", branch=branch, files={"NOTES.md": "why\n"})
    world.driver.approve(world.repo, number, user="alice")
    world.driver.comment(
        world.repo, number, user="alice", body="/schemagate confirm-drop 0123456789ab"
    )
    world.driver.comment(
        world.repo, number, user="rita", body=f"/schemagate confirm-drop {short_id}"
    )
    _settle(world, service)
    assert _columns(world.target_url) == ["id", "name", "fax"]
    assert _state(world, number) == "open"

    world.driver.comment(
        world.repo, number, user="alice", body=f"/schemagate confirm-drop {short_id}"
    )
    _wait_merged(world, service, number)
    assert _columns(world.target_url) == ["id", "name"]
    assert "acknowledged" in audit_actions(service, world)


def test_3_stale_plan_is_replanned_not_applied(world: World, service: Service) -> None:
    """3. the target changed by hand after the request opened: nothing applied, re-planned
    with a comment, earlier approvals no longer count."""
    world.push_schema({"schema/002_invoices.sql": INVOICES})
    number = _one_open_request(world, service)
    first_head = _head(world, number)
    with connect(world.target_url) as conn:
        conn.execute("ALTER TABLE customers ADD COLUMN hotfix integer")
    world.driver.approve(world.repo, number, user="alice")
    wait_for(
        lambda: _head(world, number) != first_head,
        what="the plan to be re-published",
        describe=lambda: service.log("worker")[-4000:],
    )
    _settle(world, service)
    assert _columns(world.target_url, "invoices") == []
    assert _columns(world.target_url) == ["id", "name", "fax", "hotfix"]
    assert any(
        "production changed since this plan was made" in body
        for body in world.comment_bodies(number)
    )
    assert 'drop column "hotfix"' in (world.pending_sql(number) or "")
    assert _state(world, number) == "open" and world.status(_head(world, number)) == "pending"
    assert "refused" in audit_actions(service, world)


def test_4_reviewer_turns_drop_and_add_into_a_rename(world: World, service: Service) -> None:
    """4. the edited plan rehearses, needs no DROP acknowledgment, and the rows survive."""
    world.push_schema({"schema/001_customers.sql": FAX_RENAMED})
    number = _one_open_request(world, service)
    assert 'drop column "fax"' in (world.pending_sql(number) or "")
    branch = world.driver.change_request(world.repo, number).source
    world.driver.edit_file(
        world.repo,
        user="alice",
        branch=branch,
        path="pending.sql",
        content="ALTER TABLE customers RENAME COLUMN fax TO phone;\n",
    )
    wait_for(
        lambda: any("is now plan" in b for b in world.comment_bodies(number)),
        what="the edited plan to be accepted",
        describe=lambda: service.log("worker")[-4000:],
    )
    world.driver.approve(world.repo, number, user="dev")
    _wait_merged(world, service, number)
    with connect(world.target_url) as conn:
        rows = conn.execute("SELECT phone FROM customers ORDER BY id").fetchall()
    assert rows == [("+44 1",), ("+1 2",)]
    assert "edit_accepted" in audit_actions(service, world)


def test_5_edited_plan_that_misses_the_schema_cannot_be_applied(
    world: World, service: Service
) -> None:
    """5. status failure with the residual diff; approving does not apply it."""
    world.push_schema({"schema/001_customers.sql": FAX_RENAMED})
    number = _one_open_request(world, service)
    branch = world.driver.change_request(world.repo, number).source
    head = world.driver.edit_file(
        world.repo,
        user="alice",
        branch=branch,
        path="pending.sql",
        content="ALTER TABLE customers ADD COLUMN phone text;\n",
    )
    wait_for(
        lambda: world.status(head) == "failure",
        what="status failure on the edit",
        describe=lambda: service.log("worker")[-4000:],
    )
    assert any(
        "still differs from the desired schema" in b and '"fax"' in b
        for b in world.comment_bodies(number)
    )
    world.driver.approve(world.repo, number, user="dev")
    _settle(world, service)
    assert _columns(world.target_url) == ["id", "name", "fax"]
    assert _state(world, number) == "open"


def test_6_second_push_updates_the_request_and_same_schema_changes_nothing(
    world: World, service: Service
) -> None:
    """6. one request per target; re-pushing the same desired schema commits nothing."""
    world.push_schema({"schema/002_invoices.sql": INVOICES})
    number = _one_open_request(world, service)
    world.push_schema({"schema/003_payments.sql": PAYMENTS})
    wait_for(
        lambda: "payments" in (world.pending_sql(number) or ""),
        what="the request update",
        describe=lambda: service.log("worker")[-4000:],
    )
    _settle(world, service)
    assert [r.number for r in world.open_requests()] == [number]
    head, comments = _head(world, number), len(world.comment_bodies(number))

    world.push_schema({"README.md": "the schema did not change\n"})
    _settle(world, service)
    assert _head(world, number) == head
    assert len(world.comment_bodies(number)) == comments
    assert [r.number for r in world.open_requests()] == [number]


def test_7_failed_apply_rolls_back_and_can_be_retried(world: World, service: Service) -> None:
    """7. a unique index over duplicate rows fails in PostgreSQL; after fixing the data,
    ``/schemagate apply`` succeeds."""
    with connect(world.target_url) as conn:
        conn.execute("INSERT INTO customers VALUES (3, 'Ada', NULL)")
    world.push_schema(
        {"schema/001_customers.sql": UNIQUE_NAMES, "schema/002_invoices.sql": INVOICES}
    )
    number = _one_open_request(world, service)
    world.driver.approve(world.repo, number, user="alice")
    wait_for(
        lambda: world.status(_head(world, number)) == "failure",
        what="the failed apply",
        describe=lambda: service.log("worker")[-4000:],
    )
    failure = next(b for b in world.comment_bodies(number) if "failed" in b)
    assert "customers_name" in failure and "could not create unique index" in failure
    assert _state(world, number) == "open"
    assert _columns(world.target_url, "invoices") == []  # rolled back with its segment

    with connect(world.target_url) as conn:
        conn.execute("DELETE FROM customers WHERE id = 3")
    world.driver.comment(world.repo, number, user="alice", body="/schemagate apply")
    _wait_merged(world, service, number)
    assert _columns(world.target_url, "invoices") == ["id", "total"]


def test_8_webhook_signatures_and_duplicates(world: World, service: Service) -> None:
    """8. a bad signature is refused and stores nothing; a repeated delivery runs once."""
    world.push_schema({"schema/002_invoices.sql": INVOICES})
    number = _one_open_request(world, service)
    push = next(
        d
        for d in world.driver.deliveries()
        if d.url.startswith(service.url) and d.event in ("push", "Push Hook")
    )

    forged = dict(push.headers)
    for name in ("X-Hub-Signature-256", "X-Gitlab-Token"):
        if name in forged:
            forged[name] = "sha256=" + "0" * 64 if name.startswith("X-Hub") else "wrong"
    forged["X-GitHub-Delivery"] = forged["Idempotency-Key"] = forged["X-Gitlab-Event-UUID"] = "x1"
    answer = httpx.post(push.url, content=push.body, headers=forged)
    assert answer.status_code == 401

    again = world.driver.redeliver(push.id)
    _settle(world, service)
    assert again.responses == [200]
    assert audit_actions(service, world).count("published") == 1
    assert [r.number for r in world.open_requests()] == [number]


def test_9_worker_killed_during_a_plan_leaves_one_request(world: World, service: Service) -> None:
    """9. SIGKILL of the process running the plan task: it runs again, one request."""
    world.push_schema({"schema/002_invoices.sql": INVOICES})
    wait_for(
        lambda: "processing" in service.log("worker") or unfinished_deliveries(service) > 0,
        timeout=30,
        what="the plan task to start",
    )
    children = wait_for(service.worker_children, what="the worker's pool process")
    time.sleep(0.3)
    for pid in children:
        try:
            import os

            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    number = _one_open_request(world, service)
    assert 'create table "public"."invoices"' in (world.pending_sql(number) or "")


def test_11_closed_requests_and_own_comments_never_apply(world: World, service: Service) -> None:
    """11. a request closed by a person is never applied; schemagate's own comments are
    ignored."""
    world.push_schema({"schema/002_invoices.sql": INVOICES})
    number = _one_open_request(world, service)
    world.driver.comment(world.repo, number, user=BOT, body="/schemagate apply")
    world.driver.close(world.repo, number, user="alice")
    _settle(world, service)
    world.driver.comment(world.repo, number, user="alice", body="/schemagate apply")
    _settle(world, service)
    assert _columns(world.target_url, "invoices") == []
    assert "closed_by_person" in audit_actions(service, world)
