"""The case scoreboard (``python -m bench.cases``) on a real PostgreSQL: a case is scored
for both engines, its SQL loads in any order, and a case whose own SQL does not build is
reported, not scored."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.cases import CHECKS, run_case


def _case(root: Path, current: str, desired: str) -> Path:
    folder = root / "case"
    folder.mkdir()
    (folder / "current.sql").write_text(current)
    (folder / "desired.sql").write_text(desired)
    return folder


def test_a_case_is_scored_for_both_engines(tmp_path: Path, postgres_url: str) -> None:
    folder = _case(
        tmp_path,
        "CREATE TABLE t (id int);",
        "CREATE TABLE t (id int, note text NOT NULL DEFAULT '');",
    )
    outcomes = {o.engine: o for o in run_case(folder, postgres_url)}
    assert set(outcomes) == {"schemagate", "migra"}
    assert outcomes["schemagate"].passed == CHECKS


def test_case_sql_loads_in_any_order_as_schemagate_loads_a_desired_schema(
    tmp_path: Path, postgres_url: str
) -> None:
    folder = _case(
        tmp_path,
        "CREATE VIEW v AS SELECT id FROM t; CREATE TABLE t (id int);",
        "CREATE VIEW v AS SELECT id, note FROM t; CREATE TABLE t (id int, note text);",
    )
    outcomes = {o.engine: o for o in run_case(folder, postgres_url)}
    assert outcomes["schemagate"].passed == CHECKS


def test_a_case_whose_sql_does_not_build_is_reported_not_scored(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _case(tmp_path, "", "CREATE TABLE t (id int REFERENCES missing);")
    assert run_case(folder, postgres_url) == []
    reported = capsys.readouterr().err
    assert "skipped case: its desired.sql does not build" in reported
    assert 'relation "missing" does not exist' in reported
