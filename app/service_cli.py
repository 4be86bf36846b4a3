"""``schemagate api | worker | beat | serve``: the service's processes.

Every command first builds and validates the Services once in its own process, so a bad
setting fails at start-up with a message naming the key, and the state store's schema is
upgraded before anything uses it. Embedded servers are started by the command that needs
them and their URLs exported (``SCHEMAGATE_BROKER_URL``), so the processes it starts (uvicorn
workers, Celery pool children, ``serve``'s three parts) share one embedded Redis instead of
each starting its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import TextIO

from app.config import Settings
from app.embedded import embedded_redis_url
from app.wiring import Services, build_services, install_secret_redaction
from worker.celery_app import create_celery

STOP_GRACE_SECONDS = 20.0


def resolved_settings() -> Settings:
    """Settings with the embedded broker started (if no URL is set) and exported."""
    settings = Settings()
    if not settings.broker_url:
        url = embedded_redis_url(settings.data_dir / "redis.db")
        os.environ["SCHEMAGATE_BROKER_URL"] = url
        settings = Settings()
    return settings


def started_services() -> Services:
    services = build_services(resolved_settings())
    install_secret_redaction(services)
    return services


def run_api(*, host: str, port: int, workers: int) -> int:
    """Serve the API with uvicorn; each uvicorn worker process builds its own Services."""
    import uvicorn

    services = started_services()
    level = services.settings.log_level.lower()
    services.close()
    uvicorn.run(
        "app.api.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=level,
        log_config=None,  # uvicorn's records go to the root handlers, which mask secrets
        access_log=False,
    )
    return 0


def run_worker(*, concurrency: int) -> int:
    """A Celery worker (prefork pool) consuming schemagate's queue."""
    services = started_services()
    app = create_celery(
        services.settings, broker_url=services.broker_url, file_config=services.config
    )
    level = services.settings.log_level.upper()
    services.close()
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            f"--loglevel={level}",
            f"--queues={services.settings.queue}",
            "--without-gossip",
            "--without-mingle",
        ]
    )
    return 0


def run_beat() -> int:
    """Celery beat: sends the drift check and the sweeper on schedule. Run exactly one."""
    services = started_services()
    app = create_celery(
        services.settings, broker_url=services.broker_url, file_config=services.config
    )
    level = services.settings.log_level.upper()
    services.settings.data_dir.mkdir(parents=True, exist_ok=True)  # beat keeps its schedule there
    services.close()
    app.start(["beat", f"--loglevel={level}"])
    return 0


def run_serve(*, host: str, port: int, concurrency: int, err: TextIO) -> int:
    """API + worker + beat as child processes sharing embedded servers; Ctrl-C stops all."""
    services = started_services()  # validates, upgrades the store, starts the embedded Redis
    services.close()
    python = [sys.executable, "-m", "app.cli"]
    commands = {
        "api": [*python, "api", "--host", host, "--port", str(port)],
        "worker": [*python, "worker", "--concurrency", str(concurrency)],
        "beat": [*python, "beat"],
    }
    children = {name: subprocess.Popen(command) for name, command in commands.items()}
    print(f"schemagate: serving on http://{host}:{port} (Ctrl-C stops)", file=err)
    try:
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
        exited = next(name for name, child in children.items() if child.poll() is not None)
        print(f"schemagate: the {exited} process exited; stopping the others", file=err)
        code = 1
    except KeyboardInterrupt:
        code = 0
    _stop(list(children.values()))
    return code


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
