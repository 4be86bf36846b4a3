"""What ``/readyz`` and ``/metrics`` ask of the services."""

from __future__ import annotations

import redis.exceptions
import sqlalchemy.exc

from app.metrics import render_metrics
from app.redact import redact
from app.wiring import Services


def check_ready(services: Services) -> list[str]:
    """Problems that keep this process from doing its work (empty: ready)."""
    problems: list[str] = []
    try:
        services.store.ping()
    except sqlalchemy.exc.SQLAlchemyError as exc:
        problems.append(f"state store unreachable: {redact(str(exc).splitlines()[0])}")
    try:
        services.redis.ping()
    except redis.exceptions.RedisError as exc:
        problems.append(f"broker unreachable: {redact(str(exc))}")
    return problems


def metrics_text(services: Services) -> str:
    with services.store.session() as session:
        return render_metrics(session)


def broker_alive(services: Services) -> bool:
    """A quick yes/no for the publisher (no retries: it asks again for the next batch)."""
    try:
        return bool(services.redis.ping())
    except redis.exceptions.RedisError:
        return False
