"""Deterministic, realistic PostgreSQL schemas of N tables, and a variant with ~5% changes.

The engine benchmark needs schemas that look like real application schemas (so migra and
schemagate walk the same catalog paths they would in production) and that are the same
on every run (so numbers from two runs are comparable). Everything is drawn from one
``random.Random(seed)``.

Shape, per N tables: ~N/25 enums, tables of 4-15 mixed-type columns in ``public`` and
``sales``, 0-2 foreign keys each to earlier tables, unique/partial/expression indexes,
check constraints, one view per 10 tables, one plpgsql trigger function per 20 tables with
triggers on 1-3 tables each. The first table is always ``public.audit_log``.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

from bench import builders, mutations
from bench.model import Function, SchemaModel, Trigger, render_files, render_sql

CHANGE_RATIO = 0.05
TABLES_PER_VIEW = 10
TABLES_PER_FUNCTION = 20


def build_schema(n_tables: int, *, seed: int) -> SchemaModel:
    """The model of the "current" schema: ``n_tables`` tables (audit log included)."""
    if n_tables < 2:
        raise ValueError(f"n_tables must be at least 2, got {n_tables}")
    rng = random.Random(seed)
    model = SchemaModel(extra_schemas=[builders.EXTRA_SCHEMA])
    model.enums = builders.build_enums(rng, max(2, n_tables // 25))
    model.tables.append(builders.audit_table())
    for index in range(1, n_tables):
        _add_table(rng, model, index)
    _add_functions_and_triggers(rng, model)
    return model


def _add_table(rng: random.Random, model: SchemaModel, index: int) -> None:
    # Touch functions exist for even-numbered groups; their first table needs updated_at.
    group_has_touch = (index // TABLES_PER_FUNCTION) % 2 == 0
    first_in_group = index % TABLES_PER_FUNCTION == 1
    want_updated_at = (group_has_touch and first_in_group) or rng.random() < 0.35
    table, fks = builders.build_table(
        rng, index=index, model=model, want_updated_at=want_updated_at
    )
    model.tables.append(table)
    model.foreign_keys += fks
    model.indexes += builders.build_indexes(rng, table, fks)
    if index % TABLES_PER_VIEW == TABLES_PER_VIEW - 1:
        model.views.append(builders.build_view(rng, table, fks, model))


def _add_functions_and_triggers(rng: random.Random, model: SchemaModel) -> None:
    for group in range(0, len(model.tables), TABLES_PER_FUNCTION):
        members = model.tables[max(1, group) : group + TABLES_PER_FUNCTION]
        number = group // TABLES_PER_FUNCTION
        if number % 2 == 0:
            fn = Function("public", f"touch_updated_at_{number:03d}", "touch")
            users = [t for t in members if "updated_at" in t.column_names()][:3]
            timing = "BEFORE UPDATE"
        else:
            fn = Function(builders.EXTRA_SCHEMA, f"audit_row_{number:03d}", "audit")
            users = rng.sample(members, min(len(members), rng.randint(1, 3)))
            timing = "AFTER INSERT OR UPDATE OR DELETE"
        if not users:
            continue
        model.functions.append(fn)
        model.triggers += [
            Trigger(f"{t.name}_{fn.kind}_trg", t.qualified, fn.qualified, timing) for t in users
        ]


def mutate(model: SchemaModel, *, seed: int, ratio: float = CHANGE_RATIO) -> SchemaModel:
    """A copy of ``model`` with ``ratio`` of its table count in changes, all ten kinds mixed.

    Kinds are dealt round-robin from a shuffled list, so any N with ten or more changes
    exercises every kind; each change touches a different table where it touches one.
    """
    variant = copy.deepcopy(model)
    rng = random.Random(seed)
    count = max(1, round(len(model.tables) * ratio))
    kinds = list(mutations.KINDS)
    rng.shuffle(kinds)
    state = mutations.MutationState(variant, rng)
    for k in range(count):
        mutations.apply(kinds[k % len(kinds)], state)
    return variant


def generate_schema(n_tables: int, *, seed: int) -> str:
    """SQL of the current schema (one script, loads with ``psql -v ON_ERROR_STOP=1``)."""
    return render_sql(build_schema(n_tables, seed=seed))


def generate_pair(n_tables: int, seed: int) -> tuple[str, str]:
    """(current SQL, desired SQL): the desired one has ~5% of the tables changed."""
    current, desired = generate_pair_files(n_tables, seed)
    return "".join(current.values()), "".join(desired.values())


def generate_pair_files(n_tables: int, seed: int) -> tuple[dict[str, str], dict[str, str]]:
    """Like :func:`generate_pair`, as ``{file name: SQL}`` in load order."""
    current = build_schema(n_tables, seed=seed)
    desired = mutate(current, seed=_mutation_seed(seed))
    return render_files(current), render_files(desired)


def _mutation_seed(seed: int) -> int:
    # A different stream than the base schema, still a pure function of the seed.
    return seed * 1_000_003 + 17


def write_schema_dir(files: dict[str, str], directory: Path) -> list[Path]:
    """Write ``files`` into ``directory`` (created if needed); return the paths in order."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in sorted(files):
        path = directory / name
        path.write_text(files[name], encoding="utf-8")
        paths.append(path)
    return paths
