"""Every object created before the first statement that needs it, read from the statements'
own parse trees.

migra writes statements grouped by kind (functions before composite types, a domain's
CHECK before the function it calls, a function before the one its SQL-standard body
calls), so a statement can name a type, relation or function the plan only creates later.
For every statement this pass reads what it creates and what it names (column and argument
types, relations, function calls: in defaults, checks, views, indexes and ``BEGIN
ATOMIC`` / ``RETURN`` bodies, which PostgreSQL parses; other bodies are strings, and
``check_function_bodies = off`` lets them name what comes later). A statement that needs an
object the plan creates further down gets that creation moved up to just before it, and
the creation's own needs in turn. A creation never moves above a statement that drops or
renames the same name (the plan replacing an object), and objects the target already has
need nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pglast import ast
from pglast.enums import ObjectType

from app.schema.classify.names import walk
from app.schema.corrections.statements import ParsedStatement
from app.schema.inspection import InspectedSchema

Key = tuple[str, str, str]  # (kind, schema, name): kind is type, relation or function
_BUILTIN_SCHEMAS = ("pg_catalog", "information_schema")
_TYPE_DROPS = (ObjectType.OBJECT_TYPE, ObjectType.OBJECT_DOMAIN)
_RELATION_DROPS = (
    ObjectType.OBJECT_TABLE,
    ObjectType.OBJECT_VIEW,
    ObjectType.OBJECT_MATVIEW,
    ObjectType.OBJECT_SEQUENCE,
    ObjectType.OBJECT_FOREIGN_TABLE,
)
_FUNCTION_DROPS = (ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE)


@dataclass(frozen=True)
class _Needs:
    creates: frozenset[Key]
    names: frozenset[Key]  # what the statement uses (never what it creates itself)
    removes: frozenset[Key]  # dropped or renamed away


def create_before_use(
    statements: list[ParsedStatement],
    current: InspectedSchema | None,
    desired: InspectedSchema | None,
) -> list[ParsedStatement]:
    return _Ordering(statements, _existing(current)).ordered()


class _Ordering:
    """One pass over the plan that emits each statement after the creations it needs.

    What exists at the point of emission is tracked as statements are emitted, and the
    creators and removers of each object are indexed once, so the pass stays linear in the
    plan's size (a plan that creates a whole schema holds thousands of statements)."""

    def __init__(self, statements: list[ParsedStatement], existing: set[Key]) -> None:
        self.statements = statements
        self.needs = [_needs(s) for s in statements]
        self.existing = existing
        self.exists: dict[Key, bool] = {}  # objects created or removed so far
        self.emitted: list[ParsedStatement] = []
        self.done = [False] * len(statements)
        self.tried: set[tuple[int, Key]] = set()
        self.creators: dict[Key, list[int]] = {}
        self.removers: dict[Key, list[int]] = {}
        for index, needs in enumerate(self.needs):
            for key in needs.creates:
                self.creators.setdefault(key, []).append(index)
            for key in needs.removes:
                self.removers.setdefault(key, []).append(index)

    def ordered(self) -> list[ParsedStatement]:
        for index in range(len(self.statements)):
            if not self.done[index]:
                self._emit(index)
        return self.emitted

    def _emit(self, first: int) -> None:
        """Emit ``first``, after the later creations it needs (and theirs in turn)."""
        stack = [first]
        while stack:
            index = stack[-1]
            creator = self._missing_creator(index)
            if creator is not None:
                stack.append(creator)
                continue
            stack.pop()
            if self.done[index]:
                continue
            self.done[index] = True
            self.emitted.append(self.statements[index])
            self.exists.update({key: False for key in self.needs[index].removes})
            self.exists.update({key: True for key in self.needs[index].creates})

    def _missing_creator(self, index: int) -> int | None:
        """A statement not emitted yet that creates something ``index`` needs and nothing
        emitted provides, and that may move up (no statement it would pass drops or renames
        what it creates); each (statement, object) is tried once."""
        for key in sorted(self.needs[index].names):
            if (index, key) in self.tried or self.exists.get(key, key in self.existing):
                continue
            self.tried.add((index, key))
            later = [i for i in self.creators.get(key, ()) if not self.done[i] and i != index]
            if later and not self._passes_a_removal(later[0], index):
                return later[0]
        return None

    def _passes_a_removal(self, creator: int, index: int) -> bool:
        return any(
            not self.done[remover] and remover < creator and remover != index
            for key in self.needs[creator].creates
            for remover in self.removers.get(key, ())
        )


