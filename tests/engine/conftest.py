"""Engine fixtures: a shadow server on the test PostgreSQL, caches in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.schema.session import EngineSession, open_engine_session
from tests.support.databases import DatabaseFactory


@pytest.fixture
def engine_session(
    postgres_url: str, tmp_path: Path, databases: DatabaseFactory
) -> Iterator[EngineSession]:
    """An engine whose shadow databases live on the test server and caches in tmp_path."""
    with open_engine_session(
        target_url=postgres_url, shadow_url=postgres_url, data_dir=tmp_path / "data"
    ) as session:
        yield session


def write_schema(directory: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (name -> SQL) into ``directory`` and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (directory / name).write_text(content, encoding="utf-8")
    return directory
