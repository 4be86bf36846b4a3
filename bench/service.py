"""Service benchmark: push → change request opened, against ``schemagate plan`` on the same inputs.

The engine benchmark times the planning engine as a command. A team using the service pays
more: the forge's webhook, the API verifying and storing it, the broker, the worker fetching
the schema files through the forge API, the plan, and the commits and calls that open the
change request. This benchmark measures that whole path for the engine benchmark's N-table
schema (default N=500, same generator and seed) and sets it beside ``schemagate plan``::

    python -m bench.service [--tables 500] [--runs 3] [--server-url URL] [--redis-url URL]
                            [--output bench/results/service.json] [--seed 42]
                            [--schemagate .venv/bin/schemagate] [--timeout 600]

Each run gets a fresh target database holding the current schema and a fresh repository
whose main branch holds the current files, then times, in this order:

- plan cold: ``schemagate cache clear`` on the shadow server, a fresh data directory, one
  ``schemagate plan`` of the desired files (as the engine benchmark's (b));
- plan warm: ``schemagate plan`` again with that data directory (as its (c): the same target
  and desired schema were planned just before);
- push → CR cold: the same ``cache clear`` for the shadow server and the worker's data
  directory, then a push of the desired files to main, until the change request is open;
- push → CR warm: a person closes that request, and once the service has handled the
  close, pushes a commit that leaves the schema alone (it edits README.md). The service
  plans again — the same target and desired schema it planned just before, so its caches are
  warm in exactly the way plan warm's are — and, with no request open, opens a new one.

The API and the worker are started once, before the runs (their start-up is not timed: a
service is already running when someone pushes), and the worker handles one small delivery
first so its lazy imports of the planning engine are not charged to run 1. The forge is the
in-process fake GitHub: no network latency, but the service's PyGithub client keeps its
production pacing (0.25 s between requests, 1 s between writes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from redis.exceptions import RedisError

from app.errors import SchemagateError
from app.pg import connect
from app.wiring import redis_client
from bench import pipelines
from bench.databases import BenchDatabases, bench_databases, list_databases
from bench.engine import DEFAULT_SERVER_URL, WATCHED_PREFIXES, progress
from bench.generate import generate_pair_files, write_schema_dir
from bench.loop import PUSHER, LoopSettings, Opened, RunningService, Slot, running_service
from bench.pipelines import DEFAULT_SCHEMAGATE, BenchError, Schemagate, Workload
from bench.report import unwind_on_sigterm, write_report

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"  # the test suites use 0, 7, 12, 13 and 14
SCHEMA_DIR = "schema"
REPO_OWNER = "sgbench"
WARM_UP_SQL = "CREATE TABLE warm_up (id integer PRIMARY KEY);\n"
DESCRIPTION = "Time push → change request opened against schemagate plan on the same inputs."


@dataclass(frozen=True)
class ServiceBenchConfig:
    """What to measure, parsed from the command line."""

    tables: int
    runs: int
    server_url: str
    redis_url: str
    output: Path
    seed: int
    schemagate: str
    timeout: float

    def schemagate_command(self) -> Schemagate:
        return Schemagate(self.schemagate, self.server_url)


@dataclass(frozen=True)
class Inputs:
    """The generated schemas, as repository files and as what ``schemagate plan`` reads."""

    current_files: dict[str, str]
    desired_files: dict[str, str | None]
    current_sql: Path
    desired_sql: Path
    schema_dir: Path


@dataclass
class RunSample:
    """One run's four timings (seconds) and where the service's time went."""

    plan_cold: float
    plan_warm: float
    push_cold: float
    push_warm: float
    phases_cold: dict[str, float]
    phases_warm: dict[str, float]
    change_request_title: str
    load_average: float


@dataclass
class ServiceResult:
    """Every run of one N, with medians and the service's overhead over the engine."""

    tables: int
    desired_bytes: int
    samples: list[RunSample] = field(default_factory=list)

    def medians(self) -> dict[str, float]:
        keys = ("plan_cold", "plan_warm", "push_cold", "push_warm")
        return {k: statistics.median(getattr(s, k) for s in self.samples) for k in keys}

    def overhead(self) -> dict[str, dict[str, float]]:
        """push → CR minus plan (seconds) and push → CR over plan, cold and warm."""
        m = self.medians()
        return {
            state: {
                "seconds": m[f"push_{state}"] - m[f"plan_{state}"],
                "ratio": m[f"push_{state}"] / m[f"plan_{state}"],
            }
            for state in ("cold", "warm")
        }

    def phase_medians(self, state: str) -> dict[str, float]:
        """Median seconds after the push at which each phase of the service ended."""
        phases = [getattr(s, f"phases_{state}") for s in self.samples]
        names = [name for name in ("stored", "planned", "opened") if all(name in p for p in phases)]
        return {name: statistics.median(p[name] for p in phases) for name in names}


