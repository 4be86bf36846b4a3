"""The three procedures the engine benchmark times, each as real subprocesses.

Timing whole processes (interpreter start-up included) is deliberate: a person or a CI job
pays for ``migra`` and ``schemagate`` as commands, so that is what the comparison is about.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app.pg import libpq_url, sqlalchemy_url
from bench.databases import BenchDatabases

VENV_BIN = Path(sys.executable).parent
DEFAULT_SCHEMAGATE = str(VENV_BIN / "schemagate")
INTERRUPT_GRACE_SECONDS = 30
PLAN_EXIT_CODES = (0, 2)  # schemagate plan and migra: 0 = no changes, 2 = changes


class BenchError(Exception):
    """A measured command failed; the message carries its command line and stderr."""


@dataclass(frozen=True)
class Workload:
    """One schema size, ready to plan: the target database and the desired files."""

    n_tables: int
    target_name: str
    target_url: str
    schema_dir: Path
    desired_sql: Path


def run_command(
    argv: list[str], *, ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``argv``; an exit code outside ``ok`` raises :class:`BenchError` with its stderr."""
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        try:
            stdout, stderr = process.communicate()
        except KeyboardInterrupt:
            _interrupt(process)
            raise
    if process.returncode not in ok:
        message = stderr.strip() or "(no stderr)"
        raise BenchError(f"{' '.join(argv)} exited {process.returncode}:\n{message}")
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def _interrupt(process: subprocess.Popen[str]) -> None:
    # subprocess.run would SIGKILL the child at once; schemagate needs a moment on SIGINT
    # to drop its shadow databases, so ask first and kill only if it does not finish.
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=INTERRUPT_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()


def require_tools(*, schemagate: str | None) -> None:
    """Fail early, naming what is missing, rather than after minutes of setup."""
    missing = [tool for tool in ("createdb", "dropdb", "psql") if shutil.which(tool) is None]
    if not (VENV_BIN / "migra").exists():
        missing.append(str(VENV_BIN / "migra"))
    if schemagate and shutil.which(schemagate) is None:
        missing.append(f"{schemagate} (install it, pass --schemagate, or pass --engines a)")
    if missing:
        raise BenchError(f"missing tools: {', '.join(missing)}")


def load_target(target_url: str, current_sql: Path) -> None:
    """Load the current schema into the (empty) target database. Not measured.

    ``synchronous_commit=off`` only speeds this set-up; one transaction is not an option,
    because N=2000 takes more locks than a default lock table holds.
    """
    env = {**os.environ, "PGOPTIONS": "-c synchronous_commit=off"}
    run_command(_psql_load(target_url, current_sql), env=env)


def _psql_load(url: str, script: Path) -> list[str]:
    # -X: ignore ~/.psqlrc, so a developer's settings cannot change what is measured.
    return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq_url(url), "-f", str(script)]


@dataclass(frozen=True)
class HandmadeRun:
    """Seconds per step of one hand-made run (and ``total``), and the script migra printed."""

    seconds: dict[str, float]
    plan_sql: str


def time_handmade(databases: BenchDatabases, work: Workload) -> HandmadeRun:
    """(a) createdb, psql the desired SQL, migra target -> shadow, dropdb; no rehearsal."""
    server = libpq_url(databases.server_url)
    name = databases.reserve("shadow")
    shadow_url = databases.url(name)
    migra = [str(VENV_BIN / "migra"), "--unsafe", sqlalchemy_url(work.target_url)]
    steps: dict[str, list[str]] = {
        "createdb": ["createdb", f"--maintenance-db={server}", name],
        "psql": _psql_load(shadow_url, work.desired_sql),
        "migra": [*migra, sqlalchemy_url(shadow_url)],
        "dropdb": ["dropdb", f"--maintenance-db={server}", name],
    }
    seconds, outputs = {}, {}
    for step, argv in steps.items():
        started = time.perf_counter()
        outputs[step] = run_command(argv, ok=PLAN_EXIT_CODES if step == "migra" else (0,))
        seconds[step] = time.perf_counter() - started
    databases.forget(name)
    seconds["total"] = sum(seconds.values())
    return HandmadeRun(seconds, outputs["migra"].stdout)


@dataclass(frozen=True)
class Schemagate:
    """How to run schemagate: its command and the shadow server it should use."""

    binary: str
    server_url: str

    def command(self, *args: str) -> list[str]:
        return [self.binary, *args, "--shadow-url", self.server_url]


def schemagate_env(data_dir: Path) -> dict[str, str]:
    """The environment for one schemagate cache: its own ``SCHEMAGATE_DATA_DIR``."""
    return {**os.environ, "SCHEMAGATE_DATA_DIR": str(data_dir)}


def clear_schemagate_cache(sg: Schemagate, data_dir: Path) -> None:
    """Drop schemagate's server-side caches (cached databases) and the local ones."""
    run_command(sg.command("cache", "clear"), env=schemagate_env(data_dir))


def time_schemagate_plan(sg: Schemagate, work: Workload, data_dir: Path) -> float:
    """Seconds for one ``schemagate plan`` (rehearsal included) with the given cache."""
    argv = sg.command(
        "plan", "--database-url", work.target_url, "--schema-dir", str(work.schema_dir)
    )
    started = time.perf_counter()
    done = run_command(argv, ok=PLAN_EXIT_CODES, env=schemagate_env(data_dir))
    elapsed = time.perf_counter() - started
    if done.returncode == 0:
        # The desired variant always differs from the target; "no changes" is suspicious.
        print(f"warning: schemagate plan found no changes at N={work.n_tables}", file=sys.stderr)
    return elapsed


def time_schemagate_cold(sg: Schemagate, work: Workload) -> float:
    """(b) one plan with no caches: server caches cleared, a fresh empty data directory."""
    with tempfile.TemporaryDirectory(prefix="sgbench-cold-") as tmp:
        data_dir = Path(tmp)
        clear_schemagate_cache(sg, data_dir)
        return time_schemagate_plan(sg, work, data_dir)


def time_schemagate_warm(sg: Schemagate, work: Workload, runs: int) -> list[float]:
    """(c) ``runs`` plans after one untimed plan of the same target and schema, same cache."""
    with tempfile.TemporaryDirectory(prefix="sgbench-warm-") as tmp:
        data_dir = Path(tmp)
        time_schemagate_plan(sg, work, data_dir)
        return [time_schemagate_plan(sg, work, data_dir) for _ in range(runs)]
