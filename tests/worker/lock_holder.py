"""Holds a target lock in its own process: ``python -m tests.worker.lock_holder URL TTL SECONDS``.

Prints ``held`` once it holds the lock, then keeps it for SECONDS (or until killed).
"""

from __future__ import annotations

import sys
import time

from app.locks import TargetLocks
from app.wiring import redis_client


def main(url: str, ttl: float, seconds: float) -> None:
    locks = TargetLocks(redis_client(url), ttl_seconds=ttl)
    with locks.hold("acme/shop", "prod", wait_seconds=10):
        print("held", flush=True)
        time.sleep(seconds)
    print("released", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]))
