"""Handing stored deliveries to the broker, off the request path.

The webhook answer only waits for the state store: the row id goes onto an in-process
queue and this thread publishes it, then records the hand-over for a whole batch in one
UPDATE. If the broker is down the rows stay ``received`` and the sweeper re-enqueues them
once it is back; if the process dies with ids still queued, the same happens. Nothing the
API accepted depends on this thread for durability, only for speed.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence

import redis.exceptions
import sqlalchemy.exc
from kombu.exceptions import OperationalError as BrokerUnreachable

from app.redact import redact
from app.store import Store, deliveries

log = logging.getLogger(__name__)

BATCH = 256
_STOP = -1


class Publisher:
    """``submit(row_id)`` returns at once; ``send(row_ids)`` runs on the publisher thread.

    ``broker_alive`` is asked once per batch: kombu retries a refused connection for
    seconds per message, a plain ping fails in milliseconds.
    """

    def __init__(
        self,
        store: Store,
        send: Callable[[Sequence[int]], None],
        broker_alive: Callable[[], bool],
    ) -> None:
        self._store = store
        self._send = send
        self._broker_alive = broker_alive
        self._queue: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="publisher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Publish what is queued (up to ``timeout``), then stop."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    def submit(self, row_id: int) -> None:
        self._queue.put(row_id)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < BATCH and not self._queue.empty():
                batch.append(self._queue.get())
            stopping = _STOP in batch
            self._publish([row_id for row_id in batch if row_id != _STOP])
            if stopping:
                return

    def _publish(self, batch: list[int]) -> None:
        if not batch:
            return
        if not self._broker_alive():
            log.warning("broker unreachable, %d delivery(ies) left for the sweeper", len(batch))
            return
        try:
            self._send(batch)
        except (BrokerUnreachable, redis.exceptions.RedisError, OSError) as exc:
            log.warning(
                "broker unreachable, %d delivery(ies) left for the sweeper: %s",
                len(batch),
                redact(str(exc)),
            )
            return
        try:
            with self._store.session() as session:
                deliveries.mark_enqueued(session, batch)
        except sqlalchemy.exc.SQLAlchemyError as exc:  # the tasks run anyway; only the note is lost
            log.warning("could not note %d hand-over(s): %s", len(batch), redact(str(exc)))
