"""The ten kinds of change the desired variant is made of.

Each mutation edits the model only in ways a team would ship and PostgreSQL accepts on a
populated-or-empty database: it drops only columns nothing depends on, widens only columns
no view or foreign key reads, appends (never inserts) enum labels. When a kind finds no
candidate (small N), it falls back to adding a column, so the change count stays exact.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bench import builders
from bench.model import Index, SchemaModel, Table


@dataclass
class MutationState:
    """The variant being edited, its random stream, and the tables already changed."""

    model: SchemaModel
    rng: random.Random
    touched: set[str] = field(default_factory=set)

    def fresh_tables(self) -> list[Table]:
        """Tables not yet changed (the audit log is never changed)."""
        return [t for t in self.model.tables[1:] if t.qualified not in self.touched]

    def pick(self, tables: list[Table]) -> Table | None:
        if not tables:
            return None
        table = self.rng.choice(tables)
        self.touched.add(table.qualified)
        return table


def add_column(state: MutationState) -> bool:
    table = state.pick(state.fresh_tables())
    if table is None:
        return False
    column = builders.add_random_column(state.rng, table, state.model.enums)
    if column.not_null and column.default is None:
        column.not_null = False  # a NOT NULL column without default fails on a non-empty table
    return True


def drop_column(state: MutationState) -> bool:
    pinned = state.model.referenced_columns()
    droppable = {t.qualified: _free_columns(t, pinned) for t in state.fresh_tables()}
    table = state.pick([t for t in state.fresh_tables() if droppable[t.qualified]])
    if table is None:
        return False
    victim = state.rng.choice(droppable[table.qualified])
    table.columns = [c for c in table.columns if c.name != victim]
    return True


def _free_columns(table: Table, pinned: set[tuple[str, str]]) -> list[str]:
    return [
        c.name
        for c in table.columns
        if c.name not in ("id", "updated_at") and (table.qualified, c.name) not in pinned
    ]


_WIDER = {"integer": "bigint", "numeric(10,4)": "numeric(14,4)", "numeric(12,2)": "numeric(16,2)"}


def _widened(sql_type: str) -> str | None:
    if sql_type.startswith("varchar("):
        return f"varchar({int(sql_type[8:-1]) * 2})"
    return _WIDER.get(sql_type)


def widen_type(state: MutationState) -> bool:
    # Columns a view or foreign key reads cannot change type in place; leave those alone.
    model = state.model
    pinned = {(fk.table, fk.column) for fk in model.foreign_keys}
    pinned |= {pair for view in model.views for pair in view.referenced}
    options = {
        t.qualified: [
            c for c in t.columns if _widened(c.sql_type) and (t.qualified, c.name) not in pinned
        ]
        for t in state.fresh_tables()
    }
    table = state.pick([t for t in state.fresh_tables() if options[t.qualified]])
    if table is None:
        return False
    column = state.rng.choice(options[table.qualified])
    column.sql_type = _widened(column.sql_type) or column.sql_type
    return True


def add_index(state: MutationState) -> bool:
    indexed = {(ix.table, col) for ix in state.model.indexes for col in ix.columns}
    names = {ix.name for ix in state.model.indexes}
    options = {
        t.qualified: [
            c.name
            for c in t.columns
            if (t.qualified, c.name) not in indexed
            and c.name != "id"
            and c.sql_type != "jsonb"
            and f"{t.name}_{c.name}_idx" not in names
        ]
        for t in state.fresh_tables()
    }
    table = state.pick([t for t in state.fresh_tables() if options[t.qualified]])
    if table is None:
        return False
    col = state.rng.choice(options[table.qualified])
    state.model.indexes.append(Index(f"{table.name}_{col}_idx", table.qualified, col, (col,)))
    return True


def drop_index(state: MutationState) -> bool:
    fresh = {t.qualified for t in state.fresh_tables()}
    candidates = [ix for ix in state.model.indexes if ix.table in fresh]
    if not candidates:
        return False
    victim = state.rng.choice(candidates)
    state.touched.add(victim.table)
    state.model.indexes.remove(victim)
    return True


def add_table(state: MutationState) -> bool:
    model = state.model
    index = len(model.tables)
    table, fks = builders.build_table(state.rng, index=index, model=model, want_updated_at=False)
    model.tables.append(table)
    model.foreign_keys += fks
    model.indexes += builders.build_indexes(state.rng, table, fks)
    state.touched.add(table.qualified)
    return True


def change_view(state: MutationState) -> bool:
    if not state.model.views:
        return False
    view = state.rng.choice(state.model.views)
    base = state.model.table(view.base)
    shown = {s.removeprefix("t.") for s in view.select}
    unshown = [c for c in base.column_names() if c not in shown]
    if unshown:
        # Appending a column keeps the view replaceable (CREATE OR REPLACE VIEW).
        builders.add_view_column(view, base, state.rng.choice(unshown))
    else:
        view.where = f"({view.where}) AND t.id > 1000"
    return True


def change_function(state: MutationState) -> bool:
    unchanged = [fn for fn in state.model.functions if fn.variant == 0]
    if not unchanged:
        return False
    state.rng.choice(unchanged).variant = 1
    return True


def add_enum_value(state: MutationState) -> bool:
    if not state.model.enums:
        return False
    enum = state.rng.choice(state.model.enums)
    enum.labels.append(f"{enum.labels[0]}_v{len(enum.labels) + 1}")
    return True


def add_foreign_key(state: MutationState) -> bool:
    table = state.pick(state.fresh_tables())
    if table is None:
        return False
    earlier = [t for t in state.model.tables[1:] if t.qualified != table.qualified]
    if not earlier:
        return False
    parent = state.rng.choice(earlier)
    fk = builders.add_reference_column(state.rng, table, parent)
    table.columns[-1].not_null = False  # existing rows have no parent yet
    fk.on_delete = "SET NULL"
    state.model.foreign_keys.append(fk)
    return True


KINDS: dict[str, Callable[[MutationState], bool]] = {
    "add_column": add_column,
    "drop_column": drop_column,
    "widen_type": widen_type,
    "add_index": add_index,
    "drop_index": drop_index,
    "add_table": add_table,
    "change_view": change_view,
    "change_function": change_function,
    "add_enum_value": add_enum_value,
    "add_foreign_key": add_foreign_key,
}


def apply(kind: str, state: MutationState) -> None:
    """Apply one change of ``kind``; fall back to adding a column when it has no candidate."""
    if not KINDS[kind](state) and not add_column(state):
        raise RuntimeError(f"no table left to change for {kind!r}; use a larger schema")
