"""The schemagate error tree.

Every error schemagate raises on purpose derives from :class:`SchemagateError` and carries
the data a person needs to act on it (the file, the line, the statement, the target), so a
message can say what failed, with which value, and what to do::

    SchemagateError
    ├── ConfigError                 a setting or YAML key is missing or invalid (names the key)
    ├── DatabaseError
    │   ├── DatabaseUnreachable     cannot connect (names host, port, database; never the password)
    │   └── ServerVersionMismatch   shadow server and target run different major versions
    ├── SqlSyntaxError              SQL that PostgreSQL's parser rejects (file, line, column)
    ├── SchemaLoadError             a desired-schema statement failed to load (file, line, column)
    ├── PlanError
    │   ├── RehearsalFailed         the plan errored on the copy, or left a residual diff
    │   └── PlanStale               the target changed since the plan was made
    ├── ApplyError
    │   ├── ApplyInProgress         another apply holds the target's advisory lock
    │   ├── DestructiveNotAllowed   destructive statements without acknowledgment
    │   ├── StatementFailed         a statement failed in PostgreSQL; its segment rolled back
    │   ├── LockTableExhausted      a segment needs more locks than the server's lock table
    │   └── VerificationFailed      applied, but the target still differs from the desired schema
    ├── ForgeError                  a GitHub/GitLab API call failed (forge, operation, status)
    │   └── ForgeNotConfigured      a repository names a forge that has no configuration
    └── TargetBusy                  another process holds the target's lock (repository, target)
"""

from __future__ import annotations

from collections.abc import Sequence


class SchemagateError(Exception):
    """Root of every error schemagate raises deliberately."""


class ConfigError(SchemagateError):
    """A configuration value is missing or invalid."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"configuration error at {key}: {problem}")


class DatabaseError(SchemagateError):
    """A problem talking to a PostgreSQL server."""


class DatabaseUnreachable(DatabaseError):
    """A connection could not be opened; ``where`` is the masked host/port/database."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"cannot connect to {where}: {reason}")


class ServerVersionMismatch(DatabaseError):
    """Shadow databases must run the target's PostgreSQL major version to be comparable."""

    def __init__(self, target_major: int, shadow_major: int, shadow_where: str) -> None:
        self.target_major = target_major
        self.shadow_major = shadow_major
        super().__init__(
            f"the shadow server {shadow_where} runs PostgreSQL {shadow_major} but the target "
            f"runs PostgreSQL {target_major}; schemas are only comparable on the same major "
            f"version: pass --shadow-url (or set shadow_url) to a PostgreSQL {target_major} server"
        )


class SourceLocated(SchemagateError):
    """An error that points at a place in a SQL source file."""

    def __init__(self, *, file: str, line: int, column: int, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        super().__init__(f"{file}:{line}:{column}: {message}")


class SqlSyntaxError(SourceLocated):
    """PostgreSQL's parser rejected the SQL."""


class SchemaLoadError(SourceLocated):
    """A statement of the desired schema failed when loaded into the shadow database."""

    def __init__(self, *, file: str, line: int, column: int, message: str, statement: str) -> None:
        self.statement = statement
        super().__init__(file=file, line=line, column=column, message=message)


class PlanError(SchemagateError):
    """A plan could not be made or may not be offered."""


class RehearsalFailed(PlanError):
    """The plan failed on a copy of the target: an error, or a residual difference."""

    def __init__(
        self,
        *,
        statement: str | None = None,
        pg_message: str | None = None,
        residual_sql: str | None = None,
    ) -> None:
        self.statement = statement
        self.pg_message = pg_message
        self.residual_sql = residual_sql
        if statement is not None:
            text = f"rehearsal failed: statement\n  {statement}\nfailed: {pg_message}"
        else:
            text = (
                "rehearsal failed: after applying the plan to a copy of the target, it still "
                f"differs from the desired schema by:\n{residual_sql}"
            )
        super().__init__(text)


class PlanStale(PlanError):
    """The target's schema changed after the plan was made; the plan must be made again."""

    def __init__(self, *, expected: str, actual: str) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"the target's schema changed since the plan was made (fingerprint {actual[:12]}, "
            f"plan was made against {expected[:12]}): plan again"
        )


class ApplyError(SchemagateError):
    """Applying a plan to a target failed or was refused."""


class ApplyInProgress(ApplyError):
    """Another apply holds the target's advisory lock."""

    def __init__(self, where: str, waited_seconds: float) -> None:
        super().__init__(
            f"another schemagate apply is running on {where} (its advisory lock is held; "
            f"waited {waited_seconds:g}s): try again when it has finished"
        )


class DestructiveNotAllowed(ApplyError):
    """The plan destroys something and the caller did not allow it."""

    def __init__(self, statements: Sequence[str]) -> None:
        self.statements = list(statements)
        listing = "\n".join(f"  {s}" for s in self.statements)
        super().__init__(
            f"the plan has {len(self.statements)} destructive statement(s):\n{listing}\n"
            "pass --allow-destructive to apply them"
        )


class StatementFailed(ApplyError):
    """A statement failed in PostgreSQL; its transactional segment was rolled back."""

    def __init__(self, *, index: int, statement: str, pg_message: str, sqlstate: str | None):
        self.index = index
        self.statement = statement
        self.pg_message = pg_message
        self.sqlstate = sqlstate
        super().__init__(
            f"statement {index + 1} failed and its transaction was rolled back:\n"
            f"  {statement}\nPostgreSQL said: {pg_message}"
        )


class LockTableExhausted(ApplyError):
    """A transactional segment needs more locks than the server's shared lock table holds."""

    def __init__(self, *, statements: int, max_locks_per_transaction: int, max_connections: int):
        super().__init__(
            f"a transaction of {statements} statement(s) needs more locks than the server's lock "
            f"table holds (max_locks_per_transaction={max_locks_per_transaction}, "
            f"max_connections={max_connections}); nothing was applied. Raise "
            "max_locks_per_transaction on the server (needs a restart), or split the plan into "
            "smaller changes"
        )


class VerificationFailed(ApplyError):
    """The plan ran, but the target still differs from the desired schema."""

    def __init__(self, residual_sql: str) -> None:
        self.residual_sql = residual_sql
        super().__init__(
            "the plan was applied but the target still differs from the desired schema by:\n"
            f"{residual_sql}"
        )


class ForgeError(SchemagateError):
    """A forge API call failed. Carries the forge, the operation, the HTTP status and the
    forge's own message (never the token)."""

    def __init__(self, *, forge: str, operation: str, status: int | None, message: str) -> None:
        self.forge = forge
        self.operation = operation
        self.status = status
        self.message = message
        code = f"HTTP {status}" if status is not None else "no HTTP status"
        super().__init__(f"{forge}: {operation} failed ({code}): {message}")


class ForgeNotConfigured(ForgeError):
    """A repository is on a forge for which the configuration has no section."""

    def __init__(self, *, forge: str, repository: str) -> None:
        super().__init__(
            forge=forge,
            operation=f"route repository {repository}",
            status=None,
            message=f"no '{forge}' section under 'forges' in the configuration: add one",
        )


class TargetBusy(SchemagateError):
    """Another worker holds the per-target lock; the task backs off and tries again later."""

    def __init__(self, *, repository: str, target: str, waited_seconds: float) -> None:
        self.repository = repository
        self.target = target
        self.waited_seconds = waited_seconds
        super().__init__(
            f"target {target} of {repository} is busy: another schemagate worker holds its lock "
            f"(waited {waited_seconds:g}s); the work is retried when that worker has finished"
        )
