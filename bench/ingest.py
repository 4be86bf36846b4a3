"""Webhook ingestion benchmark: signed GitHub push deliveries against a real ``schemagate api``.

Starts ``schemagate api`` (uvicorn, ``--workers`` processes) with its state store in a fresh
database on the local PostgreSQL and its broker on Redis, then for each concurrency level
keeps that many keep-alive connections busy for ``--duration`` seconds, each sending signed
``push`` deliveries with unique delivery ids. It reports accepted deliveries per second and
p50/p99 latency per level, then checks that the store holds exactly as many deliveries as
were accepted and that every one was handed to the broker (nothing lost)::

    python -m bench.ingest [--duration 30] [--concurrency 8,32,64] [--workers 2]
                           [--server-url postgresql://postgres@127.0.0.1:5432/postgres]
                           [--redis-url redis://127.0.0.1:6379/12] [--output FILE.json]

The load generator speaks HTTP/1.1 on raw asyncio streams: a full HTTP client would spend
more of the two cores than the server under test.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
from psycopg import sql

from app.localnet import free_port
from app.pg import connect, with_database
from app.wiring import redis_client
from bench.report import write_report

SECRET = "bench-webhook-secret"
REPOSITORY = "bench/shop"
TARGET_P99_MS = 50.0
TARGET_RATE = 500.0
CONFIG = f"""
forges:
  github: {{base_url: "http://127.0.0.1:9", token: bench-token, webhook_secret: {SECRET},
            bot_username: schemagate-bot}}
repositories:
  - forge: github
    name: {REPOSITORY}
    targets: [{{name: prod, database_url: "postgresql://bench@127.0.0.1/prod"}}]
