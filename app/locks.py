"""Per-target serialization across processes and machines: a Redis lock per target.

All work on one target (plan, publish, gate, apply) runs inside
``locks.hold(repository, target, wait_seconds=…)``. The lock is a redis-py ``Lock`` with a
time-to-live; while it is held a background thread extends the TTL every third of it, so a
long apply keeps its lock and a worker that is killed (SIGKILL, lost machine) stops
extending it: the lock expires within one TTL and the next worker can take over.

Holding is re-entrant per thread: a flow that holds a target's lock may call another flow
that holds the same target's lock (apply → stale plan → re-plan) without deadlocking.
The apply itself additionally takes a PostgreSQL advisory lock on the target database
(app.schema.apply); this Redis lock is what keeps a plan and an apply of one target apart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis
from redis.exceptions import LockError, LockNotOwnedError, RedisError
from redis.lock import Lock

from app.errors import TargetBusy

log = logging.getLogger(__name__)

KEY_PREFIX = "schemagate:lock:target:"


class TargetLocks:
    """Named locks on targets, shared by every process that talks to the same Redis."""

    def __init__(self, redis: Redis, *, ttl_seconds: float = 30.0) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._held = threading.local()

    @contextmanager
    def hold(self, repository: str, target: str, *, wait_seconds: float) -> Iterator[None]:
        """Hold the target's lock for the block; raise :class:`TargetBusy` if another holder
        keeps it longer than ``wait_seconds``."""
        key = f"{KEY_PREFIX}{repository}:{target}"
        held: set[str] = self._held.__dict__.setdefault("keys", set())
        if key in held:
            yield
            return
        lock = self._acquire(key, repository, target, wait_seconds)
        held.add(key)
        stop = threading.Event()
        keeper = threading.Thread(
            target=self._keep_alive, args=(lock, key, stop), name=f"lock-keeper {key}", daemon=True
        )
        keeper.start()
        try:
            yield
        finally:
            stop.set()
            keeper.join()
            held.discard(key)
            self._release(lock, key)

    def _acquire(self, key: str, repository: str, target: str, wait_seconds: float) -> Lock:
        lock: Lock = self._redis.lock(key, timeout=self._ttl, thread_local=False)
        started = time.monotonic()
        if not lock.acquire(blocking=wait_seconds > 0, blocking_timeout=max(wait_seconds, 0.0)):
            waited = round(time.monotonic() - started, 1)
            raise TargetBusy(repository=repository, target=target, waited_seconds=waited)
        return lock

    def _keep_alive(self, lock: Lock, key: str, stop: threading.Event) -> None:
        while not stop.wait(self._ttl / 3):
            try:
                lock.extend(self._ttl, replace_ttl=True)
            except LockError as exc:
                log.error(
                    "lost the lock %s while holding it (%s): another worker may start", key, exc
                )
                return
            except RedisError as exc:  # unreachable for a moment: try again until the TTL ends
                log.warning("could not extend the lock %s: %s", key, exc)

    @staticmethod
    def _release(lock: Lock, key: str) -> None:
        try:
            lock.release()
        except LockNotOwnedError:
            log.warning("the lock %s had expired before it was released", key)
