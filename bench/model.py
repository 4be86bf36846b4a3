"""An in-memory model of a generated schema, and its rendering to SQL files.

The generator builds this model instead of SQL text so that the ~5% variant can be made
by editing objects (drop a column nobody references, widen a type, append an enum label)
and both versions are rendered the same way; a diff between them is then exactly the
intended changes and nothing produced by formatting.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Column:
    """A table column; ``default`` is SQL text."""

    name: str
    sql_type: str
    not_null: bool = False
    default: str | None = None

    def render(self) -> str:
        parts = [self.name, self.sql_type]
        if self.default is not None:
            parts.append(f"DEFAULT {self.default}")
        if self.not_null:
            parts.append("NOT NULL")
        return " ".join(parts)


@dataclass
class Check:
    """A named CHECK constraint over one column."""

    name: str
    column: str
    expression: str


@dataclass
class Table:
    """A table with an identity primary key ``id``, like most application tables."""

    schema: str
    name: str
    columns: list[Column]
    checks: list[Check] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


@dataclass
class ForeignKey:
    """``table.column`` references ``ref_table(id)``; tables are schema-qualified names."""

    name: str
    table: str
    column: str
    ref_table: str
    on_delete: str


@dataclass
class Index:
    """An index; ``columns`` lists the columns it reads (key, expression or predicate)."""

    name: str
    table: str
    key: str
    columns: tuple[str, ...]
    unique: bool = False
    where: str | None = None


@dataclass
class View:
    """A view over ``base`` (alias ``t``), optionally joined to a parent table (alias ``p``)."""

    schema: str
    name: str
    base: str
    select: list[str]
    where: str
    join: tuple[str, str] | None = None
    referenced: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Function:
    """A plpgsql trigger function; ``variant`` selects the body (the 5% variant bumps it)."""

    schema: str
    name: str
    kind: str
    variant: int = 0

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class Trigger:
    """A row trigger on ``table`` that executes ``function`` (both schema-qualified)."""

    name: str
    table: str
    function: str
    timing: str


@dataclass
class EnumType:
    """An enum type; labels are only ever appended, as PostgreSQL allows in place."""

    schema: str
    name: str
    labels: list[str]

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class SchemaModel:
    """Everything one schema version contains, in creation order."""

    extra_schemas: list[str] = field(default_factory=list)
    enums: list[EnumType] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)

    def table(self, qualified: str) -> Table:
        return next(t for t in self.tables if t.qualified == qualified)

    def referenced_columns(self) -> set[tuple[str, str]]:
        """(table, column) pairs something else depends on; the variant must not drop these."""
        refs = {(fk.table, fk.column) for fk in self.foreign_keys}
        refs |= {(ix.table, col) for ix in self.indexes for col in ix.columns}
        refs |= {(t.qualified, ck.column) for t in self.tables for ck in t.checks}
        refs |= {pair for view in self.views for pair in view.referenced}
        touch = {fn.qualified for fn in self.functions if fn.kind == "touch"}
        refs |= {(tr.table, "updated_at") for tr in self.triggers if tr.function in touch}
        return refs


# File names follow the order a pg_dump-like layout needs: types before tables, tables
# before the constraints, functions before the triggers that call them.
FILE_NAMES = (
    "001_types.sql",
    "002_tables.sql",
    "003_foreign_keys.sql",
    "004_indexes.sql",
    "005_functions.sql",
    "006_views.sql",
    "007_triggers.sql",
)


def render_files(model: SchemaModel) -> dict[str, str]:
    """Render the model as the desired-schema files, keyed by file name in load order."""
    sections = (
        _render_types(model),
        [_render_table(t) for t in model.tables],
        [_render_foreign_key(fk) for fk in model.foreign_keys],
        [_render_index(ix) for ix in model.indexes],
        [_render_function(fn) for fn in model.functions],
        [_render_view(v) for v in model.views],
        [_render_trigger(tr) for tr in model.triggers],
    )
    return {name: "\n".join(stmts) + "\n" for name, stmts in zip(FILE_NAMES, sections, strict=True)}


def render_sql(model: SchemaModel) -> str:
    """The whole schema as one script, the files concatenated in lexical order."""
    return "".join(render_files(model).values())


def _render_types(model: SchemaModel) -> list[str]:
    stmts = [f"CREATE SCHEMA {name};" for name in model.extra_schemas]
    for enum in model.enums:
        labels = ", ".join(f"'{label}'" for label in enum.labels)
        stmts.append(f"CREATE TYPE {enum.qualified} AS ENUM ({labels});")
    return stmts


def _render_table(table: Table) -> str:
    lines = [f"    {column.render()}" for column in table.columns]
    lines.append(f"    CONSTRAINT {table.name}_pkey PRIMARY KEY (id)")
    lines += [f"    CONSTRAINT {ck.name} CHECK ({ck.expression})" for ck in table.checks]
    body = ",\n".join(lines)
    return f"CREATE TABLE {table.qualified} (\n{body}\n);\n"


def _render_foreign_key(fk: ForeignKey) -> str:
    return (
        f"ALTER TABLE {fk.table} ADD CONSTRAINT {fk.name} FOREIGN KEY ({fk.column}) "
        f"REFERENCES {fk.ref_table} (id) ON DELETE {fk.on_delete};"
    )


def _render_index(ix: Index) -> str:
    unique = "UNIQUE " if ix.unique else ""
    where = f" WHERE {ix.where}" if ix.where else ""
    return f"CREATE {unique}INDEX {ix.name} ON {ix.table} ({ix.key}){where};"


_FUNCTION_BODIES = {
    ("touch", 0): "    NEW.updated_at := now();\n    RETURN NEW;",
    ("touch", 1): (
        "    IF NEW IS DISTINCT FROM OLD THEN\n"
        "        NEW.updated_at := clock_timestamp();\n"
        "    END IF;\n"
        "    RETURN NEW;"
    ),
    ("audit", 0): (
        "    INSERT INTO public.audit_log (table_name, operation, row_id)\n"
        "    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP,\n"
        "            CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);\n"
        "    RETURN NULL;"
    ),
    ("audit", 1): (
        "    INSERT INTO public.audit_log (table_name, operation, row_id, payload)\n"
        "    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP,\n"
        "            CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,\n"
        "            CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END);\n"
        "    RETURN NULL;"
    ),
}


def _render_function(fn: Function) -> str:
    body = _FUNCTION_BODIES[(fn.kind, fn.variant)]
    return (
        f"CREATE FUNCTION {fn.qualified}() RETURNS trigger\n"
        f"    LANGUAGE plpgsql\nAS $$\nBEGIN\n{body}\nEND;\n$$;\n"
    )


def _render_view(view: View) -> str:
    lines = [f"CREATE VIEW {view.schema}.{view.name} AS", f"SELECT {', '.join(view.select)}"]
    lines.append(f"FROM {view.base} t")
    if view.join:
        parent, column = view.join
        lines.append(f"JOIN {parent} p ON p.id = t.{column}")
    lines.append(f"WHERE {view.where};\n")
    return "\n".join(lines)


def _render_trigger(tr: Trigger) -> str:
    return (
        f"CREATE TRIGGER {tr.name} {tr.timing} ON {tr.table} "
        f"FOR EACH ROW EXECUTE FUNCTION {tr.function}();"
    )
