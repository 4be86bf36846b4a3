"""Does ``ALTER COLUMN … TYPE`` keep every value, and does it rewrite the table?

Both types are compared as parse trees (the current one is parsed from ``format_type()``
output), never as strings. Only changes known to keep every value are lossless; any other
change, and any change from an unknown type, counts as narrowing or converting. The rewrite
flags were checked against PostgreSQL 15 (``relfilenode`` before and after).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from pglast import ast

from app.schema.classify.parsing import parse_type_name

Mods = tuple[int, ...]


@dataclass(frozen=True)
class SqlType:
    """A type reduced to what decides the comparison: canonical name, modifiers, array-ness."""

    name: str
    mods: Mods
    is_array: bool


@dataclass(frozen=True)
class Change:
    lossless: bool
    rewrites: bool


NO_OP: Final = Change(lossless=True, rewrites=False)
LOSSY: Final = Change(lossless=False, rewrites=True)
_WIDENS_WITH_REWRITE: Final = Change(lossless=True, rewrites=True)

# pglast spells keyword types as pg_catalog.<internal name>; a bare internal name also
# resolves to pg_catalog first, so these are builtins whether qualified or not.
_BUILTINS: Final = frozenset(
    {
        "bool", "bpchar", "bytea", "date", "float4", "float8", "int2", "int4", "int8",
        "interval", "json", "jsonb", "numeric", "text", "time", "timestamp", "timestamptz",
        "timetz", "uuid", "varbit", "varchar", "bit",
    }
)  # fmt: skip
_INTEGER_DIGITS: Final = {"int2": 5, "int4": 10, "int8": 19}
_TEMPORAL_DEFAULT_PRECISION: Final = 6


def sql_type(type_name: ast.TypeName, default_schema: str) -> SqlType | None:
    """The comparable form of a parsed type; None for forms this module does not reason about
    (``%TYPE``, non-integer modifiers such as interval field masks)."""
    names = [n.sval for n in type_name.names or () if isinstance(n, ast.String) and n.sval]
    if not names or type_name.pct_type:
        return None
    mods = [_integer(mod) for mod in type_name.typmods or ()]
    if any(mod is None for mod in mods):
        return None
    if names[0] == "pg_catalog" or (len(names) == 1 and names[0] in _BUILTINS):
        name = names[-1]
    else:
        name = ".".join(names if len(names) > 1 else [default_schema, *names])
    return SqlType(name, tuple(m for m in mods if m is not None), bool(type_name.arrayBounds))


def parse_sql_type(text: str, default_schema: str) -> SqlType | None:
    type_name = parse_type_name(text)
    return None if type_name is None else sql_type(type_name, default_schema)


def compare(old: SqlType, new: SqlType) -> Change:
    """How changing a column from ``old`` to ``new`` treats the stored values."""
    if old == new:
        return NO_OP
    if old.is_array or new.is_array:
        if old.is_array != new.is_array:
            return LOSSY
        element = compare(SqlType(old.name, old.mods, False), SqlType(new.name, new.mods, False))
        # Array coercions always rewrite, even when every element would be relabelled.
        return Change(lossless=element.lossless, rewrites=True)
    rule = _RULES.get((old.name, new.name))
    return LOSSY if rule is None else rule(old.mods, new.mods)


def _integer(node: ast.Node) -> int | None:
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.Integer):
        return node.val.ival
    return None


def _lengthened(*, rewrites: bool) -> Callable[[Mods, Mods], Change]:
    """varchar/char/varbit: unconstrained or at least as long keeps every value; PostgreSQL
    relabels varchar and varbit in place but re-pads char."""

    def rule(old: Mods, new: Mods) -> Change:
        lossless = not new or (bool(old) and new[0] >= old[0])
        return Change(lossless=lossless, rewrites=rewrites or not lossless)

    return rule


def _to_numeric(digits: int) -> Callable[[Mods, Mods], Change]:
    """An integer fits numeric(p, s) when p - s leaves room for all of its digits."""

    def rule(_old: Mods, new: Mods) -> Change:
        return Change(lossless=not new or _integer_digits(new) >= digits, rewrites=True)

    return rule


def _integer_digits(mods: Mods) -> int:
    precision, scale = mods[0], (mods[1] if len(mods) > 1 else 0)
    return precision - scale


def _numeric(old: Mods, new: Mods) -> Change:
    """numeric(p, s): no digit may be lost on either side of the point; a new scale rewrites."""
    if not new:
        return NO_OP
    if not old:
        return LOSSY
    old_scale, new_scale = (old[1:] or (0,))[0], (new[1:] or (0,))[0]
    lossless = new_scale >= old_scale and _integer_digits(new) >= _integer_digits(old)
    return Change(lossless=lossless, rewrites=not lossless or new_scale != old_scale)


def _precision(old: Mods, new: Mods) -> Change:
    """timestamp(p) and friends: more (or default) fractional digits is relabelled in place."""
    old_p = old[0] if old else _TEMPORAL_DEFAULT_PRECISION
    new_p = new[0] if new else _TEMPORAL_DEFAULT_PRECISION
    return NO_OP if new_p >= old_p else LOSSY


def _always(change: Change) -> Callable[[Mods, Mods], Change]:
    return lambda _old, _new: change


def _unconstrained_target(_old: Mods, new: Mods) -> Change:
    """text -> varchar keeps every value only without a length limit."""
    return NO_OP if not new else LOSSY


_RULES: Final[dict[tuple[str, str], Callable[[Mods, Mods], Change]]] = {
    ("int2", "int4"): _always(_WIDENS_WITH_REWRITE),
    ("int2", "int8"): _always(_WIDENS_WITH_REWRITE),
    ("int4", "int8"): _always(_WIDENS_WITH_REWRITE),
    **{(name, "numeric"): _to_numeric(digits) for name, digits in _INTEGER_DIGITS.items()},
    ("numeric", "numeric"): _numeric,
    ("float4", "float8"): _always(_WIDENS_WITH_REWRITE),
    ("varchar", "varchar"): _lengthened(rewrites=False),
    ("varbit", "varbit"): _lengthened(rewrites=False),
    ("bpchar", "bpchar"): _lengthened(rewrites=True),
    ("bpchar", "varchar"): _lengthened(rewrites=True),
    ("varchar", "text"): _always(NO_OP),
    # char -> text drops trailing blanks, which char(n) never treats as significant.
    ("bpchar", "text"): _always(_WIDENS_WITH_REWRITE),
    ("text", "varchar"): _unconstrained_target,
    **{(name, name): _precision for name in ("timestamp", "timestamptz", "time", "timetz")},
}
