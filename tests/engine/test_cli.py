"""The command line: exit codes, output, refusals, and errors without secrets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.cli import run
from app.pg import connect
from tests.engine.conftest import write_schema
from tests.support.cases import ensure_roles
from tests.support.databases import DatabaseFactory

CURRENT = "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, fax text);\n"
SCHEMA = {
    "001_customers.sql": "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);\n",
    "002_invoices.sql": "CREATE TABLE invoices (id bigint PRIMARY KEY,"
    " customer_id int NOT NULL REFERENCES customers (id));\n",
}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _engine_args(url: str, schema: Path, server: str, tmp_path: Path) -> list[str]:
    return [
        "--database-url",
        url,
        "--schema-dir",
        str(schema),
        "--shadow-url",
        server,
        "--data-dir",
        str(tmp_path / "data"),
    ]


@pytest.fixture
def target(databases: DatabaseFactory) -> str:
    return databases.create(CURRENT)


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    return write_schema(tmp_path / "schema", SCHEMA)


@pytest.mark.smoke
def test_plan_prints_pending_sql_and_exits_2(
    target: str, schema: Path, postgres_url: str, tmp_path: Path
) -> None:
    code, out, err = _run("plan", *_engine_args(target, schema, postgres_url, tmp_path))
    assert (code, err) == (2, "")
    assert out.startswith("-- schemagate plan ")
    assert 'drop column "fax"' in out
    assert "destructive: 1" in out


def test_plan_json_has_classifications(
    target: str, schema: Path, postgres_url: str, tmp_path: Path
) -> None:
    code, out, _ = _run("plan", "--json", *_engine_args(target, schema, postgres_url, tmp_path))
    assert code == 2
    data = json.loads(out)
    drops = [s for s in data["statements"] if s["destructive"]]
    assert [s["kind"] for s in drops] == ["AlterTableStmt/AT_DropColumn"]
    assert data["rehearsed"] is True and len(data["short_id"]) == 12


def test_apply_refuses_destructive_without_the_flag_and_names_them(
    target: str, schema: Path, postgres_url: str, tmp_path: Path
) -> None:
    code, out, err = _run("apply", *_engine_args(target, schema, postgres_url, tmp_path))
    assert (code, out) == (1, "")
    assert 'drop column "fax"' in err and "--allow-destructive" in err
    with connect(target) as conn:
        assert conn.execute("SELECT to_regclass('invoices')").fetchone() == (None,)


def test_apply_with_the_flag_applies_and_then_plan_is_empty(
    target: str, schema: Path, postgres_url: str, tmp_path: Path
) -> None:
    args = _engine_args(target, schema, postgres_url, tmp_path)
    code, out, err = _run("apply", "--allow-destructive", *args)
    assert (code, err) == (0, "")
    assert "-- applied in " in out and "the database now matches the schema" in out
    snapshots = list((tmp_path / "data" / "snapshots").glob("*.sql"))
    assert len(snapshots) == 1 and '"fax"' in snapshots[0].read_text()
    assert _run("plan", *args)[0] == 0


def test_dry_run_changes_nothing(
    target: str, schema: Path, postgres_url: str, tmp_path: Path
) -> None:
    args = _engine_args(target, schema, postgres_url, tmp_path)
    code, out, _ = _run("apply", "--dry-run", "--allow-destructive", *args)
    assert code == 0 and "dry run" in out
    assert _run("plan", *args)[0] == 2


def test_unreachable_target_names_host_port_db_and_hides_the_password(
    schema: Path, tmp_path: Path
) -> None:
    url = "postgresql://app:s3cret-pw@127.0.0.1:1/shop"
    code, out, err = _run("plan", *_engine_args(url, schema, url, tmp_path))
    assert code == 1
    assert "cannot connect to 127.0.0.1:1/shop" in err
    assert "s3cret-pw" not in err + out


def test_schema_error_names_file_and_line(target: str, tmp_path: Path, postgres_url: str) -> None:
    schema = write_schema(
        tmp_path / "bad",
        {
            "001.sql": "CREATE TABLE a (id int);\n",
            "002.sql": "CREATE TABLE b (id int);\n",
            "003.sql": "\nCREATE TABLE c (id int REFERENCES a (id), x nosuchtype);\n",
        },
    )
    code, _, err = _run("plan", *_engine_args(target, schema, postgres_url, tmp_path))
    assert code == 1
    assert f"{schema}/003.sql:2:" in err and 'type "nosuchtype" does not exist' in err


def test_edited_sql_that_misses_the_schema_fails_rehearsal_with_the_residual(
    target: str, schema: Path, postgres_url: str, tmp_path: Path
) -> None:
    edited = tmp_path / "pending.sql"
    edited.write_text(
        "-- an edit that forgot the invoices table\nALTER TABLE customers DROP COLUMN fax;\n"
    )
    args = _engine_args(target, schema, postgres_url, tmp_path)
    code, out, err = _run("plan", "--from-sql", str(edited), *args)
    assert (code, out) == (1, "")
    assert "rehearsal failed" in err and '"invoices"' in err


def test_edited_sql_that_reaches_the_schema_is_a_plan(
    target: str, schema: Path, postgres_url: str, tmp_path: Path
) -> None:
    edited = tmp_path / "pending.sql"
    edited.write_text(
        "ALTER TABLE customers DROP COLUMN fax;\n"
        "CREATE TABLE invoices (id bigint PRIMARY KEY,"
        " customer_id int NOT NULL REFERENCES customers (id));\n"
    )
    code, out, err = _run(
        "plan",
        "--from-sql",
        str(edited),
        "--json",
        *_engine_args(target, schema, postgres_url, tmp_path),
    )
    assert (code, err) == (2, "")
    assert len(json.loads(out)["statements"]) == 2


def test_edited_sql_with_a_syntax_error_names_the_line(
    target: str, schema: Path, postgres_url: str, tmp_path: Path
) -> None:
    edited = tmp_path / "pending.sql"
    edited.write_text("-- header\nALTER TABLE customers DROP COLUMN;\n")
    code, _, err = _run(
        "plan", "--from-sql", str(edited), *_engine_args(target, schema, postgres_url, tmp_path)
    )
    assert code == 1 and f"{edited}:2:" in err


def test_privileges_are_planned_only_when_managed(
    target: str, tmp_path: Path, postgres_url: str
) -> None:
    ensure_roles(postgres_url, ("sg_case_reader",))
    grants = {"001.sql": CURRENT + "GRANT SELECT ON customers TO sg_case_reader;\n"}
    schema = write_schema(tmp_path / "granting", grants)
    args = _engine_args(target, schema, postgres_url, tmp_path)
    assert _run("plan", *args)[0] == 0  # privileges are not part of this target's schema
    code, out, _ = _run("plan", "--manage-privileges", *args)
    assert code == 2
    assert 'GRANT SELECT ON TABLE public.customers TO "sg_case_reader"' in out


def test_a_role_missing_on_the_shadow_server_names_the_file_and_line(
    target: str, tmp_path: Path, postgres_url: str
) -> None:
    schema = write_schema(
        tmp_path / "granting", {"001.sql": CURRENT + "\nGRANT SELECT ON customers TO sg_nobody;\n"}
    )
    args = _engine_args(target, schema, postgres_url, tmp_path)
    code, out, err = _run("plan", "--manage-privileges", *args)
    assert (code, out) == (1, "")
    assert '001.sql:3:1: role "sg_nobody" does not exist' in err
