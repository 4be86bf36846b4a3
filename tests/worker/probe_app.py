"""A Celery app built by worker.celery_app with test-only tasks, for the worker subprocess.

Run as ``celery -A tests.worker.probe_app worker``; the broker and queue come from
``PROBE_BROKER_URL`` and ``PROBE_QUEUE`` so each test has its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.config import FileConfig, Settings
from worker.celery_app import create_celery

app = create_celery(
    Settings(
        data_dir=Path(os.environ.get("PROBE_DATA_DIR", "/tmp")), queue=os.environ["PROBE_QUEUE"]
    ),
    broker_url=os.environ["PROBE_BROKER_URL"],
    file_config=FileConfig(),
    include=["tests.worker.probe_tasks"],
)
