"""Assemble the planning engine for one target: shadow server, caches, differ, planner."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from app.embedded import embedded_postgres_url
from app.errors import SchemagateError
from app.pg import connect, server_major_version
from app.redact import describe_database
from app.schema.corrections import engine_differ
from app.schema.differ import SchemaDiffer
from app.schema.inspection import InspectionCache
from app.schema.plan import Plan
from app.schema.planner import Planner
from app.schema.schemas import SchemaMaterializer
from app.schema.shadow import ShadowServer


@dataclass
class EngineSession:
    """Everything needed to plan and apply for a target; closes its shadow guard on exit."""

    shadow: ShadowServer
    differ: SchemaDiffer
    planner: Planner
    data_dir: Path

    def snapshot_path(self, plan: Plan) -> Path:
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        return self.data_dir / "snapshots" / f"{plan.target}-{stamp}-{plan.short_id}.sql"

    def __enter__(self) -> EngineSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.shadow.close()


def open_engine_session(
    *, target_url: str, shadow_url: str, data_dir: Path, manage_privileges: bool = False
) -> EngineSession:
    """Build the engine; stale shadow databases from crashed runs are dropped first."""
    shadow = ShadowServer(shadow_url or default_shadow_url(target_url, data_dir))
    shadow.cleanup_stale()
    differ = engine_differ(manage_privileges=manage_privileges)
    materializer = SchemaMaterializer(
        shadow=shadow, cache=InspectionCache(data_dir / "cache"), differ=differ
    )
    planner = Planner(materializer=materializer, differ=differ)
    return EngineSession(shadow=shadow, differ=differ, planner=planner, data_dir=data_dir)


def default_shadow_url(target_url: str, data_dir: Path) -> str:
    """The target's own server when its role may create databases, else the embedded server
    if its major version matches; otherwise say what to pass."""
    with connect(target_url) as conn:
        target_major = server_major_version(conn)
        row = conn.execute(
            "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    if row and row[0]:
        return target_url
    embedded = embedded_postgres_url(data_dir / "postgres")
    with connect(embedded) as conn:
        embedded_major = server_major_version(conn)
    if embedded_major == target_major:
        return embedded
    raise SchemagateError(
        f"no shadow server: the role on {describe_database(target_url)} may not create "
        f"databases, and the embedded PostgreSQL is version {embedded_major}, not "
        f"{target_major}; pass --shadow-url with a PostgreSQL {target_major} server where "
        "schemagate may create databases"
    )


def clear_caches(*, data_dir: Path, shadow_url: str) -> tuple[int, list[str]]:
    """Remove cached inspections, and cached databases on ``shadow_url`` if given."""
    removed = InspectionCache(data_dir / "cache").clear()
    dropped: list[str] = []
    if shadow_url:
        shadow = ShadowServer(shadow_url)
        try:
            dropped = shadow.clear_templates()
        finally:
            shadow.close()
    return removed, dropped
