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
