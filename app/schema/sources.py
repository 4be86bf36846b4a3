"""The desired schema: ``*.sql`` files read in lexical order, from disk or from a forge."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import SchemagateError
from app.schema.sqltext import SourceStatement, split_statements


@dataclass(frozen=True)
class SchemaFile:
    """One file of the desired schema; ``name`` is what errors show (e.g. ``schema/001.sql``)."""

    name: str
    content: str


def read_schema_dir(directory: Path) -> list[SchemaFile]:
    """Read the ``*.sql`` files directly inside ``directory``, in lexical order of their names."""
    if not directory.is_dir():
        raise SchemagateError(f"schema directory {directory} does not exist or is not a directory")
    files = sorted(p for p in directory.glob("*.sql") if p.is_file())
    if not files:
        raise SchemagateError(f"schema directory {directory} has no *.sql files")
    return [SchemaFile(name=str(p), content=_read_text(p)) for p in files]


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SchemagateError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8"
        ) from None


def ordered(files: Iterable[SchemaFile]) -> list[SchemaFile]:
    """Files in the order they load: lexical by name, as on disk."""
    return sorted(files, key=lambda f: f.name)


def desired_hash(files: Sequence[SchemaFile]) -> str:
    """Content hash of the desired schema; the cache key of its loaded shadow database.

    File names are excluded on purpose: moving ``schema/`` or renaming files without changing
    their order or content describes the same schema.
    """
    digest = hashlib.sha256()
    for schema_file in ordered(files):
        data = schema_file.content.encode()
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def statements_of(files: Sequence[SchemaFile]) -> list[SourceStatement]:
    """All statements of the desired schema, in load order."""
    statements: list[SourceStatement] = []
    for schema_file in ordered(files):
        statements.extend(split_statements(schema_file.content, file=schema_file.name))
    return statements
