"""Webhook deliveries: signed HTTP POSTs sent from a background thread, kept for inspection
and re-sending.

Like the real forges, events are delivered asynchronously (the API call that caused them has
already answered) and in order. Every delivery is recorded with its exact headers and body,
and :meth:`Outbox.redeliver` sends one again with the same delivery id, as GitHub's
"Redeliver" button and GitLab's retries do, so receivers' deduplication can be tested.
"""

from __future__ import annotations

import hashlib
import hmac
import queue
import threading
import uuid
from dataclasses import dataclass, field

import httpx

_STOP = object()


@dataclass
class Delivery:
    """One webhook delivery. ``id`` is what receivers deduplicate on: ``X-GitHub-Delivery``
    on GitHub, ``X-Gitlab-Event-UUID`` on GitLab."""

    id: str
    forge: str
    event: str
    url: str
    headers: dict[str, str]
    body: bytes
    responses: list[int | str] = field(default_factory=list)  # status, or the error text


def github_signature(secret: str, body: bytes) -> str:
    """``X-Hub-Signature-256``: ``sha256=`` + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def github_legacy_signature(secret: str, body: bytes) -> str:
    """``X-Hub-Signature`` (SHA-1), still sent alongside the SHA-256 one."""
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def new_uuid() -> str:
    return str(uuid.uuid4())


class Outbox:
    """The queue of deliveries and the thread that sends them."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._queue: queue.Queue[Delivery | object] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="devforge-hooks", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=10)
            self._thread = None

    def send(self, delivery: Delivery) -> None:
        with self._lock:
            self.deliveries.append(delivery)
        self._queue.put(delivery)

    def redeliver(self, delivery_id: str) -> Delivery:
        """Send a recorded delivery again: same id, same body, same signature."""
        found = self.find(delivery_id)
        headers = dict(found.headers)
        if "X-Gitlab-Webhook-UUID" in headers:
            headers["X-Gitlab-Webhook-UUID"] = new_uuid()  # GitLab makes one per request
        again = Delivery(found.id, found.forge, found.event, found.url, headers, found.body)
        self.send(again)
        return again

    def find(self, delivery_id: str) -> Delivery:
        with self._lock:
            for delivery in reversed(self.deliveries):
                if delivery.id == delivery_id:
                    return delivery
        raise KeyError(f"no delivery {delivery_id}")

    def wait(self, timeout: float = 10.0) -> None:
        """Block until every queued delivery was attempted (tests call this before asserting)."""
        if self._thread is None:
            return  # not sending: nothing will be attempted
        done = threading.Event()
        self._queue.put(done)
        if not done.wait(timeout):
            raise TimeoutError(f"webhook deliveries still pending after {timeout} s")

    def _run(self) -> None:
        with httpx.Client(timeout=10.0) as client:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                if isinstance(item, threading.Event):
                    item.set()
                elif isinstance(item, Delivery):
                    self._post(client, item)

    @staticmethod
    def _post(client: httpx.Client, delivery: Delivery) -> None:
        try:
            response = client.post(delivery.url, content=delivery.body, headers=delivery.headers)
            delivery.responses.append(response.status_code)
        except httpx.HTTPError as exc:
            delivery.responses.append(f"{type(exc).__name__}: {exc}")