"""


@dataclass
class Level:
    concurrency: int
    sent: int
    accepted: int
    failed: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float


def _request(delivery: int, run: str) -> bytes:
    body = json.dumps(
        {
            "ref": "refs/heads/main",
            "before": "0" * 40,
            "after": f"{delivery:040x}",
            "deleted": False,
            "created": False,
            "forced": False,
            "commits": [],
            "repository": {"full_name": REPOSITORY, "default_branch": "main"},
            "sender": {"login": "alice", "id": 1, "type": "User"},
            "pusher": {"name": "alice", "email": "alice@example.test"},
        }
    ).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    head = (
        "POST /webhooks/github HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: push\r\nX-GitHub-Delivery: {run}-{delivery}\r\n"
        f"X-Hub-Signature-256: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


class Counter:
    def __init__(self, run: str) -> None:
        self.run = run
        self.next = 0

    def take(self) -> int:
        self.next += 1
        return self.next


async def _connection(
    port: int, counter: Counter, until: float, latencies: list[float], statuses: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            request = _request(counter.take(), counter.run)
            started = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            latencies.append(time.perf_counter() - started)
            statuses.append(status)
    finally:
        writer.close()


async def _level(port: int, counter: Counter, concurrency: int, duration: float) -> Level:
    latencies: list[float] = []
    statuses: list[int] = []
    started = time.perf_counter()
    until = started + duration
    await asyncio.gather(
        *(_connection(port, counter, until, latencies, statuses) for _ in range(concurrency))
    )
    seconds = time.perf_counter() - started
    accepted = statuses.count(202)
    ordered = sorted(latencies)
    return Level(
        concurrency=concurrency,
        sent=len(statuses),
        accepted=accepted,
        failed=len(statuses) - accepted,
        seconds=round(seconds, 2),
        per_second=round(accepted / seconds, 1),
        p50_ms=round(statistics.median(ordered) * 1000, 2),
        p99_ms=round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
    )


@contextmanager
def _fresh_database(server_url: str) -> Iterator[str]:
    name = f"sgbench_ingest_{uuid.uuid4().hex[:8]}"
    with connect(server_url) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server_url, name)
    finally:
        with connect(server_url) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def _api(store_url: str, broker_url: str, workers: int, port: int) -> Iterator[None]:
    with tempfile.TemporaryDirectory(prefix="sgbench-") as tmp:
        config = Path(tmp) / "config.yaml"
        config.write_text(CONFIG)
        env = {
            **os.environ,
            "SCHEMAGATE_CONFIG": str(config),
            "SCHEMAGATE_DATA_DIR": tmp,
            "SCHEMAGATE_STATE_STORE_URL": store_url,
            "SCHEMAGATE_BROKER_URL": broker_url,
            "SCHEMAGATE_LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable,
            "-m",
            "app.cli",
            "api",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
        process = subprocess.Popen(command, env=env)
        try:
            _wait_ready(port, process)
            yield
        finally:
            process.terminate()
            process.wait(30)


def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"schemagate api exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("schemagate api did not become ready in 60 s")


def _stored(store_url: str) -> dict[str, int]:
    with connect(store_url) as conn:
        rows = conn.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall()
    return {str(status): int(count) for status, count in rows}


def _wait_handed_over(store_url: str, timeout: float = 30.0) -> dict[str, int]:
    """The publisher threads hand over after answering: give them time to finish."""
    deadline = time.monotonic() + timeout
    while (counts := _stored(store_url)).get("received", 0) and time.monotonic() < deadline:
        time.sleep(0.5)
    return counts


@dataclass
class Result:
    workers: int
    duration: float
    levels: list[Level]
    sent: int
    accepted: int
    stored: int
    stored_by_status: dict[str, int]
    queued_in_broker: int

    @property
    def nothing_lost(self) -> bool:
        return self.sent == self.accepted == self.stored == self.queued_in_broker

    def meeting_target(self) -> list[Level]:
        return [
            lv for lv in self.levels if lv.per_second >= TARGET_RATE and lv.p99_ms < TARGET_P99_MS
        ]


def run(args: argparse.Namespace) -> Result:
    levels: list[Level] = []
    broker = redis_client(args.redis_url)
    broker.flushdb()
    port = free_port()
    with (
        _fresh_database(args.server_url) as store_url,
        _api(store_url, args.redis_url, args.workers, port),
    ):
        counter = Counter(uuid.uuid4().hex[:8])
        for concurrency in args.concurrency:
            level = asyncio.run(_level(port, counter, concurrency, args.duration))
            levels.append(level)
            print(_row(level), flush=True)
        counts = _wait_handed_over(store_url)
    queued = int(broker.llen("schemagate"))
    broker.flushdb()
    return Result(
        workers=args.workers,
        duration=args.duration,
        levels=levels,
        sent=sum(level.sent for level in levels),
        accepted=sum(level.accepted for level in levels),
        stored=sum(counts.values()),
        stored_by_status=counts,
        queued_in_broker=queued,
    )


def _row(level: Level) -> str:
    return (
        f"concurrency {level.concurrency:>4}: {level.per_second:>7.1f} deliveries/s  "
        f"p50 {level.p50_ms:>6.2f} ms  p99 {level.p99_ms:>6.2f} ms  "
        f"({level.accepted} accepted, {level.failed} not)"
    )


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n")[0])
    p.add_argument("--duration", type=float, default=30.0, help="seconds per concurrency level")
    p.add_argument(
        "--concurrency", type=lambda v: [int(x) for x in v.split(",")], default=[8, 32, 64]
    )
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    p.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    p.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    result = run(args)
    verdict = "nothing lost" if result.nothing_lost else "MISMATCH"
    print(
        f"sent {result.sent}, accepted {result.accepted}, stored {result.stored}, "
        f"handed to the broker {result.queued_in_broker}: {verdict}"
    )
    best = max(level.per_second for level in result.levels)
    meeting = ", ".join(str(level.concurrency) for level in result.meeting_target())
    print(
        f"target >= {TARGET_RATE:.0f}/s with p99 < {TARGET_P99_MS:.0f} ms: "
        f"{'met at concurrency ' + meeting if meeting else 'not met'} (best {best}/s)"
    )
    if args.output:
        write_report(args.output, {**asdict(result), "nothing_lost": result.nothing_lost})
    sys.exit(0 if result.nothing_lost else 1)


if __name__ == "__main__":
    main()
