"""The store's own schema: upgrades from any older version, idempotently, under a lock."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, inspect, text

from app.errors import ConfigError
from app.store import Store
from app.store.migrations import STEPS, VERSION_TABLE, Step, current_version, upgrade
from app.store.models import Base
from tests.support.databases import DatabaseFactory


def _fresh(kind: str, tmp_path: Path, databases: DatabaseFactory, name: str = "a") -> Store:
    if kind == "sqlite":
        return Store.from_url(f"sqlite:///{tmp_path / f'{name}.db'}")
    return Store.from_url(databases.create(prefix="sgmig"))


def _version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT version FROM {VERSION_TABLE}")).scalar_one())


def _shape(engine: Engine) -> dict[str, object]:
    """Tables with their columns, indexes, unique constraints and foreign keys."""
    found = inspect(engine)
    shape: dict[str, object] = {}
    for table in sorted(set(found.get_table_names()) - {VERSION_TABLE}):
        shape[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)
            ],
            "indexes": sorted(
                (i["name"], tuple(i["column_names"])) for i in found.get_indexes(table)
            ),
            "uniques": sorted(
                (u["name"], tuple(u["column_names"])) for u in found.get_unique_constraints(table)
            ),
            "fks": sorted(
                (f["name"], tuple(f["constrained_columns"]), f["referred_table"], str(f["options"]))
                for f in found.get_foreign_keys(table)
            ),
        }
    return shape


@pytest.mark.smoke
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrade_from_empty_reaches_current_and_is_idempotent(
    kind: str, tmp_path: Path, databases: DatabaseFactory
) -> None:
    store = _fresh(kind, tmp_path, databases)
    assert store.upgrade() == current_version()
    assert _version(store.engine) == current_version()
    before = _shape(store.engine)
    assert store.upgrade() == current_version()
    assert _shape(store.engine) == before
    store.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migrations_produce_exactly_the_models(
    kind: str, tmp_path: Path, databases: DatabaseFactory
) -> None:
    migrated = _fresh(kind, tmp_path, databases, "migrated")
    migrated.upgrade()
    modelled = _fresh(kind, tmp_path, databases, "modelled")
    Base.metadata.create_all(modelled.engine)
    assert _shape(migrated.engine) == _shape(modelled.engine)
    migrated.close()
    modelled.close()


def _add_note_column(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE audit_events ADD COLUMN note VARCHAR(50)"))


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_later_step_upgrades_an_older_store_keeping_its_rows(
    kind: str, tmp_path: Path, databases: DatabaseFactory
) -> None:
    store = _fresh(kind, tmp_path, databases)
    store.upgrade()
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (at, repository, actor, action, detail) "
                "VALUES (CURRENT_TIMESTAMP, 'acme/shop', 'alice', 'acknowledged', '{}')"
            )
        )
    steps = (*STEPS, Step(current_version() + 1, "audit notes", _add_note_column))
    assert upgrade(store.engine, steps) == current_version() + 1
    assert upgrade(store.engine, steps) == current_version() + 1  # nothing left to do
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT actor, note FROM audit_events")).all()
    assert [tuple(r) for r in rows] == [("alice", None)]
    store.close()


def test_a_store_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    store = Store.from_url(f"sqlite:///{tmp_path / 'new.db'}")
    steps = (*STEPS, Step(current_version() + 1, "from the future", _add_note_column))
    upgrade(store.engine, steps)
    with pytest.raises(ConfigError, match="newer than this schemagate knows"):
        store.upgrade()
    store.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_processes_starting_together_upgrade_once(
    kind: str, tmp_path: Path, databases: DatabaseFactory
) -> None:
    first = _fresh(kind, tmp_path, databases)
    url = first.engine.url.render_as_string(hide_password=False)
    stores = [first] + [Store.from_url(url) for _ in range(3)]
    versions: list[int] = []
    errors: list[BaseException] = []

    def start(store: Store) -> None:
        try:
            versions.append(store.upgrade())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert versions == [current_version()] * len(stores)
    for store in stores:
        store.close()