def _existing(schema: InspectedSchema | None) -> set[Key]:
    if schema is None:
        return set()
    raw = schema.raw
    keys = {("relation", r.schema, r.name) for r in raw.relations.values()}
    keys |= {("relation", s.schema, s.name) for s in raw.sequences.values()}
    keys |= {("type", r.schema, r.name) for r in raw.relations.values()}
    for collection in (raw.enums, raw.domains, raw.types):
        keys |= {("type", t.schema, t.name) for t in collection.values()}
    keys |= {("type", r.schema, r.name) for r in schema.catalog.ranges}
    keys |= {("function", f.schema, f.name) for f in raw.functions.values()}
    return keys


def _needs(statement: ParsedStatement) -> _Needs:
    creates = _creates(statement.node)
    removes = _removes(statement.node)
    if statement.kind == "DropStmt":
        return _Needs(creates, frozenset(), removes)
    names = {key for node in walk(statement.node) for key in _named(node)}
    return _Needs(creates, frozenset(names - creates), removes)


def _creates(node: Any) -> frozenset[Key]:
    if isinstance(node, ast.CreateStmt):
        return frozenset({_relation("relation", node.relation), _relation("type", node.relation)})
    if isinstance(node, ast.ViewStmt):
        return frozenset({_relation("relation", node.view)})
    if isinstance(node, ast.CreateTableAsStmt):
        return frozenset({_relation("relation", getattr(node.into, "rel", None))})
    if isinstance(node, ast.CreateSeqStmt):
        return frozenset({_relation("relation", node.sequence)})
    if isinstance(node, ast.CompositeTypeStmt):
        return frozenset({_relation("type", node.typevar)})
    if isinstance(node, (ast.CreateEnumStmt, ast.CreateRangeStmt)):
        return frozenset({_dotted("type", node.typeName)})
    if isinstance(node, ast.CreateDomainStmt):
        return frozenset({_dotted("type", node.domainname)})
    if isinstance(node, ast.CreateFunctionStmt):
        return frozenset({_dotted("function", node.funcname)})
    return frozenset()


def _removes(node: Any) -> frozenset[Key]:
    if isinstance(node, ast.DropStmt):
        kind = _dropped_kind(node.removeType)
        if kind is None:
            return frozenset()
        return frozenset(_dotted(kind, _names_of(obj)) for obj in node.objects or ())
    if isinstance(node, ast.RenameStmt) and node.relation is not None:
        relation = _relation("relation", node.relation)
        return frozenset({relation, ("type", *relation[1:])})
    return frozenset()


def _dropped_kind(remove_type: ObjectType | None) -> str | None:
    if remove_type in _TYPE_DROPS:
        return "type"
    if remove_type in _RELATION_DROPS:
        return "relation"
    return "function" if remove_type in _FUNCTION_DROPS else None


def _named(node: ast.Node) -> list[Key]:
    if isinstance(node, ast.TypeName) and node.names:
        return _user_key("type", node.names)
    if isinstance(node, ast.RangeVar) and node.relname:
        return [_relation("relation", node)]
    if isinstance(node, ast.FuncCall):
        return _user_key("function", node.funcname)
    if isinstance(node, ast.ObjectWithArgs) and node.objname:
        return _user_key("function", node.objname)
    return []


def _user_key(kind: str, names: Any) -> list[Key]:
    key = _dotted(kind, names)
    return [] if key[1] in _BUILTIN_SCHEMAS else [key]


def _names_of(obj: Any) -> Any:
    if isinstance(obj, ast.TypeName):
        return obj.names
    if isinstance(obj, ast.ObjectWithArgs):
        return obj.objname
    return obj


def _dotted(kind: str, names: Any) -> Key:
    parts = [n.sval or "" for n in names or () if isinstance(n, ast.String)]
    schema = parts[-2] if len(parts) >= 2 else "public"
    return (kind, schema, parts[-1] if parts else "")


def _relation(kind: str, range_var: ast.RangeVar | None) -> Key:
    if range_var is None:
        return (kind, "", "")
    return (kind, range_var.schemaname or "public", range_var.relname or "")
