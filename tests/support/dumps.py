"""Compare two databases' schemas the way an operator would: with ``pg_dump --schema-only``.

Inspection-based checks (re-plan is empty) only see what the inspector looks at; pg_dump
sees everything PostgreSQL can restore. Both dumps are normalized only where the output is
not schema: pg_dump's own comments, its ``SET``/``set_config`` preamble and psql
meta-commands, and the order of statements (compared as multisets). Owners and privileges
are left out unless asked for: they are out of a plan's scope unless a target manages them.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pglast import parse_sql
from pglast.ast import RawStmt
from pglast.stream import RawStream

from app.pg import connect, libpq_url, server_major_version


class NoMatchingPgDump(RuntimeError):
    """No pg_dump binary of the server's major version was found (the check cannot run)."""


@dataclass(frozen=True)
class DumpDifference:
    """Statements only one of the two dumps has (each normalized to one line)."""

    only_in_first: list[str]
    only_in_second: list[str]

    def __bool__(self) -> bool:
        return bool(self.only_in_first or self.only_in_second)

    def describe(self, first: str, second: str) -> str:
        lines = [f"only in {first}:", *self.only_in_first, f"only in {second}:"]
        return "\n  ".join([*lines, *self.only_in_second])


def compare_schemas(
    first_url: str, second_url: str, *, with_privileges: bool = False
) -> DumpDifference:
    """What differs between the schema dumps of two databases (falsy when nothing does)."""
    return difference(
        schema_statements(first_url, with_privileges=with_privileges),
        schema_statements(second_url, with_privileges=with_privileges),
    )


def schema_statements(url: str, *, with_privileges: bool = False) -> Counter[str]:
    """The normalized statements of a database's schema dump (see :func:`difference`);
    owners and privileges only ``with_privileges``."""
    return dump_statements(pg_dump_for(url), url, with_privileges=with_privileges)


def difference(first: Counter[str], second: Counter[str]) -> DumpDifference:
    return DumpDifference(
        only_in_first=sorted((first - second).elements()),
        only_in_second=sorted((second - first).elements()),
    )


def pg_dump_for(url: str) -> Path:
    """The pg_dump of the server's major version: a different major dumps differently (or
    refuses newer servers), so a mismatched binary would make the comparison meaningless."""
    with connect(url) as conn:
        major = server_major_version(conn)
    return _pg_dump_of_major(major)


@cache
def _pg_dump_of_major(major: int) -> Path:
    tried: list[Path] = []
    for candidate in _candidates(major):
        tried.append(candidate)
        if candidate.is_file() and _major_of(candidate) == major:
            return candidate
    raise NoMatchingPgDump(
        f"no pg_dump for PostgreSQL {major} (tried {', '.join(map(str, tried))}); "
        f"install the PostgreSQL {major} client tools (e.g. postgresql-client-{major})"
    )


def _candidates(major: int) -> Iterator[Path]:
    """Where a pg_dump may be, most likely first; the embedded server's bundled client
    tools last (importing pgserver is only needed when nothing else fits)."""
    on_path = shutil.which("pg_dump")
    if on_path:
        yield Path(on_path)
    yield Path(f"/usr/lib/postgresql/{major}/bin/pg_dump")
    try:
        import pgserver
    except ImportError:
        return
    yield Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"


def _major_of(binary: Path) -> int | None:
    """Major version from ``pg_dump --version`` (``pg_dump (PostgreSQL) 15.20 (Debian …)``)."""
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    words = out.stdout.split()
    if len(words) < 3 or not words[2].split(".")[0].isdigit():
        return None
    return int(words[2].split(".")[0])


def dump_statements(binary: Path, url: str, *, with_privileges: bool = False) -> Counter[str]:
    """The schema statements of a database's dump, as a multiset of normalized statements."""
    text = _dump(binary, url, with_privileges)
    sql = "\n".join(line for line in text.splitlines() if not line.startswith("\\"))
    statements: Counter[str] = Counter()
    for raw in parse_sql(sql):
        if raw.stmt is not None and not _is_dump_setting(raw.stmt):
            statements[_canonical(raw)] += 1
    return statements


def _canonical(raw: RawStmt) -> str:
    """The statement as pglast prints it: pg_dump's comments and layout are not schema."""
    return str(RawStream()(raw))


def _dump(binary: Path, url: str, with_privileges: bool) -> str:
    leave_out = [] if with_privileges else ["--no-owner", "--no-privileges"]
    args = [str(binary), "--schema-only", *leave_out, "-d", libpq_url(url)]
    out = subprocess.run(args, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {out.stderr.strip()}")
    return out.stdout


def _is_dump_setting(node: Any) -> bool:
    """pg_dump's session preamble: ``SET x = …`` and ``SELECT pg_catalog.set_config(…)``."""
    if type(node).__name__ == "VariableSetStmt":
        return True
    if type(node).__name__ != "SelectStmt" or not node.targetList:
        return False
    call = node.targetList[0].val
    names = [n.sval for n in getattr(call, "funcname", None) or ()]
    return names[-1:] == ["set_config"]
