"""Rehearsal: apply a plan to a copy of the target exactly as production would get it, then
check the copy reached the desired schema. A plan that fails here is never offered.

A plan whose statements all run in transactions is rehearsed on the cached copy itself,
inside one transaction that is inspected and then rolled back: PostgreSQL's DDL is
transactional, so the copy is left as it was and no database is cloned or dropped. A plan
with statements that must run outside a transaction (``CREATE INDEX CONCURRENTLY``, …) is
rehearsed on a throwaway clone, segment by segment, exactly as the executor runs it.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
import sqlalchemy.exc

from app.errors import LockTableExhausted, RehearsalFailed, StatementFailed
from app.pg import connect, inspection_engine
from app.schema.differ import SchemaDiffer
from app.schema.execution import ExecutionSettings, run_statements
from app.schema.inspection import InspectedSchema, inspect_connection, inspect_database
from app.schema.loader import describe_pg_error
from app.schema.plan import PlannedStatement, terminated
from app.schema.schemas import SchemaMaterializer

# Nobody else uses the copy: no lock waits to bound, nothing to retry.
_REHEARSAL_SETTINGS = ExecutionSettings(
    lock_timeout_seconds=0.0, statement_timeout_seconds=0.0, lock_retries=0
)


def rehearse(
    *,
    materializer: SchemaMaterializer,
    differ: SchemaDiffer,
    target: InspectedSchema,
    desired: InspectedSchema,
    statements: Sequence[PlannedStatement],
) -> None:
    """Raise :class:`RehearsalFailed` unless ``statements`` turn a copy of ``target`` into
    ``desired`` without error."""
    if any(s.classification.needs_autocommit for s in statements):
        rehearsed = _on_a_clone(materializer, target, statements)
    else:
        rehearsed = _in_a_transaction(materializer, target, statements)
    if rehearsed.fingerprint == desired.fingerprint:
        return  # identical schemas: nothing for a diff to find
    residual = differ.diff(rehearsed, desired)
    if residual:
        raise RehearsalFailed(residual_sql="\n\n".join(terminated(s) for s in residual))


def _in_a_transaction(
    materializer: SchemaMaterializer,
    target: InspectedSchema,
    statements: Sequence[PlannedStatement],
) -> InspectedSchema:
    try:
        return _in_a_transaction_on(materializer.target_copy_in_place(target), statements)
    except sqlalchemy.exc.OperationalError:
        # The cached copy was pruned by another process between our check and connecting.
        url = materializer.target_copy_in_place(target, rebuild=True)
        return _in_a_transaction_on(url, statements)


def _in_a_transaction_on(url: str, statements: Sequence[PlannedStatement]) -> InspectedSchema:
    engine = inspection_engine(url)
    try:
        with engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert isinstance(driver, psycopg.Connection)
            try:
                for statement in statements:
                    _execute(driver, statement)
                return inspect_connection(conn)
            finally:
                conn.rollback()
    finally:
        engine.dispose()


def _execute(conn: psycopg.Connection, statement: PlannedStatement) -> None:
    try:
        conn.execute(statement.sql.encode())
    except psycopg.Error as exc:
        raise RehearsalFailed(statement=statement.sql, pg_message=describe_pg_error(exc)) from None


def _on_a_clone(
    materializer: SchemaMaterializer,
    target: InspectedSchema,
    statements: Sequence[PlannedStatement],
) -> InspectedSchema:
    with materializer.target_copy(target) as url:
        with connect(url) as conn:
            try:
                run_statements(conn, statements, _REHEARSAL_SETTINGS)
            except StatementFailed as failure:
                raise RehearsalFailed(
                    statement=failure.statement, pg_message=failure.pg_message
                ) from None
            except LockTableExhausted as failure:
                raise RehearsalFailed(
                    statement="(the whole plan)", pg_message=str(failure)
                ) from None
        return inspect_database(url)
