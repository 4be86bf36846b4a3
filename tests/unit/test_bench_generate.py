"""The benchmark's schema generator: deterministic, the promised size, and loadable."""

from __future__ import annotations

from pglast import ast, parse_sql

from app.pg import connect
from bench.generate import generate_pair, generate_pair_files, generate_schema
from tests.support.databases import DatabaseFactory


def _count_create_tables(sql_text: str) -> int:
    return sum(isinstance(raw.stmt, ast.CreateStmt) for raw in parse_sql(sql_text))


def test_same_seed_same_schema_and_other_seed_other_schema() -> None:
    assert generate_schema(30, seed=7) == generate_schema(30, seed=7)
    assert generate_pair(30, 7) == generate_pair(30, 7)
    assert generate_schema(30, seed=7) != generate_schema(30, seed=8)


def test_schema_has_the_requested_number_of_tables() -> None:
    assert _count_create_tables(generate_schema(40, seed=1)) == 40


def test_variant_differs_and_only_adds_tables() -> None:
    current, desired = generate_pair(40, 1)
    assert desired != current
    assert _count_create_tables(desired) >= _count_create_tables(current)


def test_files_concatenate_to_the_single_script() -> None:
    current_files, desired_files = generate_pair_files(20, 3)
    assert list(desired_files) == sorted(desired_files)
    joined = ("".join(current_files.values()), "".join(desired_files.values()))
    assert joined == generate_pair(20, 3)


def test_schema_and_variant_load_into_postgresql(databases: DatabaseFactory) -> None:
    current, desired = generate_pair(20, 5)
    url = databases.create(current, prefix="sgtest_bench")
    # One database, emptied in between: each DROP DATABASE costs a checkpoint (~1.5 s).
    with connect(url) as conn:
        conn.execute("DROP SCHEMA public, sales CASCADE; CREATE SCHEMA public")
        conn.execute(desired.encode())
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname IN ('public', 'sales')"
        )
        assert tables.fetchone() == (_count_create_tables(desired),)
