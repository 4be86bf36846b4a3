"""The service under test for :mod:`bench.service`: the whole GitOps loop on real servers.

The fake GitHub (:class:`app.devforge.DevForge`) runs in this process; ``schemagate api`` and
``schemagate worker`` run as child processes configured like production (a YAML file,
``SCHEMAGATE_*`` variables, PyGithub's default request pacing). Unlike ``schemagate demo``,
the state store, the shadow server and the broker are the local PostgreSQL and Redis the
engine benchmark uses, so push → change request compares with ``schemagate plan``; a queue
name of the run's own keeps other workers on the same Redis away from its tasks.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml

from app.devforge import DevForge, Driver, Role
from app.localnet import answers_ok, free_port
from app.pg import connect
from bench.pipelines import BenchError

T = TypeVar("T")
BOT, BOT_TOKEN = "schemagate-bot", "sgbench-bot-token"
PUSHER = "dev"
SECRET = "sgbench-webhook-secret"
TARGET = "prod"
POLL_SECONDS = 0.02  # the timed wait: fine enough for a result in seconds, cheap in-process
SETTLE_POLL_SECONDS = 0.2
START_TIMEOUT_SECONDS = 60.0
STOP_GRACE_SECONDS = 30.0
UNFINISHED = ("received", "enqueued", "processing")


@dataclass(frozen=True)
class Slot:
    """One repository the service manages, with its target database (one pair per run)."""

    repo: str
    target_name: str
    target_url: str


@dataclass(frozen=True)
class LoopSettings:
    """Where the service runs: its command, servers, private queue and working directory."""

    schemagate: str
    shadow_url: str
    broker_url: str
    queue: str
    store_url: str
    workdir: Path

    @property
    def data_dir(self) -> Path:
        """The worker's ``SCHEMAGATE_DATA_DIR``: its local schema caches live here."""
        return self.workdir / "worker-data"


@dataclass(frozen=True)
class Opened:
    """A change request the service opened after a push, and how long that took.

    ``phases`` are seconds after the push, read from the state store: ``stored`` (the
    webhook was verified and recorded by the API), ``planned`` (the worker finished the plan,
    queue wait and fetching the files included) and ``opened`` (seen open on the forge).
    """

    number: int
    title: str
    seconds: float
    phases: dict[str, float]


class RunningService:
    """The started loop; acts as a person on the fake forge and watches what schemagate does."""

    def __init__(
        self, *, settings: LoopSettings, forge: DevForge, api_url: str, processes: _Processes
    ) -> None:
        self.settings = settings
        self.github: Driver = forge.github
        self.api_url = api_url
        self._processes = processes

    def create_repository(self, slot: Slot, files: Mapping[str, str]) -> None:
        """A repository whose main branch holds ``files``, subscribed to the service."""
        self.github.create_repo(slot.repo, owner=BOT, files=dict(files))
        self.github.set_permission(slot.repo, PUSHER, Role.WRITE)
        self.github.add_webhook(slot.repo, f"{self.api_url}/webhooks/github", secret=SECRET)

    def push_until_opened(
        self, repo: str, *, files: Mapping[str, str | None], message: str, timeout: float
    ) -> Opened:
        """Push one commit to main; return once schemagate has opened a new change request."""
        known = set(self._requests(repo))
        pushed_at = time.time()
        started = time.perf_counter()
        sha = self.github.push(repo, user=PUSHER, branch="main", files=dict(files), message=message)
        number = wait_for(
            lambda: self._new_open_request(repo, known, sha),
            processes=self._processes,
            timeout=timeout,
            what=f"a change request on {repo}",
            poll=POLL_SECONDS,
        )
        seconds = time.perf_counter() - started
        title = self.github.change_request(repo, number).title
        phases = {**self._phases(repo, pushed_at), "opened": round(seconds, 3)}
        return Opened(number=number, title=title, seconds=seconds, phases=phases)

    def close_open_requests(self, repo: str) -> None:
        """Close the repository's open change requests, as a person who declines them."""
        for number, state in self._requests(repo).items():
            if state == "open":
                self.github.close(repo, number, user=PUSHER)

    def wait_settled(self, *, timeout: float) -> None:
        """Wait until every webhook was answered and the worker finished every delivery, so
        the next timed push finds an idle service (a run's tail must not bleed into it)."""
        wait_for(
            self._settled,
            processes=self._processes,
            timeout=timeout,
            what="the service to finish its deliveries",
        )

    def _settled(self) -> bool:
        if not all(delivery.responses for delivery in self.github.deliveries()):
            return False
        with connect(self.settings.store_url) as conn:
            row = conn.execute(
                "SELECT count(*) FROM deliveries WHERE status = ANY(%s)", [list(UNFINISHED)]
            ).fetchone()
        return row is not None and row[0] == 0

    def _requests(self, repo: str) -> dict[int, str]:
        with self.github.store.lock:
            requests = self.github.store.find_repo(repo).crs.values()
            return {cr.number: cr.state for cr in requests}

    def _new_open_request(self, repo: str, known: set[int], sha: str) -> int | None:
        for number, state in self._requests(repo).items():
            if state == "open" and number not in known:
                return number
        self._fail_on_planning_error(repo, sha)
        return None

    def _fail_on_planning_error(self, repo: str, sha: str) -> None:
        # A plan that fails is reported as a commit status on the pushed commit, not as a
        # request: stop at once instead of waiting out the timeout.
        for status in self.github.statuses(repo, sha):
            if status.context == f"schemagate/{TARGET}" and status.state in ("failure", "error"):
                raise BenchError(f"schemagate could not plan {repo}: {status.description}")

    def _phases(self, repo: str, pushed_at: float) -> dict[str, float]:
        with connect(self.settings.store_url) as conn:
            stored = conn.execute(
                "SELECT min(extract(epoch FROM received_at)) FROM deliveries"
                " WHERE repository = %s AND event = 'push' AND received_at >= to_timestamp(%s)",
                [repo, pushed_at],
            ).fetchone()
            planned = conn.execute(
                "SELECT min(extract(epoch FROM at)) FROM audit_events"
                " WHERE repository = %s AND action = 'planned' AND at >= to_timestamp(%s)",
                [repo, pushed_at],
            ).fetchone()
        moments = {"stored": stored, "planned": planned}
        return {
            phase: round(float(row[0]) - pushed_at, 3)
            for phase, row in moments.items()
            if row is not None and row[0] is not None
        }


