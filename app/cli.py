"""The ``schemagate`` command line. ``run(argv)`` returns the exit code, so tests call it.

Exit codes of ``plan``: 0 no changes, 2 changes, 1 error. Of ``apply``: 0 applied (or
nothing to do), 1 error or refusal.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app.config import Settings
from app.errors import DestructiveNotAllowed, SchemagateError
from app.redact import install_log_redaction, redact
from app.schema.apply import apply_plan
from app.schema.execution import ExecutionSettings, StatementRun
from app.schema.plan import Plan, terminated
from app.schema.planner import PlanInputs, PlanOutcome
from app.schema.render import parse_pending_sql, render_pending_sql
from app.schema.session import EngineSession, open_engine_session
from app.schema.sources import read_schema_dir

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="schemagate",
        description="Reviewed, rehearsed, gated PostgreSQL schema changes from git.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True)

    plan = commands.add_parser("plan", help="print the plan from the database to the schema")
    _add_engine_arguments(plan)
    plan.add_argument("--json", action="store_true", help="print JSON instead of pending.sql")
    plan.add_argument(
        "--from-sql",
        type=Path,
        default=None,
        metavar="FILE",
        help="rehearse this hand-edited SQL (e.g. pending.sql) instead of generating a plan",
    )

    apply = commands.add_parser("apply", help="plan, rehearse, and apply to the database")
    _add_engine_arguments(apply)
    apply.add_argument("--dry-run", action="store_true", help="plan and rehearse only")
    apply.add_argument(
        "--allow-destructive", action="store_true", help="allow DROP and other data-losing SQL"
    )
    apply.add_argument("--lock-timeout", type=float, default=5.0, metavar="SECONDS")
    apply.add_argument("--statement-timeout", type=float, default=0.0, metavar="SECONDS")
    apply.add_argument("--lock-retries", type=int, default=3)
    apply.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another apply on the same database to finish",
    )

    demo = commands.add_parser("demo", help="walk through a change on embedded servers")
    demo.add_argument("--data-dir", type=Path, default=None)

    _add_service_commands(commands)

    cache = commands.add_parser("cache", help="manage cached schemas")
    cache.add_argument("action", choices=["clear"])
    cache.add_argument("--shadow-url", default="", help="also drop cached databases there")
    cache.add_argument("--data-dir", type=Path, default=None)
    return parser


def _add_service_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The service's processes (settings from ``SCHEMAGATE_*`` and the YAML config)."""
    api = commands.add_parser("api", help="serve the webhook and status API")
    _add_listen_arguments(api)
    api.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    worker = commands.add_parser("worker", help="run a Celery worker")
    worker.add_argument("--concurrency", type=int, default=2, help="tasks run at once")
    commands.add_parser("beat", help="schedule the drift check and the sweeper (run one)")
    serve = commands.add_parser("serve", help="API + worker + beat together")
    _add_listen_arguments(serve)
    serve.add_argument("--concurrency", type=int, default=2, help="worker tasks run at once")


def _add_listen_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080)


def _add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", required=True, help="the target database")
    parser.add_argument("--schema-dir", required=True, type=Path, help="directory of *.sql")
    parser.add_argument(
        "--shadow-url",
        default="",
        help="server for shadow databases (default: the target's server if its role may "
        "create databases, else the embedded server)",
    )
    parser.add_argument("--target-name", default="", help="name in the plan (default: db name)")
    parser.add_argument("--data-dir", type=Path, default=None, help="caches and snapshots")
    parser.add_argument(
        "--manage-privileges",
        action="store_true",
        help="owners and privileges converge too (as a target's manage_privileges: true)",
    )


