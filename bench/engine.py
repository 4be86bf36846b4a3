"""Engine benchmark: the hand-made shadow + migra pipeline against ``schemagate plan``.

For each size N it builds a target database from a generated schema and a desired variant
with ~5% changes, then times, interleaved so drift hits all of them alike:

(a) what teams do today: ``createdb`` a shadow, ``psql`` the desired SQL, ``migra``, ``dropdb``;
(b) ``schemagate plan`` cold (caches cleared, empty data dir), rehearsal included;
(c) ``schemagate plan`` warm (same target and desired schema planned just before).

It prints medians and the ratios (b)/(a) and (c)/(a) against the targets of the issue,
and writes every sample to JSON::

    python -m bench.engine [--sizes 100,500,2000] [--runs 3] [--server-url URL]
                           [--output bench/results/engine.json] [--seed 42]
                           [--engines a,b,c] [--schemagate .venv/bin/schemagate]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pglast import parser

from app.errors import SchemagateError
from app.schema.shadow import SHADOW_PREFIX, TEMPLATE_PREFIX
from bench import pipelines
from bench.databases import PREFIX as BENCH_PREFIX
from bench.databases import BenchDatabases, bench_databases, list_databases
from bench.generate import generate_pair_files, write_schema_dir
from bench.pipelines import DEFAULT_SCHEMAGATE, BenchError, HandmadeRun, Schemagate, Workload
from bench.report import unwind_on_sigterm, write_report

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_SIZES = (500, 2000)
COLD_TARGET = 2.0  # (b)/(a) at most
WARM_TARGET = 0.5  # (c)/(a) at most
ENGINES = ("a", "b", "c")
DESCRIPTION = "Time the hand-made createdb/psql/migra/dropdb pipeline against schemagate plan."
HANDMADE_STEPS = ("createdb", "psql", "migra", "dropdb")
# Ours, and schemagate's shadow and template databases. Other new databases
# on a shared server belong to concurrent test runs and are not reported.
WATCHED_PREFIXES = (f"{BENCH_PREFIX}_", SHADOW_PREFIX, TEMPLATE_PREFIX)


@dataclass(frozen=True)
class BenchConfig:
    """What to measure, parsed from the command line."""

    sizes: tuple[int, ...]
    runs: int
    server_url: str
    output: Path
    seed: int
    engines: tuple[str, ...]
    schemagate: str

    @property
    def uses_schemagate(self) -> bool:
        return "b" in self.engines or "c" in self.engines

    def schemagate_command(self) -> Schemagate:
        return Schemagate(self.schemagate, self.server_url)


@dataclass
class SizeResult:
    """All samples for one N, plus what the workload looked like."""

    n_tables: int
    statements_per_file: dict[str, int]
    desired_bytes: int
    setup_seconds: float
    plan_statements: int | None = None
    handmade: list[dict[str, float]] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    load_averages: list[float] = field(default_factory=list)

    def note_load(self) -> None:
        """Sample the 1-minute load average: on a shared machine it explains outliers."""
        self.load_averages.append(round(os.getloadavg()[0], 2))

    def medians(self) -> dict[str, float | None]:
        return {
            "a": _median([run["total"] for run in self.handmade]),
            "b": _median(self.cold),
            "c": _median(self.warm),
        }

    def ratios(self) -> dict[str, float | None]:
        m = self.medians()
        return {k: _ratio(m[k], m["a"]) for k in ("b", "c")}

    def verdict(self) -> str:
        """'yes'/'no' where the issue sets targets (N=500, 2000), 'n/a' elsewhere."""
        ratios = self.ratios()
        if self.n_tables not in TARGET_SIZES:
            return "n/a"
        if ratios["b"] is None or ratios["c"] is None:
            return "-"
        limits = {"b": COLD_TARGET, "c": WARM_TARGET}
        misses = [k for k, limit in limits.items() if (ratios[k] or 0.0) > limit]
        return "yes" if not misses else f"no ({', '.join(misses)})"


def _ratio(value: float | None, baseline: float | None) -> float | None:
    return value / baseline if value is not None and baseline else None


def _median(samples: list[float]) -> float | None:
    return statistics.median(samples) if samples else None


def parse_args(argv: list[str] | None) -> BenchConfig:
    p = argparse.ArgumentParser(prog="python -m bench.engine", description=DESCRIPTION)
    p.add_argument("--sizes", default="100,500,2000", help="table counts, comma-separated")
    p.add_argument("--runs", type=int, default=3, help="timed runs per engine (at least 3)")
    p.add_argument("--server-url", default=DEFAULT_SERVER_URL, help="maintenance database URL")
    p.add_argument("--output", type=Path, default=Path("bench/results/engine.json"), help="JSON")
    p.add_argument("--seed", type=int, default=42, help="generator seed")
    p.add_argument("--engines", default="a,b,c", help="subset of a,b,c to measure")
    p.add_argument("--schemagate", default=DEFAULT_SCHEMAGATE, help="the schemagate command")
    args = p.parse_args(argv)
    engines = tuple(e for e in args.engines.split(",") if e)
    if not set(engines) <= set(ENGINES):
        p.error(f"invalid --engines {args.engines!r}: must be a comma-separated subset of a,b,c")
    if args.runs < 3:
        p.error(f"invalid --runs {args.runs}: medians need at least 3 runs")
    sizes = tuple(int(s) for s in args.sizes.split(",") if s)
    return BenchConfig(
        sizes, args.runs, args.server_url, args.output, args.seed, engines, args.schemagate
    )


def progress(message: str) -> None:
    """Progress goes to stderr so stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