def parse_args(argv: list[str] | None) -> ServiceBenchConfig:
    p = argparse.ArgumentParser(prog="python -m bench.service", description=DESCRIPTION)
    p.add_argument("--tables", type=int, default=500, help="N, the schema's table count")
    p.add_argument("--runs", type=int, default=3, help="runs, each timing all four (at least 3)")
    p.add_argument("--server-url", default=DEFAULT_SERVER_URL, help="maintenance database URL")
    p.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="the service's broker")
    p.add_argument("--output", type=Path, default=Path("bench/results/service.json"), help="JSON")
    p.add_argument("--seed", type=int, default=42, help="generator seed (as bench.engine)")
    p.add_argument("--schemagate", default=DEFAULT_SCHEMAGATE, help="the schemagate command")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for a request")
    args = p.parse_args(argv)
    if args.runs < 3:
        p.error(f"invalid --runs {args.runs}: medians need at least 3 runs")
    return ServiceBenchConfig(
        args.tables,
        args.runs,
        args.server_url,
        args.redis_url,
        args.output,
        args.seed,
        args.schemagate,
        args.timeout,
    )


def write_inputs(config: ServiceBenchConfig, workdir: Path) -> Inputs:
    """Generate the pair the engine benchmark plans and lay it out for both consumers."""
    current, desired = generate_pair_files(config.tables, config.seed)
    write_schema_dir(desired, workdir / "desired")
    (workdir / "current.sql").write_text("".join(current.values()), encoding="utf-8")
    (workdir / "desired.sql").write_text("".join(desired.values()), encoding="utf-8")
    removed: dict[str, str | None] = {
        f"{SCHEMA_DIR}/{n}": None for n in current if n not in desired
    }
    return Inputs(
        current_files={f"{SCHEMA_DIR}/{name}": sql for name, sql in current.items()},
        desired_files={**removed, **{f"{SCHEMA_DIR}/{n}": sql for n, sql in desired.items()}},
        current_sql=workdir / "current.sql",
        desired_sql=workdir / "desired.sql",
        schema_dir=workdir / "desired",
    )


def reserve_slots(databases: BenchDatabases, runs: int) -> list[Slot]:
    """The warm-up slot, then one per run: the service's config must list every repository
    and target before it starts, so the (empty) targets are created up front."""
    slots = []
    for index in range(runs + 1):
        name = databases.create("target")
        repo = f"{REPO_OWNER}/shop-{databases.run_id}-{index}"
        slots.append(Slot(repo=repo, target_name=name, target_url=databases.url(name)))
    return slots


def warm_up(service: RunningService, slot: Slot, timeout: float) -> None:
    """Let the worker handle one small push (an empty plan), as a running service has."""
    with connect(slot.target_url) as conn:
        conn.execute(WARM_UP_SQL)
    service.create_repository(slot, {f"{SCHEMA_DIR}/001_warm_up.sql": WARM_UP_SQL})
    service.github.push(slot.repo, user=PUSHER, branch="main", files={"README.md": "warm-up\n"})
    service.wait_settled(timeout=timeout)


