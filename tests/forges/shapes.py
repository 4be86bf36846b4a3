"""Check a JSON value against a TypedDict from ``app.forges.payloads``, recursively."""

from __future__ import annotations

import types
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict


def problems(value: object, shape: Any, where: str = "$") -> list[str]:
    """Every required field ``value`` lacks and every field of the wrong JSON kind."""
    origin, args = get_origin(shape), get_args(shape)
    if shape is Any:
        return []
    if is_typeddict(shape):
        return _object_problems(value, shape, where)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return []
        found = [problems(value, a, where) for a in args if a is not type(None)]
        return min(found, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {type(value).__name__}"]
        return [p for i, item in enumerate(value) for p in problems(item, args[0], f"{where}[{i}]")]
    if origin is Literal:
        return [] if value in args else [f"{where}: {value!r} is not one of {args}"]
    if origin is dict:
        return [] if isinstance(value, dict) else [f"{where}: expected an object"]
    if isinstance(shape, type):
        kind_ok = isinstance(value, shape) and not (shape is int and isinstance(value, bool))
        return [] if kind_ok else [f"{where}: expected {shape.__name__}, got {value!r}"]
    return []


def _object_problems(value: object, shape: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: expected an object, got {type(value).__name__}"]
    found = [
        f"{where}.{key}: missing" for key in sorted(shape.__required_keys__) if key not in value
    ]
    for key, hint in get_type_hints(shape).items():
        if key in value:
            found += problems(value[key], hint, f"{where}.{key}")
    return found