def prepare_workload(
    config: BenchConfig, databases: BenchDatabases, workdir: Path, n_tables: int
) -> tuple[Workload, SizeResult]:
    """Generate both schemas, write the desired files, and load the target (timed apart)."""
    current, desired = generate_pair_files(n_tables, config.seed)
    base = workdir / f"n{n_tables}"
    schema_dir = base / "schema"
    write_schema_dir(desired, schema_dir)
    (base / "current.sql").write_text("".join(current.values()), encoding="utf-8")
    (base / "desired.sql").write_text("".join(desired.values()), encoding="utf-8")
    target_name = databases.create("target")
    target_url = databases.url(target_name)
    started = time.perf_counter()
    pipelines.load_target(target_url, base / "current.sql")
    result = SizeResult(
        n_tables=n_tables,
        statements_per_file={name: len(parser.split(sql)) for name, sql in desired.items()},
        desired_bytes=sum(len(sql.encode()) for sql in desired.values()),
        setup_seconds=time.perf_counter() - started,
    )
    work = Workload(n_tables, target_name, target_url, schema_dir, base / "desired.sql")
    return work, result


def measure_size(
    config: BenchConfig, databases: BenchDatabases, workdir: Path, n: int
) -> SizeResult:
    """Time every requested engine ``config.runs`` times for one N."""
    work, result = prepare_workload(config, databases, workdir, n)
    progress(f"N={n}: target loaded in {result.setup_seconds:.1f} s")
    for i in range(1, config.runs + 1):
        result.note_load()
        if "a" in config.engines:
            run = pipelines.time_handmade(databases, work)
            result.handmade.append(run.seconds)
            _note_plan(result, run)
            progress(f"N={n}: (a) run {i}: {_steps(run.seconds)}")
        if "b" in config.engines:
            result.cold.append(pipelines.time_schemagate_cold(config.schemagate_command(), work))
            progress(f"N={n}: (b) cold run {i}: {result.cold[-1]:.2f} s")
    if "c" in config.engines:
        sg = config.schemagate_command()
        result.warm = pipelines.time_schemagate_warm(sg, work, config.runs)
        progress(f"N={n}: (c) warm runs: {', '.join(f'{s:.2f}' for s in result.warm)} s")
    result.note_load()
    databases.drop(work.target_name)
    return result


def _note_plan(result: SizeResult, run: HandmadeRun) -> None:
    if result.plan_statements is None:
        result.plan_statements = len(parser.split(run.plan_sql)) if run.plan_sql.strip() else 0


def _steps(seconds: dict[str, float]) -> str:
    return ", ".join(f"{step} {value:.2f}" for step, value in seconds.items()) + " s"


def run_benchmark(config: BenchConfig) -> tuple[list[SizeResult], list[str]]:
    """Measure every size; return the results and databases the run left on the server."""
    before = set(list_databases(config.server_url))
    try:
        with (
            bench_databases(config.server_url) as databases,
            tempfile.TemporaryDirectory(prefix="sgbench-") as tmp,
        ):
            results = [measure_size(config, databases, Path(tmp), n) for n in config.sizes]
    finally:
        if config.uses_schemagate:
            _clear_caches_quietly(config.schemagate_command())
    leftovers = [
        name
        for name in list_databases(config.server_url)
        if name not in before and name.startswith(WATCHED_PREFIXES)
    ]
    return results, leftovers


