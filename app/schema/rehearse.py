"""Rehearsal: apply a plan to a copy of the target exactly as production would get it, then
check the copy reached the desired schema. A plan that fails here is never offered."""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import LockTableExhausted, RehearsalFailed, StatementFailed
from app.pg import connect
from app.schema.differ import SchemaDiffer
from app.schema.execution import ExecutionSettings, run_statements
from app.schema.inspection import InspectedSchema, inspect_database
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
        rehearsed = inspect_database(url)
    residual = differ.diff(rehearsed, desired)
    if residual:
        raise RehearsalFailed(residual_sql="\n\n".join(terminated(s) for s in residual))
