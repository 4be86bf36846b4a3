"""A fresh, upgraded state store per test: SQLite in tmp_path and PostgreSQL (own database)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import Store
from tests.support.databases import DatabaseFactory


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        made = Store.embedded(tmp_path)
    else:
        databases: DatabaseFactory = request.getfixturevalue("databases")
        made = Store.from_url(databases.create(prefix="sgstore"))
    made.upgrade()
    yield made
    made.close()