def _clear_caches_quietly(sg: Schemagate) -> None:
    # Warm caches must not outlive the benchmark; a failure here must not hide the real one.
    try:
        with tempfile.TemporaryDirectory(prefix="sgbench-clear-") as tmp:
            pipelines.clear_schemagate_cache(sg, Path(tmp))
    except (BenchError, OSError) as exc:
        progress(f"warning: could not clear schemagate caches: {exc}")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def format_report(config: BenchConfig, results: list[SizeResult]) -> str:
    """The side-by-side table of medians and ratios, then the hand-made pipeline by step."""
    lines = [
        f"schemagate engine benchmark: medians of {config.runs} runs, seconds (seed {config.seed})",
        f"{'N':>6} {'stmts':>6} {'(a) hand':>9} {'(b) cold':>9} {'(c) warm':>9} "
        f"{'(b)/(a)':>8} {'(c)/(a)':>8}  target met",
    ]
    lines += [_summary_row(r) for r in results]
    sizes = " and ".join(map(str, TARGET_SIZES))
    lines.append(f"targets at N={sizes}: (b)/(a) <= {COLD_TARGET}, (c)/(a) <= {WARM_TARGET}")
    lines += ["", "(a) by step, medians; 'target load' is set-up, not part of (a):"]
    lines.append(
        f"{'N':>6} {'createdb':>9} {'psql':>8} {'migra':>8} {'dropdb':>8} "
        f"{'plan stmts':>11} {'target load':>12}"
    )
    lines += [_steps_row(r) for r in results]
    peak = max((load for r in results for load in r.load_averages), default=0.0)
    cpus = os.cpu_count() or 1
    if peak > cpus:
        lines.append(
            f"\nnote: the 1-minute load average reached {peak:.1f} on {cpus} CPUs; other work "
            "shared the machine, so the samples are noisy (see load_averages in the JSON)"
        )
    return "\n".join(lines)


def _summary_row(r: SizeResult) -> str:
    m, q = r.medians(), r.ratios()
    return (
        f"{r.n_tables:>6} {sum(r.statements_per_file.values()):>6} {_fmt(m['a']):>9} "
        f"{_fmt(m['b']):>9} {_fmt(m['c']):>9} {_fmt(q['b']):>8} {_fmt(q['c']):>8}  "
        f"{r.verdict()}"
    )


def _steps_row(r: SizeResult) -> str:
    step = {s: _median([run[s] for run in r.handmade]) for s in HANDMADE_STEPS}
    plan = "-" if r.plan_statements is None else str(r.plan_statements)
    return (
        f"{r.n_tables:>6} {_fmt(step['createdb']):>9} {_fmt(step['psql']):>8} "
        f"{_fmt(step['migra']):>8} {_fmt(step['dropdb']):>8} {plan:>11} {r.setup_seconds:>12.2f}"
    )


def write_json(config: BenchConfig, results: list[SizeResult], leftovers: list[str]) -> None:
    """Every sample, the medians and ratios, and where they were measured."""
    write_report(
        config.output,
        {
            "config": {**asdict(config), "output": str(config.output)},
            "targets": {"sizes": TARGET_SIZES, "b_over_a": COLD_TARGET, "c_over_a": WARM_TARGET},
            "sizes": [
                {
                    **asdict(r),
                    "medians": r.medians(),
                    "ratios": r.ratios(),
                    "target_met": r.verdict(),
                }
                for r in results
            ],
            "leftover_databases": leftovers,
        },
    )


def run(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 measured, 1 failed, 130 interrupted)."""
    config = parse_args(argv)
    unwind_on_sigterm()
    try:
        pipelines.require_tools(schemagate=config.schemagate if config.uses_schemagate else None)
        results, leftovers = run_benchmark(config)
    except (BenchError, SchemagateError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("benchmark interrupted; its databases were dropped", file=sys.stderr)
        return 130
    print(format_report(config, results))
    if leftovers:
        names = ", ".join(leftovers)
        print(
            f"\nwarning: new bench/schemagate databases on the server after the run: {names}"
            "\n(on a shared server they may belong to a concurrent run; check for leaks)"
        )
    write_json(config, results, leftovers)
    print(f"\nresults written to {config.output}")
    return 0


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
