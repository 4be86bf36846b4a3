"""``schemagate serve``: API + worker + beat as one process group; Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.config import FileConfig, Settings, parse_file_config
from app.localnet import free_port
from tests.api.conftest import CONFIG_YAML
from tests.worker.conftest import ROOT
from worker.celery_app import create_celery
from worker.queue import CHECK_DRIFT, SWEEP_DELIVERIES


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_serve_runs_all_parts_and_ctrl_c_stops_them(tmp_path: Path, broker: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG_YAML)
    port = free_port()
    env = {
        **os.environ,
        "SCHEMAGATE_CONFIG": str(config),
        "SCHEMAGATE_DATA_DIR": str(tmp_path),
        "SCHEMAGATE_BROKER_URL": broker,
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        parts = _children(process.pid)
        assert len(parts) == 3
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        assert process.wait(30) == 0
        assert all(not Path(f"/proc/{pid}").exists() for pid in parts)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_beat_schedules_the_drift_check_from_the_config_and_the_sweeper(tmp_path: Path) -> None:
    config: FileConfig = parse_file_config("drift_check_interval_seconds: 120\n")
    app = create_celery(
        Settings(data_dir=tmp_path), broker_url="redis://127.0.0.1:1/0", file_config=config
    )
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert schedule == {CHECK_DRIFT: 120.0, SWEEP_DELIVERIES: 60.0}
    assert (
        app.conf.task_acks_late,
        app.conf.task_reject_on_worker_lost,
        app.conf.worker_prefetch_multiplier,
    ) == (True, True, 1)
