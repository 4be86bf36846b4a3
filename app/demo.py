"""``schemagate demo``: the whole loop on a laptop, with nothing installed.

Starts the embedded PostgreSQL (as "production" and as the shadow server), the embedded
Redis, the local fake forge, and schemagate's API and worker as real processes; creates a
sample repository with ``schema/*.sql``; then plays what a team does: a push that adds a
table and drops a column → the change request with pending.sql → an approval (the apply waits:
the DROP needs an acknowledgment) → ``/schemagate confirm-drop <plan-id>`` → apply →
pending.sql removed, request merged → production equals the desired schema.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO, TypeVar

import yaml
from psycopg import sql

from app.devforge import DevForge, Driver, Role
from app.devforge.model import ChangeRequest
from app.embedded import embedded_postgres_url, embedded_redis_url
from app.errors import SchemagateError
from app.localnet import answers_ok, free_port
from app.pg import connect, with_database

T = TypeVar("T")
REPO = "acme/shop"
BOT, BOT_TOKEN, SECRET = "schemagate-bot", "demo-bot-token", "demo-webhook-secret"
PRODUCTION_TODAY = """
CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, fax text);
INSERT INTO customers VALUES (1, 'Ada', NULL), (2, 'Grace', '+1 555 0100');
"""
SCHEMA_TODAY = {
    "schema/001_customers.sql": "CREATE TABLE customers (\n    id integer PRIMARY KEY,\n"
    "    name text NOT NULL,\n    fax text\n);\n",
}
SCHEMA_CHANGE = {
    "schema/001_customers.sql": "CREATE TABLE customers (\n    id integer PRIMARY KEY,\n"
    "    name text NOT NULL\n);\n",
    "schema/002_invoices.sql": "CREATE TABLE invoices (\n    id bigint PRIMARY KEY,\n"
    "    customer_id integer NOT NULL REFERENCES customers,\n"
    "    total numeric(12, 2) NOT NULL\n);\n",
}


def run_demo(*, data_dir: Path, out: TextIO) -> int:
    """Play the demo; returns 0 when production ends up equal to the desired schema."""
    say = _Narrator(out)
    say.step("Starting embedded PostgreSQL and Redis, and a local fake of GitHub")
    server = embedded_postgres_url(data_dir / "demo-postgres")
    broker = embedded_redis_url(data_dir / "demo-redis.db")
    production = _fresh_database(server, "shop_production")
    with DevForge() as forge, tempfile.TemporaryDirectory(prefix="schemagate-demo-") as tmp:
        github = _sample_repository(forge)
        say.detail(
            f"repository {REPO} holds schema/001_customers.sql; production has "
            "customers(id, name, fax) with 2 rows"
        )
        env = _service_environment(Path(tmp), forge, production, server, broker, data_dir)
        say.step("Starting schemagate: the webhook API and a worker, as processes")
        with _processes(env, Path(tmp)) as api_url:
            github.add_webhook(REPO, f"{api_url}/webhooks/github", secret=SECRET)
            say.detail(f"API at {api_url}; the fake GitHub sends signed webhooks to it")
            return _play(say, github, production)


def _play(say: _Narrator, github: Driver, production: str) -> int:
    say.step("dev pushes to main: a new invoices table, and customers.fax is dropped")
    github.push(
        REPO,
        user="dev",
        branch="main",
        files=dict(SCHEMA_CHANGE),
        message="Add invoices, drop the fax column",
    )
    request = _wait(lambda: _open_request(github), "the change request")
    pending = (github.read_file(REPO, ref=request.head_sha, path="pending.sql") or b"").decode()
    say.detail(f'schemagate opened #{request.number} "{request.title}" with pending.sql:')
    say.block(pending)
    say.detail("and explains it in the description:")
    say.block(_statement_table(request.body))
    short_id = pending.splitlines()[0].rsplit(" ", 1)[-1]

    say.step("alice approves the request")
    github.approve(REPO, request.number, user="alice")
    waiting = _wait(lambda: _status(github, request.head_sha, "acknowledgment"), "the gate")
    say.detail(f'not applied: the commit status says "{waiting}"')

    say.step(f"alice acknowledges the DROP: /schemagate confirm-drop {short_id}")
    github.comment(REPO, request.number, user="alice", body=f"/schemagate confirm-drop {short_id}")
    _wait(
        lambda: github.change_request(REPO, request.number).state == "merged",
        "the apply and the merge",
        timeout=180,
    )
    report = next(n.body for n in github.comments(REPO, request.number) if "Applied plan" in n.body)
    say.block(report.replace("<!-- schemagate -->", "").strip())
    say.detail(f"pending.sql was removed in a commit and #{request.number} merged")

    say.step("Production now equals the desired schema")
    columns = _columns(production)
    say.detail(", ".join(f"{table}({', '.join(cols)})" for table, cols in columns.items()))
    expected = {"customers": ["id", "name"], "invoices": ["id", "customer_id", "total"]}
    return 0 if columns == expected else 1


def _sample_repository(forge: DevForge) -> Driver:
    github = forge.github
    github.add_user(BOT, token=BOT_TOKEN)
    for person in ("dev", "alice"):
        github.add_user(person, token=f"{person}-token")
    github.create_repo(REPO, owner=BOT, files=dict(SCHEMA_TODAY))
    github.set_permission(REPO, "dev", Role.WRITE)
    github.set_permission(REPO, "alice", Role.WRITE)
    return github


def _service_environment(
    tmp: Path, forge: DevForge, production: str, server: str, broker: str, data_dir: Path
) -> dict[str, str]:
    config = tmp / "schemagate.yaml"
    github = {
        "base_url": forge.github_url,
        "token": "${SCHEMAGATE_DEMO_TOKEN}",
        "webhook_secret": "${SCHEMAGATE_DEMO_SECRET}",
        "bot_username": BOT,
    }
    target = {"name": "production", "database_url": production}
    repository = {"forge": "github", "name": REPO, "targets": [target]}
    config.write_text(yaml.safe_dump({"forges": {"github": github}, "repositories": [repository]}))
    return {
        "SCHEMAGATE_CONFIG": str(config),
        "SCHEMAGATE_STATE_STORE_URL": f"sqlite:///{tmp / 'state.db'}",
        "SCHEMAGATE_BROKER_URL": broker,
        "SCHEMAGATE_SHADOW_URL": server,
        "SCHEMAGATE_DATA_DIR": str(data_dir),
        "SCHEMAGATE_LOG_LEVEL": "INFO",  # to the log files; the worker says when it is ready
        "SCHEMAGATE_DEMO_TOKEN": BOT_TOKEN,
        "SCHEMAGATE_DEMO_SECRET": SECRET,
    }


@contextmanager
def _processes(env: dict[str, str], tmp: Path) -> Iterator[str]:
    """``schemagate api`` and ``schemagate worker`` as child processes; yields the API URL."""
    port = free_port()
    command = [sys.executable, "-c", "from app.cli import main; main()"]
    children = [
        _spawn([*command, "api", "--port", str(port)], env, tmp / "api.log"),
        _spawn([*command, "worker", "--concurrency", "1"], env, tmp / "worker.log"),
    ]
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: answers_ok(f"{url}/healthz"), "the API to start", timeout=60)
        _wait(
            lambda: "ready" in (tmp / "worker.log").read_text(errors="replace"),
            "the worker to start",
            timeout=60,
        )
        yield url
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()


def _spawn(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as handle:  # the child keeps its own copy
        return subprocess.Popen(
            argv, env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT
        )


def _wait(check: Callable[[], T | None], what: str, *, timeout: float = 90) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise SchemagateError(f"the demo timed out waiting for {what}")


def _open_request(github: Driver) -> ChangeRequest | None:
    with github.store.lock:
        requests = [cr for cr in github.store.repos[REPO].crs.values() if cr.state == "open"]
    return requests[0] if requests else None


def _status(github: Driver, sha: str, containing: str) -> str | None:
    for status in reversed(github.statuses(REPO, sha)):
        if status.context == "schemagate/production" and containing in (status.description or ""):
            return status.description
    return None


def _statement_table(description: str) -> str:
    return "\n".join(line for line in description.splitlines() if line.startswith("|"))


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


def _columns(url: str) -> dict[str, list[str]]:
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


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