def time_plans(config: ServiceBenchConfig, work: Workload, data_dir: Path) -> tuple[float, float]:
    """``schemagate plan`` cold (caches cleared, empty ``data_dir``), then warm (again)."""
    sg = config.schemagate_command()
    pipelines.clear_schemagate_cache(sg, data_dir)
    cold = pipelines.time_schemagate_plan(sg, work, data_dir)
    return cold, pipelines.time_schemagate_plan(sg, work, data_dir)


def time_service(
    config: ServiceBenchConfig, service: RunningService, slot: Slot, inputs: Inputs
) -> tuple[Opened, Opened]:
    """Push → change request cold (caches cleared first), then warm (see the module doc)."""
    service.create_repository(slot, inputs.current_files)
    pipelines.clear_schemagate_cache(config.schemagate_command(), service.settings.data_dir)
    cold = service.push_until_opened(
        slot.repo, files=inputs.desired_files, message="Change the schema", timeout=config.timeout
    )
    service.wait_settled(timeout=config.timeout)
    service.close_open_requests(slot.repo)
    service.wait_settled(timeout=config.timeout)
    warm = service.push_until_opened(
        slot.repo,
        files={"README.md": f"{slot.repo}: the schema is unchanged by this commit\n"},
        message="Edit the README",
        timeout=config.timeout,
    )
    service.wait_settled(timeout=config.timeout)
    return cold, warm


def measure_run(
    config: ServiceBenchConfig,
    databases: BenchDatabases,
    service: RunningService,
    slot: Slot,
    inputs: Inputs,
) -> RunSample:
    """All four timings on one fresh target; the target is dropped afterwards."""
    load = round(os.getloadavg()[0], 2)
    pipelines.load_target(slot.target_url, inputs.current_sql)
    work = Workload(
        config.tables, slot.target_name, slot.target_url, inputs.schema_dir, inputs.desired_sql
    )
    with tempfile.TemporaryDirectory(prefix="sgbench-plan-") as tmp:
        plan_cold, plan_warm = time_plans(config, work, Path(tmp))
    cold, warm = time_service(config, service, slot, inputs)
    databases.drop(slot.target_name)
    return RunSample(
        plan_cold=plan_cold,
        plan_warm=plan_warm,
        push_cold=cold.seconds,
        push_warm=warm.seconds,
        phases_cold=cold.phases,
        phases_warm=warm.phases,
        change_request_title=cold.title,
        load_average=max(load, round(os.getloadavg()[0], 2)),
    )


def run_benchmark(config: ServiceBenchConfig) -> tuple[ServiceResult, list[str]]:
    """Measure every run; return the result and databases the run left on the server."""
    before = set(list_databases(config.server_url))
    queue = ""
    try:
        with (
            bench_databases(config.server_url) as databases,
            tempfile.TemporaryDirectory(prefix="sgbench-service-") as tmp,
        ):
            queue = f"sgbench-{databases.run_id}"
            result = _measure(config, databases, Path(tmp), queue)
    finally:
        _clean_up_quietly(config, queue)
    leftovers = [
        name
        for name in list_databases(config.server_url)
        if name not in before and name.startswith(WATCHED_PREFIXES)
    ]
    return result, leftovers


def _measure(
    config: ServiceBenchConfig, databases: BenchDatabases, workdir: Path, queue: str
) -> ServiceResult:
    inputs = write_inputs(config, workdir)
    slots = reserve_slots(databases, config.runs)
    settings = LoopSettings(
        schemagate=config.schemagate,
        shadow_url=config.server_url,
        broker_url=config.redis_url,
        queue=queue,
        store_url=databases.url(databases.create("state")),
        workdir=workdir,
    )
    result = ServiceResult(
        tables=config.tables,
        desired_bytes=sum(len((s or "").encode()) for s in inputs.desired_files.values()),
    )
    with running_service(settings, slots) as service:
        progress(f"service started (API {service.api_url}, queue {queue}); warming up the worker")
        warm_up(service, slots[0], config.timeout)
        for index, slot in enumerate(slots[1:], start=1):
            sample = measure_run(config, databases, service, slot, inputs)
            result.samples.append(sample)
            progress(f"N={config.tables}: run {index}: {_sample_line(sample)}")
    return result


