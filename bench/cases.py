"""The case library as a scoreboard: schemagate's differ next to bare migra.

For every ``tests/cases/<name>`` it builds the current and the desired database, then for
each engine plans on a fresh copy of current, applies the plan statement by statement, and
checks the three things the case runner checks:

- **applies**: every statement ran without error;
- **re-plan**: the engine's own re-plan afterwards is empty;
- **dump**: ``pg_dump --schema-only`` of the result equals the desired database's.

It prints the pass counts per class (the case name's first word) side by side, so the gap
between migra and schemagate's corrections is visible::

    python -m bench.cases [--cases tests/cases] [-k substring] [-j 2] [--server-url URL]

The differs are used directly (no rehearsal, no classification): rehearsal only rejects a
bad plan, it never repairs one, so the differ's output is what is being measured. A case
whose ``expect.json`` manages privileges is planned with them (migra's ``--with-privileges``
for bare migra) and its dumps are compared with owners and privileges.
"""

from __future__ import annotations

import argparse
import sys
import uuid
import warnings
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from app.errors import SourceLocated
from app.pg import connect, with_database
from app.schema.corrections import engine_differ
from app.schema.differ import SchemaDiffer
from app.schema.inspection import InspectedSchema, inspect_database
from app.schema.loader import load_statements
from app.schema.sqltext import split_statements
from tests.support.cases import CaseExpectations, ensure_roles
from tests.support.dumps import compare_schemas

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_CASES = Path(__file__).parent.parent / "tests" / "cases"
CHECKS = ("applies", "re-plan", "dump")


class BareMigra:
    """migra exactly as a team runs it (``migra --unsafe``): no corrections, and none of the
    escaping :class:`MigraDiffer` adds to its input. Output that does not even parse counts
    as a failed plan."""

    def __init__(self, *, privileges: bool = False) -> None:
        self.privileges = privileges

    def diff(self, current: InspectedSchema | None, desired: InspectedSchema | None) -> list[str]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from migra import Migration

        migration = Migration(
            None if current is None else current.raw, None if desired is None else desired.raw
        )
        migration.set_safety(False)
        migration.add_all_changes(privileges=self.privileges)
        return [s.text for s in split_statements(migration.sql, file="<migra output>")]


ENGINES = ("schemagate", "migra")


def engines(*, manage_privileges: bool) -> dict[str, SchemaDiffer]:
    return {
        "schemagate": engine_differ(manage_privileges=manage_privileges),
        "migra": BareMigra(privileges=manage_privileges),
    }


@dataclass(frozen=True)
class Outcome:
    """One engine on one case: which checks passed, and the first failure's message."""

    case: str
    engine: str
    passed: tuple[str, ...]
    failure: str = ""


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    cases = sorted(
        p for p in Path(args.cases).iterdir() if (p / "desired.sql").is_file() and args.k in p.name
    )
    with ThreadPoolExecutor(max_workers=args.j) as pool:
        results = [
            o for batch in pool.map(lambda c: run_case(c, args.server_url), cases) for o in batch
        ]
    print(render(results))
    if args.verbose:
        for outcome in results:
            if outcome.failure:
                print(f"{outcome.engine:<11} {outcome.case}: {outcome.failure}")
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.cases", description=__doc__)
    parser.add_argument("--cases", default=str(DEFAULT_CASES))
    parser.add_argument("-k", default="", help="only cases whose name contains this")
    parser.add_argument("-j", type=int, default=2, help="cases run side by side")
    parser.add_argument("--server-url", default=DEFAULT_SERVER_URL)
    parser.add_argument("-v", "--verbose", action="store_true", help="print each failure")
    return parser.parse_args(argv)


def run_case(folder: Path, server_url: str) -> list[Outcome]:
    """Both engines on one case, or none when the case's own SQL does not build (reported,
    not counted: it says nothing about either engine)."""
    try:
        return _run_engines(folder, server_url)
    except _CaseSqlFailed as exc:
        print(f"skipped {folder.name}: its {exc.file} does not build: {exc}", file=sys.stderr)
        return []


class _CaseSqlFailed(Exception):
    def __init__(self, file: str, error: SourceLocated) -> None:
        super().__init__(f"line {error.line}: {error.message.strip().splitlines()[0]}")
        self.file = file


def _run_engines(folder: Path, server_url: str) -> list[Outcome]:
    """The desired database is built once and shared by the engines."""
    expect = CaseExpectations.of(folder)
    ensure_roles(server_url, expect.roles)
    current_sql = (folder / "current.sql").read_text()
    with _database(server_url, (folder / "desired.sql").read_text(), "desired.sql") as desired_url:
        desired = inspect_database(desired_url)
        target = _Target(desired_url, desired, expect.manage_privileges)
        outcomes = []
        for engine, differ in engines(manage_privileges=expect.manage_privileges).items():
            with _database(server_url, current_sql, "current.sql") as current_url:
                outcomes.append(_run_engine(folder.name, engine, differ, current_url, target))
    return outcomes


