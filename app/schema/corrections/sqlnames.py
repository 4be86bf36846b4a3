"""Quoting for the SQL that corrections write: identifiers always quoted, and values (a
comment, an enum label) always as string literals, so no name or text can change what a
statement means."""

from __future__ import annotations

from collections.abc import Iterable


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def dotted(names: Iterable[str]) -> str:
    return ".".join(ident(n) for n in names)


def literal(text: str) -> str:
    """A standard SQL string literal (standard_conforming_strings is on since PostgreSQL
    9.1, so only the quote needs doubling; a backslash is an ordinary character)."""
    return "'" + text.replace("'", "''") + "'"


def literal_or_null(text: str | None) -> str:
    return "NULL" if text is None else literal(text)


def schema_and_name(key: str) -> tuple[str, str]:
    """(schema, name) of a key written ``"schema"."name"``, maybe followed by arguments."""
    parts: list[str] = []
    position = 0
    while len(parts) < 2 and position < len(key) and key[position] == '"':
        end = position + 1
        while end < len(key) and (key[end] != '"' or key[end + 1 : end + 2] == '"'):
            end += 2 if key[end] == '"' else 1
        parts.append(key[position + 1 : end].replace('""', '"'))
        position = end + 2  # past the closing quote and the dot
    return (parts[0], parts[1]) if len(parts) == 2 else ("", key)
