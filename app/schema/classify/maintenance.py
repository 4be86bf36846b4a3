"""Rules for index builds, maintenance and server-level statements: the statements whose risk
is how long they hold locks, or that cannot run inside a transaction block."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from pglast import ast
from pglast.enums import ReindexObjectType

from app.schema.classify.model import (
    NOTHING,
    ClassificationContext,
    Effect,
    Hazard,
    Rule,
    combine,
    destroys,
    hazard,
    locks,
    outside_transaction,
    rewrites,
)
from app.schema.classify.names import qualify, show

_DATABASE_WIDE_REINDEX: Final = frozenset(
    {ReindexObjectType.REINDEX_OBJECT_SCHEMA, ReindexObjectType.REINDEX_OBJECT_SYSTEM,
     ReindexObjectType.REINDEX_OBJECT_DATABASE}
)  # fmt: skip


def _create_index(node: ast.IndexStmt, context: ClassificationContext) -> Effect:
    """A plain build holds a SHARE lock (reads go on, writes wait) for the whole build."""
    if node.concurrent:
        return outside_transaction("CREATE INDEX CONCURRENTLY")
    table = qualify(node.relation, context.default_schema)
    name = show(node.idxname) if node.idxname else "(unnamed)"
    reason = f"builds index {name} on {show(*table)} without CONCURRENTLY: writes wait for it"
    return hazard(Hazard.INDEX_BUILD_BLOCKS_WRITES, reason, table)


def _reindex(node: ast.ReindexStmt, context: ClassificationContext) -> Effect:
    """A plain REINDEX blocks writes to the table and locks its indexes ACCESS EXCLUSIVE, which
    stalls every query that plans against them; REINDEX SCHEMA/SYSTEM/DATABASE need autocommit."""
    concurrently = any(
        isinstance(p, ast.DefElem) and p.defname == "concurrently" for p in node.params or ()
    )
    if node.kind in _DATABASE_WIDE_REINDEX:
        effect = outside_transaction(f"REINDEX {node.kind.name.removeprefix('REINDEX_OBJECT_')}")
        reason = "rebuilds many indexes without CONCURRENTLY: writes wait for each"
        return effect if concurrently else effect + hazard(Hazard.INDEX_BUILD_BLOCKS_WRITES, reason)
    if concurrently:
        return outside_transaction("REINDEX … CONCURRENTLY")
    relation = qualify(node.relation, context.default_schema)
    reason = f"rebuilds the index(es) of {show(*relation)} without CONCURRENTLY: writes wait"
    return locks(relation) + hazard(Hazard.INDEX_BUILD_BLOCKS_WRITES, reason, relation)


def _vacuum(node: ast.VacuumStmt, context: ClassificationContext) -> Effect:
    """ANALYZE runs anywhere; VACUUM needs autocommit; VACUUM FULL also rewrites under lock."""
    if not node.is_vacuumcmd:
        return NOTHING
    effect = outside_transaction("VACUUM")
    options = {o.defname for o in node.options or () if isinstance(o, ast.DefElem)}
    if "full" not in options:
        return effect
    relations = [
        qualify(r.relation, context.default_schema)
        for r in node.rels or ()
        if isinstance(r, ast.VacuumRelation) and r.relation is not None
    ]
    if not relations:
        return effect + _rewrites_everything("VACUUM FULL")
    return effect + combine(locks(r) + rewrites(r, "VACUUM FULL") for r in relations)


def _cluster(node: ast.ClusterStmt, context: ClassificationContext) -> Effect:
    if node.relation is None:
        return outside_transaction("CLUSTER without a table") + _rewrites_everything("CLUSTER")
    relation = qualify(node.relation, context.default_schema)
    return locks(relation) + rewrites(relation, "CLUSTER")


def _rewrites_everything(what: str) -> Effect:
    return hazard(
        Hazard.ACCESS_EXCLUSIVE_LOCK, f"{what} locks each table it processes ACCESS EXCLUSIVE"
    ) + hazard(Hazard.TABLE_REWRITE, f"{what} rewrites every table it processes")


def _move_all(node: ast.AlterTableMoveAllStmt, _context: ClassificationContext) -> Effect:
    return _rewrites_everything(f"moving all of tablespace {node.orig_tablespacename}")


def _refresh(node: ast.RefreshMatViewStmt, context: ClassificationContext) -> Effect:
    if node.concurrent:
        return NOTHING
    view = qualify(node.relation, context.default_schema)
    return locks(view) + rewrites(view, "REFRESH MATERIALIZED VIEW without CONCURRENTLY")


def _autocommit(what: str, *, destroyed: Callable[[Any], list[str]] | None = None) -> Rule:
    """A server-level statement PostgreSQL refuses inside a transaction block; ``destroyed``
    names what it drops, if anything."""

    def rule(node: ast.Node, _context: ClassificationContext) -> Effect:
        reasons = destroyed(node) if destroyed is not None else []
        return combine(destroys(reason) for reason in reasons) + outside_transaction(what)

    return rule


def _alter_database(node: ast.AlterDatabaseStmt, _context: ClassificationContext) -> Effect:
    options = {o.defname for o in node.options or () if isinstance(o, ast.DefElem)}
    return (
        outside_transaction("ALTER DATABASE … SET TABLESPACE")
        if "tablespace" in options
        else NOTHING
    )


RULES: Final[dict[type[ast.Node], Rule]] = {
    ast.IndexStmt: _create_index,
    ast.ReindexStmt: _reindex,
    ast.VacuumStmt: _vacuum,
    ast.ClusterStmt: _cluster,
    ast.AlterTableMoveAllStmt: _move_all,
    ast.RefreshMatViewStmt: _refresh,
    ast.CreatedbStmt: _autocommit("CREATE DATABASE"),
    ast.DropdbStmt: _autocommit(
        "DROP DATABASE", destroyed=lambda n: [f"drops database {show(n.dbname)}"]
    ),
    ast.AlterDatabaseStmt: _alter_database,
    ast.AlterSystemStmt: _autocommit("ALTER SYSTEM"),
    ast.CreateTableSpaceStmt: _autocommit("CREATE TABLESPACE"),
    ast.DropTableSpaceStmt: _autocommit(
        "DROP TABLESPACE", destroyed=lambda n: [f"drops tablespace {show(n.tablespacename)}"]
    ),
    ast.CreateSubscriptionStmt: _autocommit("CREATE SUBSCRIPTION"),
    ast.DropSubscriptionStmt: _autocommit(
        "DROP SUBSCRIPTION", destroyed=lambda n: [f"drops subscription {show(n.subname)}"]
    ),
}
