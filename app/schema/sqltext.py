"""Split SQL text into statements that remember where they came from.

Every error schemagate reports about SQL names the file, line and column, so statements keep
their offset in the source. Splitting uses PostgreSQL's own parser (pglast), which knows
dollar quoting, nested comments and string escapes; a syntax error is reported at its place.
"""

from __future__ import annotations

import bisect
import itertools
import json
from dataclasses import dataclass

from pglast import parse_sql, parser
from pglast.visitors import Visitor

from app.errors import SqlSyntaxError


@dataclass(frozen=True)
class SourceStatement:
    """One SQL statement and its place in a source file."""

    file: str
    text: str
    kind: str  # the parse node's name, e.g. "CreateStmt"
    offset: int  # character offset of the statement's first character in the file
    line: int  # 1-based
    column: int  # 1-based

    def location_of(self, position: int, source: str) -> tuple[int, int]:
        """Line and column in the file of a 1-based character ``position`` in this statement.

        PostgreSQL reports error positions relative to the statement it was sent.
        """
        return line_and_column(source, self.offset + max(position - 1, 0))


def line_and_column(source: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = source[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return line, column


def split_statements(source: str, *, file: str) -> list[SourceStatement]:
    """Split ``source`` into statements; raise :class:`SqlSyntaxError` at the first bad one.

    Uses the parser's JSON output: it names each statement's node and is several times
    faster than building pglast's Python tree for a large schema.
    """
    try:
        parsed = json.loads(parser.parse_sql_json(source))
    except parser.ParseError as exc:
        message, index = exc.args[0], int(exc.args[1]) if len(exc.args) > 1 else 0
        line, column = line_and_column(source, index)
        raise SqlSyntaxError(file=file, line=line, column=column, message=message) from None
    encoded = source.encode()
    to_chars = _identity if len(encoded) == len(source) else _CharOffsets(encoded)
    lines = _LineIndex(source)
    statements = []
    for raw in parsed.get("stmts", []):
        start_byte = raw.get("stmt_location", 0)
        # The parser gives no length for a last statement without a terminating semicolon.
        end_byte = start_byte + raw["stmt_len"] if raw.get("stmt_len") else len(encoded)
        start, end = to_chars(start_byte), to_chars(end_byte)
        line, column = lines.locate(start)
        statements.append(
            SourceStatement(
                file=file,
                text=source[start:end].strip(),
                kind=next(iter(raw["stmt"])),
                offset=start,
                line=line,
                column=column,
            )
        )
    return statements


class _LineIndex:
    """Line and column of many offsets in one text without rescanning it each time."""

    def __init__(self, source: str) -> None:
        lengths = (len(line) + 1 for line in source.split("\n"))
        self.newlines = [end - 1 for end in itertools.accumulate(lengths)]

    def locate(self, offset: int) -> tuple[int, int]:
        line_index = bisect.bisect_left(self.newlines, offset)
        line_start = self.newlines[line_index - 1] + 1 if line_index else 0
        return line_index + 1, offset - line_start + 1


def _identity(offset: int) -> int:
    return offset


class _CharOffsets:
    """Turns the parser's UTF-8 byte offsets into character offsets of the source."""

    def __init__(self, encoded: bytes) -> None:
        self.encoded = encoded

    def __call__(self, offset: int) -> int:
        return len(self.encoded[:offset].decode(errors="ignore"))


def relation_reference_offset(statement: str, qualified_name: str) -> int | None:
    """Character offset where ``statement`` refers to the relation ``qualified_name``
    (``name`` or ``schema.name``, as PostgreSQL prints it in messages)."""
    finder = _RelationFinder(qualified_name)
    try:
        finder(parse_sql(statement))
    except parser.ParseError:
        return None
    return finder.offset


class _RelationFinder(Visitor):
    def __init__(self, qualified_name: str) -> None:
        self.wanted = qualified_name
        self.offset: int | None = None

    def visit_RangeVar(self, ancestors: object, node: object) -> None:
        relname = getattr(node, "relname", None)
        schemaname = getattr(node, "schemaname", None)
        names = {relname, f"{schemaname}.{relname}" if schemaname else relname}
        if self.offset is None and self.wanted in names:
            self.offset = getattr(node, "location", None)