def _sample_line(s: RunSample) -> str:
    return (
        f"plan cold {s.plan_cold:.2f}, warm {s.plan_warm:.2f}; "
        f"push → CR cold {s.push_cold:.2f}, warm {s.push_warm:.2f} s"
    )


def _clean_up_quietly(config: ServiceBenchConfig, queue: str) -> None:
    """Drop the caches the runs warmed and the run's queue keys; never hide the real error."""
    try:
        with tempfile.TemporaryDirectory(prefix="sgbench-clear-") as tmp:
            pipelines.clear_schemagate_cache(config.schemagate_command(), Path(tmp))
    except (BenchError, OSError) as exc:
        progress(f"warning: could not clear schemagate caches: {exc}")
    if queue:
        _delete_queue_keys(config.redis_url, queue)


def _delete_queue_keys(redis_url: str, queue: str) -> None:
    # The queue name is the run's own, so every key naming it (the list, kombu's bindings)
    # is ours; other keys in the same Redis database are left alone.
    client = redis_client(redis_url)
    try:
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)
    except RedisError as exc:
        progress(f"warning: could not delete the queue {queue} from {redis_url}: {exc}")
    finally:
        client.close()


def format_report(config: ServiceBenchConfig, result: ServiceResult) -> str:
    """The medians side by side, the overhead, and where the service's time goes."""
    m, over = result.medians(), result.overhead()
    lines = [
        "schemagate service benchmark: push → change request opened vs schemagate plan",
        f"medians of {config.runs} runs, seconds (seed {config.seed})",
        "",
        f"{'N=' + str(result.tables):<6} {'plan':>7} {'push→CR':>8} {'overhead':>9} {'ratio':>6}",
    ]
    for state in ("cold", "warm"):
        lines.append(
            f"{state:>6} {m[f'plan_{state}']:>7.2f} {m[f'push_{state}']:>8.2f} "
            f"{over[state]['seconds']:>+9.2f} {over[state]['ratio']:>6.2f}"
        )
    lines += ["", "push → CR by phase (median seconds after the push when each ended):"]
    for state in ("cold", "warm"):
        phases = ", ".join(f"{k} {v:.2f}" for k, v in result.phase_medians(state).items())
        lines.append(f"{state:>6}: {phases}")
    peak = max(s.load_average for s in result.samples)
    cpus = os.cpu_count() or 1
    if peak > cpus:
        lines.append(
            f"\nnote: the 1-minute load average reached {peak:.1f} on {cpus} CPUs; other work "
            "shared the machine, so the samples are noisy"
        )
    return "\n".join(lines)


def write_json(config: ServiceBenchConfig, result: ServiceResult, leftovers: list[str]) -> None:
    """Every sample, the medians and the overhead, and where they were measured."""
    write_report(
        config.output,
        {
            "config": {**asdict(config), "output": str(config.output)},
            "result": asdict(result),
            "medians": result.medians(),
            "overhead": result.overhead(),
            "phase_medians": {s: result.phase_medians(s) for s in ("cold", "warm")},
            "leftover_databases": leftovers,
        },
    )


def run(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 measured, 1 failed, 130 interrupted)."""
    config = parse_args(argv)
    unwind_on_sigterm()
    try:
        pipelines.require_tools(schemagate=config.schemagate)
        result, leftovers = run_benchmark(config)
    except (BenchError, SchemagateError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        message = "benchmark interrupted; its processes were stopped and databases dropped"
        print(message, file=sys.stderr)
        return 130
    print(format_report(config, result))
    if leftovers:
        print(f"\nwarning: new bench/schemagate databases after the run: {', '.join(leftovers)}")
    write_json(config, result, leftovers)
    print(f"\nresults written to {config.output}")
    return 0


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