class _Processes:
    """The API and worker child processes, each logging to a file in the working directory."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.children: dict[str, subprocess.Popen[bytes]] = {}

    def spawn(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        with (self.log_dir / f"{name}.log").open("ab") as log:  # the child keeps its own copy
            # A session of its own: Ctrl-C reaches only the benchmark, which then stops the
            # children in order (the worker drops its shadow databases on SIGTERM).
            self.children[name] = subprocess.Popen(
                argv,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def require_alive(self) -> None:
        for name, child in self.children.items():
            if child.poll() is not None:
                raise BenchError(
                    f"schemagate {name} exited with {child.returncode}; its log ends:\n"
                    f"{self.log_tail(name)}"
                )

    def log_tail(self, name: str, *, lines: int = 20) -> str:
        path = self.log_dir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop_all(self) -> None:
        for child in self.children.values():
            child.terminate()
        for child in self.children.values():
            try:
                child.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.children.clear()


@contextmanager
def running_service(settings: LoopSettings, slots: list[Slot]) -> Iterator[RunningService]:
    """Start the fake GitHub, then the API and a worker (concurrency 1) managing ``slots``;
    yield once both answer; stop them afterwards, also on errors and Ctrl-C."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with DevForge() as forge:
        _add_people(forge.github)
        env = _environment(settings, _write_config(settings.workdir, forge.github_url, slots))
        processes = _Processes(settings.workdir)
        port = free_port()
        api_url = f"http://127.0.0.1:{port}"
        try:
            processes.spawn("api", [settings.schemagate, "api", "--port", str(port)], env)
            wait_for(
                lambda: answers_ok(f"{api_url}/readyz"),
                processes=processes,
                timeout=START_TIMEOUT_SECONDS,
                what="the API to start",
            )
            processes.spawn("worker", [settings.schemagate, "worker", "--concurrency", "1"], env)
            wait_for(
                lambda: "ready" in processes.log_tail("worker", lines=200),
                processes=processes,
                timeout=START_TIMEOUT_SECONDS,
                what="the worker to start",
            )
            yield RunningService(
                settings=settings, forge=forge, api_url=api_url, processes=processes
            )
        finally:
            processes.stop_all()


def wait_for(
    check: Callable[[], T | None],
    *,
    processes: _Processes,
    timeout: float,
    what: str,
    poll: float = SETTLE_POLL_SECONDS,
) -> T:
    """Poll ``check`` until it returns something truthy; fail early if a child process died,
    and on timeout show the end of the worker's log (where a stuck plan says why)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.require_alive()
        result = check()
        if result:
            return result
        time.sleep(poll)
    raise BenchError(
        f"timed out after {timeout:.0f} s waiting for {what}; "
        f"the worker's log ends:\n{processes.log_tail('worker')}"
    )


def _add_people(github: Driver) -> None:
    github.add_user(BOT, token=BOT_TOKEN)
    github.add_user(PUSHER, token=f"{PUSHER}-token")


def _write_config(workdir: Path, forge_url: str, slots: list[Slot]) -> Path:
    """The YAML file: one GitHub, and one repository with one target per slot."""
    github = {
        "base_url": forge_url,
        "token": BOT_TOKEN,
        "webhook_secret": SECRET,
        "bot_username": BOT,
    }
    repositories = [_repository(slot) for slot in slots]
    path = workdir / "schemagate.yaml"
    path.write_text(
        yaml.safe_dump({"forges": {"github": github}, "repositories": repositories}),
        encoding="utf-8",
    )
    return path


def _repository(slot: Slot) -> dict[str, object]:
    target = {"name": TARGET, "database_url": slot.target_url}
    return {"forge": "github", "name": slot.repo, "targets": [target]}


def _environment(settings: LoopSettings, config: Path) -> dict[str, str]:
    return {
        "SCHEMAGATE_CONFIG": str(config),
        "SCHEMAGATE_STATE_STORE_URL": settings.store_url,
        "SCHEMAGATE_BROKER_URL": settings.broker_url,
        "SCHEMAGATE_SHADOW_URL": settings.shadow_url,
        "SCHEMAGATE_DATA_DIR": str(settings.data_dir),
        "SCHEMAGATE_QUEUE": settings.queue,
        "SCHEMAGATE_LOG_LEVEL": "INFO",  # the worker's "ready" line is logged at INFO
    }
