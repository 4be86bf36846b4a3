"""Loopback plumbing for running schemagate's processes locally (the demo, tests, benchmarks)."""

from __future__ import annotations

import socket

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers_ok(url: str) -> bool:
    """Whether ``url`` answers 200 within a second (a server that is up)."""
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