@dataclass(frozen=True)
class _Target:
    """The desired database of a case, and whether its dumps include privileges."""

    url: str
    inspected: InspectedSchema
    privileges: bool


def _run_engine(
    case: str,
    engine: str,
    differ: SchemaDiffer,
    current_url: str,
    desired: _Target,
) -> Outcome:
    try:
        plan = differ.diff(inspect_database(current_url), desired.inspected)
    except Exception as exc:  # an engine crash is a result, not a reason to stop
        return Outcome(case, engine, (), f"plan: {type(exc).__name__}: {exc}")
    failure = _apply(current_url, plan)
    if failure:
        return Outcome(case, engine, (), failure)
    passed = ["applies"]
    try:
        residual = differ.diff(inspect_database(current_url), desired.inspected)
    except Exception as exc:
        return Outcome(case, engine, ("applies",), f"re-plan: {type(exc).__name__}: {exc}")
    if not residual:
        passed.append("re-plan")
    try:
        difference = compare_schemas(current_url, desired.url, with_privileges=desired.privileges)
    except RuntimeError as exc:  # pg_dump itself failed: the check cannot pass
        return Outcome(case, engine, tuple(passed), f"dump: {exc}"[:300])
    if not difference:
        passed.append("dump")
    reason = f"re-plan: {residual[0]}" if residual else ""
    if difference and not reason:
        reason = "dump: " + " | ".join((difference.only_in_first + difference.only_in_second)[:2])
    return Outcome(case, engine, tuple(passed), reason[:300])


def _apply(url: str, plan: list[str]) -> str:
    """Run the plan in autocommit, one statement at a time; the first error, or ''."""
    with connect(url) as conn:
        for statement in plan:
            try:
                conn.execute(statement.encode())
            except psycopg.Error as exc:
                return f"apply: {statement[:120]!r}: {str(exc).strip()[:200]}"
    return ""


@contextmanager
def _database(server_url: str, schema_sql: str, file: str) -> Iterator[str]:
    """A scratch database built from ``schema_sql`` the way schemagate loads a desired
    schema: statements in any order (retried once what they need exists), and those that
    cannot run in a transaction (``CREATE INDEX CONCURRENTLY``) on their own."""
    name = f"sgcases_{uuid.uuid4().hex[:12]}"
    with connect(server_url) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = with_database(server_url, name)
        if schema_sql.strip():
            with connect(url) as conn:
                try:
                    statements = split_statements(schema_sql, file=file)
                    load_statements(conn, statements, sources={file: schema_sql})
                except SourceLocated as exc:
                    raise _CaseSqlFailed(file, exc) from None
        yield url
    finally:
        with connect(server_url) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def case_class(case: str) -> str:
    """A case's class is the first word of its name (``partition_index_add`` → partition)."""
    return case.split("_", 1)[0]


def render(results: list[Outcome]) -> str:
    """Pass counts per class and engine, for each check, as a fixed-width table."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sizes: dict[str, set[str]] = defaultdict(set)
    for outcome in results:
        for key in (case_class(outcome.case), "TOTAL"):
            sizes[key].add(outcome.case)
            for check in outcome.passed:
                counts[(key, outcome.engine)][check] += 1
    header = f"{'class':<14}{'cases':>6}  " + "  ".join(
        f"{engine + ' ' + '/'.join(CHECKS):>32}" for engine in ENGINES
    )
    lines = [header, "-" * len(header)]
    for key in [*sorted(k for k in sizes if k != "TOTAL"), "TOTAL"]:
        cells = [
            "/".join(f"{counts[(key, engine)][check]:>3}" for check in CHECKS) for engine in ENGINES
        ]
        lines.append(f"{key:<14}{len(sizes[key]):>6}  " + "  ".join(f"{c:>32}" for c in cells))
    return "\n".join([*lines, "", *_summary(results)])


def _summary(results: list[Outcome]) -> list[str]:
    """The two headline rates: converged (applies, re-plan empty) and pg_dump-exact (all
    three checks), per engine."""
    lines = []
    for label, needed in (("converged", CHECKS[:2]), ("pg_dump-exact", CHECKS)):
        rates = []
        for engine in ENGINES:
            mine = [o for o in results if o.engine == engine]
            passed = sum(all(c in o.passed for c in needed) for o in mine)
            rate = 100 * passed / max(len(mine), 1)
            rates.append(f"{engine} {rate:5.1f}% ({passed}/{len(mine)})")
        lines.append(f"{label + ':':<15}" + "   ".join(rates))
    return lines


if __name__ == "__main__":
    sys.exit(main())