def run(argv: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run one command; every error becomes a message on ``err`` and exit code 1."""
    args = build_parser().parse_args(argv)
    _configure_logging(args.verbose, err)
    secrets = tuple(getattr(args, name, "") or "" for name in ("database_url", "shadow_url"))
    try:
        if args.command == "plan":
            return _plan_command(args, out)
        if args.command == "apply":
            return _apply_command(args, out)
        if args.command in SERVICE_COMMANDS:
            return _service_command(args, err)
        if args.command == "demo":
            from app.demo import run_demo

            return run_demo(data_dir=args.data_dir or Settings().data_dir, out=out)
        return _cache_command(args, out)
    except SchemagateError as exc:
        print(f"error: {redact(str(exc), _passwords(secrets))}", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted: shadow databases were dropped; nothing was left half-applied", file=err)
        return EXIT_ERROR


SERVICE_COMMANDS = ("api", "worker", "beat", "serve")


def _service_command(args: argparse.Namespace, err: TextIO) -> int:
    from app import service_cli

    if args.command == "api":
        return service_cli.run_api(host=args.host, port=args.port, workers=args.workers)
    if args.command == "worker":
        return service_cli.run_worker(concurrency=args.concurrency)
    if args.command == "beat":
        return service_cli.run_beat()
    return service_cli.run_serve(
        host=args.host, port=args.port, concurrency=args.concurrency, err=err
    )


def main() -> None:
    sys.exit(run(sys.argv[1:]))


def _plan_command(args: argparse.Namespace, out: TextIO) -> int:
    with _session(args) as session:
        if args.from_sql is None:
            outcome = session.planner.plan(_inputs(args))
        else:
            outcome = session.planner.plan_from_sql(
                _inputs(args), _edited_statements(args.from_sql)
            )
    plan = outcome.plan
    if args.json:
        json.dump(plan_as_json(plan), out, indent=2)
        out.write("\n")
    elif not plan.is_empty:
        out.write(render_pending_sql(plan))
    else:
        out.write("-- no changes: the database matches the schema\n")
    return EXIT_OK if plan.is_empty else EXIT_CHANGES


def _edited_statements(path: Path) -> list[str]:
    """The statements of a hand-edited plan file (a syntax error names its line)."""
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemagateError(f"cannot read {path}: {exc.strerror}") from None
    return [s.text for s in parse_pending_sql(content, file=str(path)).statements]


def _apply_command(args: argparse.Namespace, out: TextIO) -> int:
    with _session(args) as session:
        outcome = session.planner.plan(_inputs(args))
        plan = outcome.plan
        if plan.is_empty:
            out.write("nothing to apply: the database matches the schema\n")
            return EXIT_OK
        if plan.destructive and not args.allow_destructive:
            raise DestructiveNotAllowed([terminated(s.sql) for s in plan.destructive])
        out.write(render_pending_sql(plan))
        if args.dry_run:
            out.write("-- dry run: rehearsed successfully, nothing applied\n")
            return EXIT_OK
        _apply(args, session, outcome, out)
    return EXIT_OK


def _apply(
    args: argparse.Namespace, session: EngineSession, outcome: PlanOutcome, out: TextIO
) -> None:
    snapshot_path = session.snapshot_path(outcome.plan)

    def keep_snapshot(sql: str) -> None:
        snapshot_path.parent.mkdir(parents=True, exist_ok=True)
        snapshot_path.write_text(sql, encoding="utf-8")
        out.write(f"-- schema snapshot before applying: {snapshot_path}\n")

    def report(run: StatementRun) -> None:
        first_line = run.sql.strip().splitlines()[0]
        out.write(f"-- applied in {run.seconds * 1000:.0f} ms: {first_line}\n")
        out.flush()

    result = apply_plan(
        target_url=args.database_url,
        plan=outcome.plan,
        desired=outcome.desired,
        differ=session.differ,
        settings=ExecutionSettings(
            lock_timeout_seconds=args.lock_timeout,
            statement_timeout_seconds=args.statement_timeout,
            lock_retries=args.lock_retries,
        ),
        lock_wait_seconds=args.wait,
        on_snapshot=keep_snapshot,
        on_statement=report,
    )
    out.write(
        f"-- applied plan {outcome.plan.short_id}: {len(result.runs)} statement(s) in "
        f"{result.seconds:.1f}s; the database now matches the schema\n"
    )


def _cache_command(args: argparse.Namespace, out: TextIO) -> int:
    from app.schema.session import clear_caches

    removed_files, dropped = clear_caches(
        data_dir=args.data_dir or Settings().data_dir, shadow_url=args.shadow_url
    )
    out.write(f"removed {removed_files} cached inspection(s), dropped {len(dropped)} database(s)\n")
    return EXIT_OK


def _session(args: argparse.Namespace) -> EngineSession:
    return open_engine_session(
        target_url=args.database_url,
        shadow_url=args.shadow_url,
        data_dir=args.data_dir or Settings().data_dir,
        manage_privileges=args.manage_privileges,
    )


def _inputs(args: argparse.Namespace) -> PlanInputs:
    from app.redact import describe_database

    name = args.target_name or describe_database(args.database_url).rsplit("/", 1)[-1]
    return PlanInputs(
        target=name, target_url=args.database_url, files=read_schema_dir(args.schema_dir)
    )


def plan_as_json(plan: Plan) -> dict[str, object]:
    """The plan with every statement's classification, for tools."""
    return {
        "plan_id": plan.plan_id,
        "short_id": plan.short_id,
        "target": plan.target,
        "base_fingerprint": plan.base_fingerprint,
        "desired_hash": plan.desired_hash,
        "rehearsed": not plan.is_empty,
        "statements": [
            {
                "sql": terminated(s.sql),
                "kind": s.classification.kind,
                "destructive": s.classification.destructive,
                "hazards": list(s.classification.hazards),
                "needs_autocommit": s.classification.needs_autocommit,
                "reasons": list(s.classification.reasons),
            }
            for s in plan.statements
        ],
    }


def _passwords(urls: Sequence[str]) -> tuple[str, ...]:
    from urllib.parse import urlsplit

    return tuple(p for p in (urlsplit(u).password for u in urls if u) if p)


def _configure_logging(verbose: bool, stream: TextIO) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=stream,
        force=True,
    )
    install_log_redaction()


if __name__ == "__main__":  # ``python -m app.cli``: how ``serve`` starts its parts
    main()
