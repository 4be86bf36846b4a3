"""Load SQL statements into a shadow database, in any order, with precise errors.

Statements go in chunks, one transaction (and one round trip) per chunk: far faster than a
commit per statement, and small enough never to exhaust the server's lock table. A chunk
that fails is replayed statement by statement to find the culprit. A statement that fails
only because something it needs does not exist yet is retried after the others, until no
progress is made, so users need not order their files by dependency. What still fails is
reported with file, line, column and PostgreSQL's message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import psycopg

from app.errors import SchemaLoadError
from app.schema.sqltext import SourceStatement, relation_reference_offset

log = logging.getLogger(__name__)

CHUNK_SIZE = 250

# Errors that mean "something this statement needs is not there (yet)".
_MISSING_DEPENDENCY = frozenset(
    {
        "42P01",  # undefined_table
        "42883",  # undefined_function
        "42704",  # undefined_object (types, ...)
        "3F000",  # invalid_schema_name
        "42703",  # undefined_column
        "42P10",  # invalid_column_reference (e.g. FK to a unique constraint added later)
        "42830",  # invalid_foreign_key (no unique constraint on the referenced columns yet)
    }
)
_ACTIVE_TRANSACTION = "25001"  # the statement cannot run inside a transaction block
_SKIPPED_KINDS = frozenset({"TransactionStmt"})  # BEGIN/COMMIT describe no schema


@dataclass(frozen=True)
class _Failure:
    statement: SourceStatement
    error: psycopg.Error


def load_statements(
    conn: psycopg.Connection,
    statements: Sequence[SourceStatement],
    *,
    sources: Mapping[str, str],
) -> None:
    """Run ``statements`` on ``conn`` (autocommit mode), retrying out-of-order ones.

    ``sources`` maps file names to their text, to turn error positions into line:column.
    """
    pending = [s for s in statements if s.kind not in _SKIPPED_KINDS]
    while pending:
        failures = _run_pass(conn, pending, sources)
        if not failures:
            return
        if len(failures) == len(pending):
            raise _load_error(failures[0], sources)
        log.debug("retrying %d statement(s) that depend on later ones", len(failures))
        pending = [f.statement for f in failures]


def _run_pass(
    conn: psycopg.Connection, statements: Sequence[SourceStatement], sources: Mapping[str, str]
) -> list[_Failure]:
    failures: list[_Failure] = []
    for start in range(0, len(statements), CHUNK_SIZE):
        chunk = statements[start : start + CHUNK_SIZE]
        if not _run_chunk_at_once(conn, chunk):
            failures.extend(_run_chunk_one_by_one(conn, chunk, sources))
    return failures


def _run_chunk_at_once(conn: psycopg.Connection, chunk: Sequence[SourceStatement]) -> bool:
    """The fast path: the whole chunk as one multi-statement query in one transaction."""
    # A newline before each semicolon: a statement may end in a line comment.
    script = "\n;\n".join(s.text for s in chunk)
    try:
        with conn.transaction():
            conn.execute(script.encode())
    except psycopg.Error:
        return False
    return True


def _run_chunk_one_by_one(
    conn: psycopg.Connection, chunk: Sequence[SourceStatement], sources: Mapping[str, str]
) -> list[_Failure]:
    """Replay a failed chunk with a savepoint per statement, collecting dependency failures."""
    failures: list[_Failure] = []
    outside_transaction: list[SourceStatement] = []
    with conn.transaction():
        for statement in chunk:
            try:
                with conn.transaction():
                    conn.execute(statement.text.encode())
            except psycopg.Error as exc:
                if exc.sqlstate == _ACTIVE_TRANSACTION:
                    outside_transaction.append(statement)
                elif exc.sqlstate in _MISSING_DEPENDENCY:
                    failures.append(_Failure(statement, exc))
                else:
                    raise _load_error(_Failure(statement, exc), sources) from None
    for statement in outside_transaction:
        try:
            conn.execute(statement.text.encode())
        except psycopg.Error as exc:
            failures.append(_Failure(statement, exc))
    return failures


def _load_error(failure: _Failure, sources: Mapping[str, str]) -> SchemaLoadError:
    statement, error = failure.statement, failure.error
    line, column = statement.line, statement.column
    position = _error_position(statement, error)
    if position and statement.file in sources:
        line, column = statement.location_of(position, sources[statement.file])
    return SchemaLoadError(
        file=statement.file,
        line=line,
        column=column,
        message=describe_pg_error(error),
        statement=statement.text,
    )


def _error_position(statement: SourceStatement, error: psycopg.Error) -> int | None:
    """1-based position of the error in the statement: PostgreSQL's, or for a missing relation
    it does not locate (e.g. in REFERENCES), the place the statement names that relation."""
    if error.diag.statement_position:
        return int(error.diag.statement_position)
    if error.sqlstate != "42P01" or not error.diag.message_primary:
        return None
    _, quote, rest = error.diag.message_primary.partition('"')
    missing = rest.partition('"')[0] if quote else ""
    offset = relation_reference_offset(statement.text, missing)
    return None if offset is None else offset + 1


def describe_pg_error(error: psycopg.Error) -> str:
    """PostgreSQL's message with its detail and hint, as one readable string."""
    diag = error.diag
    text = diag.message_primary or str(error).strip()
    if diag.message_detail:
        text += f" ({diag.message_detail})"
    if diag.message_hint:
        text += f"; hint: {diag.message_hint}"
    return text
