"""A real uvicorn serving the API on loopback, with a real store and a real Redis broker.

The broker is a Redis database of its own (flushed before and after each test), so the
messages the API enqueues can be counted and never reach another test's worker.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from app.api import create_app
from app.config import FileConfig, Settings, parse_file_config
from app.store.models import Delivery
from app.wiring import Services, build_services, redis_client

GITHUB_SECRET = "github-hook-secret-0123"
GITLAB_SECRET = "gitlab-hook-secret-4567"
BOT = "schemagate-bot"
CONFIG_YAML = f"""
forges:
  github: {{base_url: "http://127.0.0.1:9", token: gh-token, webhook_secret: {GITHUB_SECRET},
            bot_username: {BOT}}}
  gitlab: {{url: "http://127.0.0.1:9", token: gl-token, webhook_secret: {GITLAB_SECRET},
            bot_username: {BOT}}}
repositories:
  - forge: github
    name: acme/shop
    targets: [{{name: prod, database_url: "postgresql://u:pw@127.0.0.1:5432/prod"}}]
  - forge: gitlab
    name: acme/billing
    targets: [{{name: prod, database_url: "postgresql://u:pw@127.0.0.1:5432/billing"}}]
"""
BROKER_DB = 13
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def own_redis_db(url: str, db: int = BROKER_DB) -> str:
    """The same Redis server, another database number."""
    if url.startswith("redis+socket://"):
        return f"{url.split('?')[0]}?virtual_host={db}"
    return url.rsplit("/", 1)[0] + f"/{db}"


@dataclass
class Api:
    url: str
    services: Services
    client: httpx.Client

    def rows(self) -> list[Delivery]:
        with self.services.store.session() as s:
            return list(s.query(Delivery).order_by(Delivery.id))

    def queued(self) -> list[int]:
        """The delivery row ids of the process_delivery messages waiting in the broker."""
        messages = [
            json.loads(m) for m in self.services.redis.lrange(self.services.tasks.queue, 0, -1)
        ]
        return sorted(json.loads(_body(m))[0][0] for m in messages)

    def wait_for(self, check: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < deadline, "condition not reached in time"
            time.sleep(0.02)


def _body(message: dict[str, Any]) -> str:
    import base64

    return base64.b64decode(message["body"]).decode()


def github_push(
    *,
    ref: str = "refs/heads/main",
    sender: str = "alice",
    repository: str = "acme/shop",
    deleted: bool = False,
) -> dict[str, Any]:
    return {
        "ref": ref,
        "before": "0" * 40,
        "after": "a" * 40,
        "deleted": deleted,
        "repository": {"full_name": repository, "default_branch": "main"},
        "sender": {"login": sender, "id": 7, "type": "User"},
        "commits": [],
    }


def github_headers(
    body: bytes, *, event: str = "push", delivery: str = "d-1", secret: str = GITHUB_SECRET
) -> dict[str, str]:
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature,
        "Content-Type": "application/json",
    }


def encode(payload: object) -> bytes:
    return json.dumps(payload).encode()


def make_services(
    tmp_path: Path,
    store_url: str,
    broker_url: str,
    config: FileConfig | None = None,
    **settings: Any,
) -> Services:
    return build_services(
        Settings(state_store_url=store_url, broker_url=broker_url, data_dir=tmp_path, **settings),
        file_config=config or parse_file_config(CONFIG_YAML),
    )


@pytest.fixture
def broker_url(redis_url: str) -> Iterator[str]:
    url = own_redis_db(redis_url)
    client = redis_client(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state.db'}"


@contextmanager
def serving(services: Services) -> Iterator[Api]:
    """The API of ``services`` on a real uvicorn, in a thread, on a free loopback port."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(services), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=url, timeout=10) as client:
        try:
            yield Api(url, services, client)
        finally:
            server.should_exit = True
            thread.join(10)
            services.close()


@pytest.fixture
def api(tmp_path: Path, store_url: str, broker_url: str) -> Iterator[Api]:
    with serving(make_services(tmp_path, store_url, broker_url)) as running:
        yield running
