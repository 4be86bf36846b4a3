"""The worker process's Services, built on first use in each process.

Celery's prefork pool forks children from the parent; database engines and Redis
connections must not cross a fork, so nothing is built at import time: each child builds
its own Services the first time one of its tasks runs.
"""

from __future__ import annotations

from app.config import Settings
from app.wiring import Services, build_services, install_secret_redaction

_services: Services | None = None


def services() -> Services:
    """This process's Services (from ``SCHEMAGATE_*`` and the YAML file)."""
    global _services
    if _services is None:
        _services = build_services(Settings())
        install_secret_redaction(_services)
    return _services
