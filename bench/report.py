"""What every benchmark shares: the JSON report it leaves behind, and SIGTERM handling."""

from __future__ import annotations

import json
import os
import platform
import signal
import time
from pathlib import Path
from types import FrameType
from typing import Any


def write_report(path: Path, fields: dict[str, Any]) -> None:
    """``fields`` as JSON at ``path``, with when and on what machine they were measured."""
    document = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        **fields,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def unwind_on_sigterm() -> None:
    """SIGTERM (CI cancelling a job) unwinds like Ctrl-C, so ``finally`` blocks still stop
    processes and drop databases."""
    signal.signal(signal.SIGTERM, _raise_interrupt)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
