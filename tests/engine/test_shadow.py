"""Shadow databases are always dropped; stale ones from dead processes are cleaned up."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.errors import ServerVersionMismatch
from app.pg import connect, database_name
from app.schema.shadow import SHADOW_PREFIX, ShadowServer


def _exists(server_url: str, name: str) -> bool:
    with connect(server_url) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


@pytest.mark.smoke
def test_shadow_database_is_dropped_after_use_and_on_error(postgres_url: str) -> None:
    shadow = ShadowServer(postgres_url)
    try:
        with shadow.database() as url:
            name = database_name(url)
            assert _exists(postgres_url, name)
        assert not _exists(postgres_url, name)

        with pytest.raises(RuntimeError), shadow.database() as url:
            name = database_name(url)
            raise RuntimeError("boom")
        assert not _exists(postgres_url, name)
    finally:
        shadow.close()


CRASHING_CHILD = """
import os, sys
from app.schema.shadow import ShadowServer
shadow = ShadowServer(sys.argv[1])
name = shadow.create_detached()
print(name, flush=True)
os._exit(9)  # dies without cleaning up, like a SIGKILLed worker
"""


def test_stale_shadow_of_a_dead_process_is_dropped_but_live_ones_are_kept(
    postgres_url: str,
) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CRASHING_CHILD, postgres_url],
        capture_output=True,
        text=True,
        check=False,
    )
    stale = child.stdout.strip()
    assert stale.startswith(SHADOW_PREFIX) and _exists(postgres_url, stale)

    live_owner = ShadowServer(postgres_url)
    cleaner = ShadowServer(postgres_url)
    try:
        with live_owner.database() as live_url:
            live = database_name(live_url)
            dropped = cleaner.cleanup_stale()
            assert stale in dropped
            assert not _exists(postgres_url, stale)
            assert live not in dropped and _exists(postgres_url, live)
    finally:
        live_owner.close()
        cleaner.close()


def test_version_mismatch_is_refused_with_advice(postgres_url: str) -> None:
    shadow = ShadowServer(postgres_url)
    major = shadow.major_version()
    with pytest.raises(ServerVersionMismatch, match=f"PostgreSQL {major - 1}"):
        shadow.require_major_version(major - 1)
