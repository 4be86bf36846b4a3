"""Unit tests of the statement classifier: tables of statements and what they must yield."""

from __future__ import annotations

import dataclasses

import pytest

from app.errors import SqlSyntaxError
from app.schema.classify import (
    Classification,
    ClassificationContext,
    Hazard,
    classify_plan,
    classify_statement,
)

LOCK = Hazard.ACCESS_EXCLUSIVE_LOCK
REWRITE = Hazard.TABLE_REWRITE
SCAN = Hazard.SCAN_UNDER_LOCK
INDEX = Hazard.INDEX_BUILD_BLOCKS_WRITES
AUTOCOMMIT = Hazard.OUTSIDE_TRANSACTION
RENAME = Hazard.RENAMES_OBJECT

CONTEXT = ClassificationContext(
    column_types={
        ("public", "orders", "qty"): "integer",
        ("public", "orders", "small"): "smallint",
        ("public", "orders", "big"): "bigint",
        ("public", "orders", "amount"): "numeric(10,2)",
        ("public", "orders", "ratio"): "numeric",
        ("public", "orders", "name"): "character varying(20)",
        ("public", "orders", "label"): "character varying",
        ("public", "orders", "note"): "text",
        ("public", "orders", "code"): "character(5)",
        ("public", "orders", "weight"): "real",
        ("public", "orders", "placed"): "timestamp(3) without time zone",
        ("public", "orders", "stamp"): "timestamp without time zone",
        ("public", "orders", "tags"): "character varying(10)[]",
        ("public", "orders", "flags"): "bit varying(5)",
        ("public", "orders", "status"): "public.order_status",
        ("sales", "Order Items", "Qty"): "integer",
    }
)


def classify(sql: str) -> Classification:
    return classify_statement(sql, context=CONTEXT)


# (statement, kind, destructive, hazards)
STATEMENTS = [
    # --- creating things: neither destructive nor hazardous
    pytest.param("CREATE TABLE t (id int primary key)", "CreateStmt", False, (), id="create-table"),
    pytest.param(
        'create or replace view "public"."v" as select 1 as x', "ViewStmt", False, (),
        id="migra-create-or-replace-view",
    ),
    pytest.param(
        "CREATE MATERIALIZED VIEW mv AS SELECT 1", "CreateTableAsStmt/OBJECT_MATVIEW", False, (),
        id="create-matview",
    ),
    pytest.param("CREATE TYPE e AS ENUM ('a', 'b')", "CreateEnumStmt", False, (), id="create-enum"),
    pytest.param(
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1'", "CreateFunctionStmt",
        False, (), id="create-function",
    ),
    pytest.param("CREATE SEQUENCE s", "CreateSeqStmt", False, (), id="create-sequence"),
    pytest.param("CREATE SCHEMA s", "CreateSchemaStmt", False, (), id="create-schema"),
    pytest.param(
        'create extension if not exists "pgcrypto" with schema "public" version \'1.3\';',
        "CreateExtensionStmt", False, (), id="migra-create-extension",
    ),
    pytest.param("COMMENT ON TABLE t IS 'x'", "CommentStmt", False, (), id="comment"),
    pytest.param("GRANT SELECT ON t TO PUBLIC", "GrantStmt", False, (), id="grant"),
    pytest.param("INSERT INTO t VALUES (1)", "InsertStmt", False, (), id="insert"),
    pytest.param("SELECT * FROM t", "SelectStmt", False, (), id="select"),
    pytest.param(
        "CREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()",
        "CreateTrigStmt", False, (), id="create-trigger-share-row-exclusive",
    ),
    pytest.param(
        "CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (10) TO (20)", "CreateStmt", False,
        (LOCK,), id="create-partition-locks-parent",
    ),
    pytest.param(
        "CREATE POLICY pol ON t USING (true)", "CreatePolicyStmt", False, (LOCK,),
        id="create-policy-locks-table",
    ),
    pytest.param(
        "CREATE RULE r AS ON INSERT TO t DO ALSO NOTHING", "RuleStmt", False, (LOCK,),
        id="create-rule-locks-table",
    ),
    # --- drops: always destructive
    pytest.param("DROP TABLE t", "DropStmt/OBJECT_TABLE", True, (LOCK,), id="drop-table"),
    pytest.param(
        'drop table "public"."orders";', "DropStmt/OBJECT_TABLE", True, (LOCK,),
        id="migra-drop-table",
    ),
    pytest.param(
        'drop view if exists "public"."v";', "DropStmt/OBJECT_VIEW", True, (), id="drop-view"
    ),
    pytest.param(
        "DROP MATERIALIZED VIEW mv", "DropStmt/OBJECT_MATVIEW", True, (LOCK,), id="drop-matview"
    ),
    pytest.param(
        'drop index if exists "public"."idx";', "DropStmt/OBJECT_INDEX", True, (LOCK,),
        id="migra-drop-index",
    ),
    pytest.param(
        "DROP INDEX CONCURRENTLY idx", "DropStmt/OBJECT_INDEX", True, (AUTOCOMMIT,),
        id="drop-index-concurrently",
    ),
    pytest.param(
        'drop function if exists "public"."f"(integer);', "DropStmt/OBJECT_FUNCTION", True, (),
        id="migra-drop-function",
    ),
    pytest.param(
        "DROP PROCEDURE p(int)", "DropStmt/OBJECT_PROCEDURE", True, (), id="drop-procedure"
    ),
    pytest.param(
        "DROP SCHEMA s CASCADE", "DropStmt/OBJECT_SCHEMA", True, (), id="drop-schema-cascade"
    ),
    pytest.param('drop type "public"."e";', "DropStmt/OBJECT_TYPE", True, (), id="drop-type"),
    pytest.param("DROP DOMAIN d", "DropStmt/OBJECT_DOMAIN", True, (), id="drop-domain"),
    pytest.param(
        'drop sequence if exists "public"."s";', "DropStmt/OBJECT_SEQUENCE", True, (),
        id="drop-sequence",
    ),
    pytest.param(
        'drop extension if exists "pgcrypto";', "DropStmt/OBJECT_EXTENSION", True, (),
        id="drop-extension",
    ),
    pytest.param(
        'drop trigger if exists "trg" on "public"."t";', "DropStmt/OBJECT_TRIGGER", True,
        (LOCK,), id="drop-trigger-locks-table",
    ),
    pytest.param(
        'drop policy "pol" on "public"."t";', "DropStmt/OBJECT_POLICY", True, (LOCK,),
        id="drop-policy-locks-table",
    ),
    pytest.param("DROP CAST (int AS text)", "DropStmt/OBJECT_CAST", True, (), id="drop-cast"),
    pytest.param("DROP DATABASE d", "DropdbStmt", True, (AUTOCOMMIT,), id="drop-database"),
    pytest.param("DROP ROLE r", "DropRoleStmt", True, (), id="drop-role"),
    pytest.param("DROP OWNED BY r", "DropOwnedStmt", True, (), id="drop-owned"),
    pytest.param(
        "DROP TABLESPACE ts", "DropTableSpaceStmt", True, (AUTOCOMMIT,), id="drop-tablespace"
    ),
    pytest.param(
        "ALTER OPERATOR FAMILY f USING btree DROP OPERATOR 1 (int, int)", "AlterOpFamilyStmt",
        True, (), id="alter-operator-family-drop",
    ),
    # --- data
    pytest.param("TRUNCATE a, b", "TruncateStmt", True, (LOCK,), id="truncate"),
    pytest.param("DELETE FROM t WHERE id = 1", "DeleteStmt", True, (), id="delete"),
    pytest.param("UPDATE s.t SET x = 1", "UpdateStmt", True, (), id="update"),
    pytest.param(
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET x = 1",
        "MergeStmt", True, (), id="merge-update",
    ),
    pytest.param(
        "MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id)",
        "MergeStmt", False, (), id="merge-insert-only",
    ),
    pytest.param(
        "WITH d AS (DELETE FROM t RETURNING *) INSERT INTO archive SELECT * FROM d",
        "InsertStmt", True, (), id="delete-in-with-clause",
    ),
    pytest.param("DO $$BEGIN NULL; END$$", "DoStmt", True, (), id="do-block-is-opaque"),
    pytest.param("CALL p()", "CallStmt", True, (), id="call-is-opaque"),
    # --- ALTER TABLE: destructive forms
    pytest.param(
        'alter table "public"."orders" drop column "note";', "AlterTableStmt/AT_DropColumn",
        True, (LOCK,), id="migra-drop-column",
    ),
    pytest.param(
        'alter table "public"."orders" drop constraint "orders_check";',
        "AlterTableStmt/AT_DropConstraint", True, (LOCK,), id="migra-drop-constraint",
    ),
    pytest.param(
        "ALTER TYPE comp DROP ATTRIBUTE a", "AlterTableStmt/AT_DropColumn", True, (),
        id="drop-attribute-of-composite-type",
    ),
    # --- ALTER TABLE: lookalikes that keep data
    pytest.param(
        "ALTER TABLE t ALTER COLUMN c DROP DEFAULT", "AlterTableStmt/AT_ColumnDefault", False,
        (LOCK,), id="drop-default",
    ),
    pytest.param(
        "ALTER TABLE t ALTER COLUMN c DROP NOT NULL", "AlterTableStmt/AT_DropNotNull", False,
        (LOCK,), id="drop-not-null",
    ),
    pytest.param(
        "ALTER TABLE t ALTER COLUMN c DROP IDENTITY IF EXISTS",
        "AlterTableStmt/AT_DropIdentity", False, (LOCK,), id="drop-identity",
    ),
    pytest.param(
        "ALTER TABLE t ALTER COLUMN c DROP EXPRESSION", "AlterTableStmt/AT_DropExpression",
        False, (LOCK,), id="drop-expression",
    ),
    pytest.param(
        'alter table "public"."t" alter column "c" set default 0;',
        "AlterTableStmt/AT_ColumnDefault", False, (LOCK,), id="migra-set-default",
    ),
    pytest.param(
        "ALTER TABLE t DETACH PARTITION p1", "AlterTableStmt/AT_DetachPartition", False,
        (LOCK,), id="detach-partition",
    ),
    pytest.param(
        "ALTER TABLE t DETACH PARTITION p1 CONCURRENTLY", "AlterTableStmt/AT_DetachPartition",
        False, (AUTOCOMMIT,), id="detach-partition-concurrently",
    ),
    pytest.param(
        "ALTER TABLE t NO INHERIT parent", "AlterTableStmt/AT_DropInherit", False, (LOCK,),
        id="drop-inherit",
    ),
    # --- ALTER TABLE: hazards
    pytest.param(
        "ALTER TABLE t ADD COLUMN x int", "AlterTableStmt/AT_AddColumn", False, (LOCK,),
        id="add-column",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x int NOT NULL DEFAULT 0", "AlterTableStmt/AT_AddColumn",
        False, (LOCK,), id="add-column-constant-default",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x timestamptz DEFAULT now()", "AlterTableStmt/AT_AddColumn",
        False, (LOCK,), id="add-column-default-now",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x timestamptz DEFAULT CURRENT_TIMESTAMP",
        "AlterTableStmt/AT_AddColumn", False, (LOCK,), id="add-column-default-current-timestamp",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x date DEFAULT CURRENT_DATE", "AlterTableStmt/AT_AddColumn",
        False, (LOCK,), id="add-column-default-current-date",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x timestamptz DEFAULT clock_timestamp()",
        "AlterTableStmt/AT_AddColumn", False, (LOCK, REWRITE), id="add-column-clock-timestamp",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x int DEFAULT (random() * 10)::int",
        "AlterTableStmt/AT_AddColumn", False, (LOCK, REWRITE), id="add-column-random-nested",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x uuid DEFAULT gen_random_uuid()",
        "AlterTableStmt/AT_AddColumn", False, (LOCK, REWRITE), id="add-column-gen-random-uuid",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x bigint DEFAULT nextval('s'::regclass)",
        "AlterTableStmt/AT_AddColumn", False, (LOCK, REWRITE), id="add-column-nextval",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x bigserial", "AlterTableStmt/AT_AddColumn", False,
        (LOCK, REWRITE), id="add-column-bigserial",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS IDENTITY",
        "AlterTableStmt/AT_AddColumn", False, (LOCK, REWRITE), id="add-column-identity",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (a * 2) STORED",
        "AlterTableStmt/AT_AddColumn", False, (LOCK, REWRITE), id="add-column-generated-stored",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x int CHECK (x > 0)", "AlterTableStmt/AT_AddColumn", False,
        (LOCK, SCAN), id="add-column-inline-check",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN x int REFERENCES p (id)", "AlterTableStmt/AT_AddColumn",
        False, (LOCK, SCAN), id="add-column-inline-foreign-key",
    ),
    pytest.param(
        "ALTER TABLE t ALTER COLUMN c SET NOT NULL", "AlterTableStmt/AT_SetNotNull", False,
        (LOCK, SCAN), id="set-not-null",
    ),
    pytest.param(
        "ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0)", "AlterTableStmt/AT_AddConstraint",
        False, (LOCK, SCAN), id="add-check",
    ),
    pytest.param(
        "ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID",
        "AlterTableStmt/AT_AddConstraint", False, (LOCK,), id="add-check-not-valid",
    ),
    pytest.param(
        'alter table "public"."t" add constraint "t_p_fkey" FOREIGN KEY (p) '
        'REFERENCES "public"."p"(id);',
        "AlterTableStmt/AT_AddConstraint", False, (SCAN,), id="migra-add-foreign-key",
    ),
    pytest.param(
        "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (p) REFERENCES p (id) NOT VALID",
        "AlterTableStmt/AT_AddConstraint", False, (), id="add-foreign-key-not-valid",
    ),
    pytest.param(
        "ALTER TABLE t VALIDATE CONSTRAINT f", "AlterTableStmt/AT_ValidateConstraint", False,
        (), id="validate-constraint",
    ),
    pytest.param(
        "ALTER TABLE t ADD PRIMARY KEY (id)", "AlterTableStmt/AT_AddConstraint", False,
        (LOCK, SCAN), id="add-primary-key",
    ),
    pytest.param(
        "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a, b)", "AlterTableStmt/AT_AddConstraint",
        False, (LOCK, SCAN), id="add-unique",
    ),
    pytest.param(
        "ALTER TABLE t ADD CONSTRAINT x EXCLUDE USING gist (r WITH &&)",
        "AlterTableStmt/AT_AddConstraint", False, (LOCK, SCAN), id="add-exclude",
    ),
    pytest.param(
        'alter table "public"."a" add constraint "a_pkey" PRIMARY KEY using index "a_pkey";',
        "AlterTableStmt/AT_AddConstraint", False, (LOCK,), id="migra-primary-key-using-index",
    ),
    pytest.param(
        "ALTER TABLE t SET LOGGED", "AlterTableStmt/AT_SetLogged", False, (LOCK, REWRITE),
        id="set-logged",
    ),
    pytest.param(
        "ALTER TABLE t SET UNLOGGED", "AlterTableStmt/AT_SetUnLogged", False, (LOCK, REWRITE),
        id="set-unlogged",
    ),
    pytest.param(
        "ALTER TABLE t SET TABLESPACE fast", "AlterTableStmt/AT_SetTableSpace", False,
        (LOCK, REWRITE), id="set-tablespace",
    ),
    pytest.param(
        "ALTER TABLE t SET (fillfactor = 70)", "AlterTableStmt/AT_SetRelOptions", False, (),
        id="set-storage-parameter-weaker-lock",
    ),
    pytest.param(
        "ALTER TABLE t ALTER COLUMN c SET STATISTICS 500", "AlterTableStmt/AT_SetStatistics",
        False, (), id="set-statistics-weaker-lock",
    ),
    pytest.param(
        "ALTER TABLE t DISABLE TRIGGER USER", "AlterTableStmt/AT_DisableTrigUser", False, (),
        id="disable-trigger-weaker-lock",
    ),
    pytest.param(
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY", "AlterTableStmt/AT_EnableRowSecurity",
        False, (LOCK,), id="enable-rls",
    ),
    pytest.param(
        "ALTER TABLE t OWNER TO someone", "AlterTableStmt/AT_ChangeOwner", False, (LOCK,),
        id="owner",
    ),
    pytest.param(
        "ALTER TABLE p ATTACH PARTITION p1 FOR VALUES FROM (1) TO (10)",
        "AlterTableStmt/AT_AttachPartition", False, (LOCK, SCAN), id="attach-partition",
    ),
    pytest.param(
        "ALTER INDEX pi ATTACH PARTITION ci", "AlterTableStmt/AT_AttachPartition", False, (),
        id="attach-index-partition",
    ),
    pytest.param(
        "ALTER VIEW v OWNER TO someone", "AlterTableStmt/AT_ChangeOwner", False, (),
        id="alter-view-has-no-rows",
    ),
    pytest.param(
        "ALTER TABLE t ADD COLUMN a int, ADD COLUMN b int DEFAULT random(), DROP COLUMN c",
        "AlterTableStmt/AT_AddColumn+AT_DropColumn", True, (LOCK, REWRITE),
        id="multi-subcommand-dedupes-kind",
    ),
    pytest.param(
        "ALTER TABLE orders ADD COLUMN x int, ALTER COLUMN qty TYPE bigint",
        "AlterTableStmt/AT_AddColumn+AT_AlterColumnType", False, (LOCK, REWRITE),
        id="multi-subcommand-add-and-widen",
    ),
    # --- indexes
    pytest.param(
        "CREATE UNIQUE INDEX a_pkey ON public.a USING btree (id);", "IndexStmt", False,
        (INDEX,), id="migra-create-index",
    ),
    pytest.param(
        "CREATE INDEX CONCURRENTLY i ON t (a)", "IndexStmt", False, (AUTOCOMMIT,),
        id="create-index-concurrently",
    ),
    pytest.param(
        "REINDEX TABLE t", "ReindexStmt/REINDEX_OBJECT_TABLE", False, (LOCK, INDEX),
        id="reindex-table",
    ),
    pytest.param(
        "REINDEX INDEX CONCURRENTLY i", "ReindexStmt/REINDEX_OBJECT_INDEX", False,
        (AUTOCOMMIT,), id="reindex-concurrently",
    ),
    pytest.param(
        "REINDEX (CONCURRENTLY) SCHEMA s", "ReindexStmt/REINDEX_OBJECT_SCHEMA", False,
        (AUTOCOMMIT,), id="reindex-schema-concurrently",
    ),
    pytest.param(
        "REINDEX DATABASE d", "ReindexStmt/REINDEX_OBJECT_DATABASE", False, (AUTOCOMMIT, INDEX),
        id="reindex-database",
    ),
    # --- types and domains
    pytest.param(
        "alter type \"public\".\"e\" add value 'z';", "AlterEnumStmt/AddValue", False,
        (AUTOCOMMIT,), id="migra-enum-add-value",
    ),
    pytest.param(
        "ALTER TYPE e ADD VALUE IF NOT EXISTS 'z' AFTER 'a'", "AlterEnumStmt/AddValue", False,
        (AUTOCOMMIT,), id="enum-add-value-after",
    ),
    pytest.param(
        "ALTER TYPE e RENAME VALUE 'a' TO 'b'", "AlterEnumStmt/RenameValue", False, (RENAME,),
        id="enum-rename-value",
    ),
    pytest.param(
        "ALTER DOMAIN d DROP CONSTRAINT c", "AlterDomainStmt/DropConstraint", True, (),
        id="domain-drop-constraint",
    ),
    pytest.param(
        "ALTER DOMAIN d DROP DEFAULT", "AlterDomainStmt/AlterDefault", False, (),
        id="domain-drop-default",
    ),
    pytest.param(
        "ALTER DOMAIN d SET NOT NULL", "AlterDomainStmt/SetNotNull", False, (SCAN,),
        id="domain-set-not-null",
    ),
    pytest.param(
        "ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0)", "AlterDomainStmt/AddConstraint",
        False, (SCAN,), id="domain-add-check",
    ),
    pytest.param(
        "ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0) NOT VALID",
        "AlterDomainStmt/AddConstraint", False, (), id="domain-add-check-not-valid",
    ),
    # --- renames and moves
    pytest.param(
        "ALTER TABLE t RENAME COLUMN a TO b", "RenameStmt/OBJECT_COLUMN", False, (LOCK, RENAME),
        id="rename-column",
    ),
    pytest.param(
        "ALTER TABLE t RENAME TO u", "RenameStmt/OBJECT_TABLE", False, (LOCK, RENAME),
        id="rename-table",
    ),
    pytest.param(
        "ALTER INDEX i RENAME TO j", "RenameStmt/OBJECT_INDEX", False, (RENAME,),
        id="rename-index-weaker-lock",
    ),
    pytest.param(
        "ALTER VIEW v RENAME COLUMN a TO b", "RenameStmt/OBJECT_COLUMN", False, (RENAME,),
        id="rename-view-column",
    ),
    pytest.param(
        "ALTER TYPE e RENAME TO f", "RenameStmt/OBJECT_TYPE", False, (RENAME,), id="rename-type"
    ),
    pytest.param(
        "ALTER FUNCTION f(int) RENAME TO g", "RenameStmt/OBJECT_FUNCTION", False, (RENAME,),
        id="rename-function",
    ),
    pytest.param(
        "ALTER TABLE t SET SCHEMA archive", "AlterObjectSchemaStmt/OBJECT_TABLE", False,
        (LOCK, RENAME), id="set-schema-table",
    ),
    pytest.param(
        "ALTER TYPE e SET SCHEMA archive", "AlterObjectSchemaStmt/OBJECT_TYPE", False,
        (RENAME,), id="set-schema-type",
    ),
    # --- maintenance and server-level statements
    pytest.param("VACUUM t", "VacuumStmt/VACUUM", False, (AUTOCOMMIT,), id="vacuum"),
    pytest.param(
        "VACUUM (FULL) t", "VacuumStmt/VACUUM", False, (AUTOCOMMIT, LOCK, REWRITE),
        id="vacuum-full",
    ),
    pytest.param("ANALYZE t", "VacuumStmt/ANALYZE", False, (), id="analyze"),
    pytest.param("CLUSTER t USING i", "ClusterStmt", False, (LOCK, REWRITE), id="cluster"),
    pytest.param(
        "REFRESH MATERIALIZED VIEW mv", "RefreshMatViewStmt", False, (LOCK, REWRITE),
        id="refresh-matview",
    ),
    pytest.param(
        "REFRESH MATERIALIZED VIEW CONCURRENTLY mv", "RefreshMatViewStmt", False, (),
        id="refresh-matview-concurrently",
    ),
    pytest.param("CREATE DATABASE d", "CreatedbStmt", False, (AUTOCOMMIT,), id="create-db"),
    pytest.param(
        "ALTER SYSTEM SET work_mem = '64MB'", "AlterSystemStmt", False, (AUTOCOMMIT,),
        id="alter-system",
    ),
    pytest.param(
        "ALTER DATABASE d SET TABLESPACE fast", "AlterDatabaseStmt", False, (AUTOCOMMIT,),
        id="alter-database-tablespace",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("sql", "kind", "destructive", "hazards"), STATEMENTS)
def test_classifies_statement(
    sql: str, kind: str, destructive: bool, hazards: tuple[str, ...]
) -> None:
    result = classify(sql)
    assert (result.kind, result.destructive, result.hazards) == (
        kind,
        destructive,
        tuple(sorted(hazards)),
    )
    assert result.needs_autocommit == (AUTOCOMMIT in hazards)
    assert bool(result.reasons) == (destructive or bool(hazards))


# (column of public.orders, new type, destructive, rewrites); types as migra writes them.
TYPE_CHANGES = [
    pytest.param("small", "integer", False, True, id="smallint-to-integer"),
    pytest.param("small", "bigint", False, True, id="smallint-to-bigint"),
    pytest.param("qty", "bigint", False, True, id="integer-to-bigint"),
    pytest.param("qty", "int8", False, True, id="integer-to-int8-alias"),
    pytest.param("qty", "numeric", False, True, id="integer-to-numeric"),
    pytest.param("qty", "numeric(12,0)", False, True, id="integer-to-wide-enough-numeric"),
    pytest.param("qty", "numeric(10,2)", True, True, id="integer-to-too-narrow-numeric"),
    pytest.param("big", "numeric(19)", False, True, id="bigint-to-numeric-19"),
    pytest.param("big", "integer", True, True, id="bigint-to-integer-narrows"),
    pytest.param("qty", "smallint", True, True, id="integer-to-smallint-narrows"),
    pytest.param("qty", "integer", False, False, id="same-type-is-a-no-op"),
    pytest.param("qty", "text", True, True, id="integer-to-text-converts"),
    pytest.param("amount", "numeric(12,2)", False, False, id="numeric-more-precision"),
    pytest.param("amount", "numeric", False, False, id="numeric-unconstrained"),
    pytest.param("amount", "numeric(13,3)", False, True, id="numeric-more-scale-rewrites"),
    pytest.param("amount", "numeric(8,2)", True, True, id="numeric-less-precision"),
    pytest.param("amount", "numeric(10,1)", True, True, id="numeric-less-scale"),
    pytest.param("ratio", "numeric(20,4)", True, True, id="unconstrained-numeric-narrows"),
    pytest.param("name", "character varying(40)", False, False, id="varchar-longer"),
    pytest.param("name", "varchar(20)", False, False, id="varchar-same-length-alias"),
    pytest.param("name", "character varying", False, False, id="varchar-unconstrained"),
    pytest.param("name", "text", False, False, id="varchar-to-text"),
    pytest.param("name", "character varying(10)", True, True, id="varchar-shorter"),
    pytest.param("label", "text", False, False, id="unconstrained-varchar-to-text"),
    pytest.param("note", "character varying", False, False, id="text-to-unconstrained-varchar"),
    pytest.param("note", "character varying(100)", True, True, id="text-to-varchar-n"),
    pytest.param("code", "text", False, True, id="char-to-text"),
    pytest.param("code", "character(8)", False, True, id="char-longer"),
    pytest.param("code", "character varying(5)", False, True, id="char-to-varchar"),
    pytest.param("code", "character(2)", True, True, id="char-shorter"),
    pytest.param("weight", "double precision", False, True, id="real-to-double"),
    pytest.param("weight", "integer", True, True, id="real-to-integer"),
    pytest.param("placed", "timestamp(6) without time zone", False, False, id="ts-precision-up"),
    pytest.param("placed", "timestamp without time zone", False, False, id="ts-unconstrained"),
    pytest.param("placed", "timestamp(0) without time zone", True, True, id="ts-precision-down"),
    pytest.param("stamp", "timestamp with time zone", True, True, id="ts-to-timestamptz"),
    pytest.param("tags", "character varying(20)[]", False, True, id="array-element-widens"),
    pytest.param("tags", "character varying(5)[]", True, True, id="array-element-narrows"),
    pytest.param("tags", "text", True, True, id="array-to-scalar"),
    pytest.param("flags", "bit varying(9)", False, False, id="varbit-longer"),
    pytest.param("status", "order_status", False, False, id="same-enum-unqualified"),
    pytest.param("status", "text", True, True, id="enum-to-text-converts"),
    pytest.param("missing", "bigint", True, True, id="unknown-current-type"),
]


@pytest.mark.parametrize(("column", "new_type", "destructive", "rewrites"), TYPE_CHANGES)
def test_column_type_change(column: str, new_type: str, destructive: bool, rewrites: bool) -> None:
    result = classify(
        f'alter table "public"."orders" alter column "{column}" set data type {new_type} '
        f'using "{column}"::{new_type};'
    )
    assert result.kind == "AlterTableStmt/AT_AlterColumnType"
    assert result.destructive is destructive
    assert (REWRITE in result.hazards) is rewrites
    assert LOCK in result.hazards


@pytest.mark.parametrize(
    ("using", "destructive"),
    [
        pytest.param("", False, id="no-using"),
        pytest.param(" USING qty", False, id="using-the-column"),
        pytest.param(" USING qty::bigint", False, id="using-a-cast-to-the-new-type"),
        pytest.param(" USING qty::int8", False, id="using-a-cast-to-an-alias"),
        pytest.param(" USING qty + 1", True, id="using-an-expression"),
        pytest.param(" USING other::bigint", True, id="using-another-column"),
        pytest.param(" USING qty::numeric", True, id="using-a-cast-to-another-type"),
    ],
)
def test_using_clause_that_computes_converts(using: str, destructive: bool) -> None:
    result = classify(f"ALTER TABLE orders ALTER COLUMN qty TYPE bigint{using}")
    assert result.destructive is destructive


def test_quoted_and_schema_qualified_names_find_the_column_type() -> None:
    result = classify('ALTER TABLE sales."Order Items" ALTER COLUMN "Qty" TYPE bigint')
    assert not result.destructive
    assert result.reasons == (
        'takes an ACCESS EXCLUSIVE lock on sales."Order Items": its reads and writes wait',
        'rewrites sales."Order Items": column type change of "Qty"',
    )


def test_unquoted_names_are_folded_to_lower_case_by_the_parser() -> None:
    assert not classify("ALTER TABLE Public.ORDERS ALTER COLUMN Qty TYPE BIGINT").destructive


def test_default_schema_qualifies_unqualified_names() -> None:
    context = ClassificationContext(
        column_types={("app", "orders", "qty"): "integer"}, default_schema="app"
    )
    widened = classify_statement("ALTER TABLE orders ALTER qty TYPE bigint", context=context)
    dropped = classify_statement("DROP TABLE orders", context=context)
    assert not widened.destructive
    assert dropped.reasons[0] == "drops table app.orders"


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        pytest.param(
            'alter table "public"."orders" drop column "note";',
            "drops column public.orders.note",
            id="drop-column",
        ),
        pytest.param(
            "ALTER TABLE orders ALTER COLUMN amount TYPE integer",
            "narrows or converts public.orders.amount: numeric(10,2) -> integer",
            id="narrowing",
        ),
        pytest.param(
            "ALTER TABLE orders ALTER COLUMN missing TYPE integer",
            "changes public.orders.missing to integer from an unknown type",
            id="unknown-type",
        ),
        pytest.param(
            "ALTER TABLE orders ALTER COLUMN qty TYPE bigint",
            "rewrites public.orders: column type change of qty",
            id="rewrite",
        ),
        pytest.param(
            'DROP TABLE a, "B".c CASCADE',
            'drops table "B".c (CASCADE: objects that depend on it go too)',
            id="drop-several-cascade",
        ),
        pytest.param(
            'drop trigger "trg" on "public"."t";', "drops trigger trg on public.t", id="trigger"
        ),
        pytest.param(
            'drop function "public"."f"(integer, text);',
            "drops function public.f (integer, text)",
            id="function-signature",
        ),
        pytest.param("DELETE FROM orders", "deletes rows of public.orders", id="delete"),
        pytest.param(
            'ALTER TABLE t RENAME COLUMN a TO "Order"',
            'renames column public.t.a to "Order"',
            id="rename-column",
        ),
        pytest.param(
            "ALTER TABLE t ALTER COLUMN c SET NOT NULL",
            "scans public.t while writes wait: SET NOT NULL on c checks every row",
            id="set-not-null",
        ),
        pytest.param(
            "CREATE INDEX i ON t (a)",
            "builds index i on public.t without CONCURRENTLY: writes wait for it",
            id="index",
        ),
        pytest.param(
            "CREATE INDEX CONCURRENTLY i ON t (a)",
            "cannot run inside a transaction block: CREATE INDEX CONCURRENTLY",
            id="concurrently",
        ),
        pytest.param(
            'drop index if exists "public"."idx";',
            "takes an ACCESS EXCLUSIVE lock on the table of index public.idx",
            id="drop-index-locks-its-table",
        ),
        pytest.param(
            'alter type "public"."e" add value \'z\';',
            "runs alone in autocommit: a value added to enum public.e is unusable until committed",
            id="enum-add-value",
        ),
        pytest.param(
            "ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0)",
            "scans public.t while writes wait: checks constraint c; add it NOT VALID, then "
            "VALIDATE CONSTRAINT in a later statement",
            id="check-suggests-not-valid",
        ),
        pytest.param(
            "ALTER TABLE t ADD COLUMN x uuid DEFAULT gen_random_uuid()",
            "rewrites public.t: a volatile default for new column x",
            id="volatile-default",
        ),
    ],
)
def test_reasons_explain_in_words(sql: str, reason: str) -> None:
    assert reason in classify(sql).reasons


def test_hazard_codes_are_the_agreed_strings() -> None:
    assert (LOCK, REWRITE, SCAN, INDEX, AUTOCOMMIT, RENAME) == (
        "access_exclusive_lock",
        "table_rewrite",
        "scan_under_lock",
        "index_build_blocks_writes",
        "outside_transaction",
        "renames_object",
    )


def test_hazards_are_sorted_and_unique_and_reasons_unique() -> None:
    result = classify(
        "ALTER TABLE t ADD COLUMN a int DEFAULT random(), ADD COLUMN b int DEFAULT random(), "
        "ALTER COLUMN c SET NOT NULL"
    )
    assert result.hazards == tuple(sorted({LOCK, REWRITE, SCAN}))
    assert len(result.reasons) == len(set(result.reasons))


def test_classification_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        classify("DROP TABLE t").destructive = False  # type: ignore[misc]


def test_created_relations_drop_row_hazards_but_keep_autocommit() -> None:
    new = frozenset({("public", "t")})
    added = classify_statement(
        "ALTER TABLE t ADD COLUMN x int DEFAULT random()", created_relations=new
    )
    indexed = classify_statement("CREATE INDEX i ON public.t (a)", created_relations=new)
    concurrent = classify_statement("CREATE INDEX CONCURRENTLY i ON t (a)", created_relations=new)
    dropped = classify_statement("ALTER TABLE t DROP COLUMN x", created_relations=new)
    assert added.hazards == () and added.reasons == ()
    assert indexed.hazards == ()
    assert concurrent.hazards == (AUTOCOMMIT,) and concurrent.needs_autocommit
    assert dropped.destructive and dropped.hazards == ()


def test_plan_suppresses_hazards_on_tables_it_creates() -> None:
    plan = [
        'create table "public"."items" ("id" integer not null, "order_id" integer);',
        "CREATE UNIQUE INDEX items_pkey ON public.items USING btree (id);",
        'alter table "public"."items" add constraint "items_pkey" PRIMARY KEY using index '
        '"items_pkey";',
        'alter table "public"."items" add constraint "items_order_id_fkey" FOREIGN KEY '
        '(order_id) REFERENCES "public"."orders"(id);',
        'alter table "public"."items" alter column "order_id" set not null;',
        "CREATE INDEX items_order ON public.orders USING btree (id);",
    ]
    results = classify_plan(plan, context=CONTEXT)
    assert [r.hazards for r in results] == [(), (), (), (), (), (INDEX,)]
    assert not any(r.destructive for r in results)


def test_plan_foreign_key_from_existing_table_to_new_table_still_scans() -> None:
    results = classify_plan(
        [
            "CREATE TABLE customers (id int PRIMARY KEY)",
            "ALTER TABLE orders ADD CONSTRAINT f FOREIGN KEY (customer) REFERENCES customers (id)",
        ]
    )
    assert results[1].hazards == (SCAN,)


def test_plan_tracks_materialized_views_renames_and_their_indexes() -> None:
    results = classify_plan(
        [
            "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x",
            "CREATE INDEX mv_x ON mv (x)",
            "ALTER MATERIALIZED VIEW mv RENAME TO mv2",
            "REFRESH MATERIALIZED VIEW mv2",
            "DROP INDEX mv_x",
        ]
    )
    assert [r.hazards for r in results] == [(), (), (), (), ()]
    assert results[4].destructive


def test_plan_tracks_create_table_as() -> None:
    results = classify_plan(
        ["CREATE TABLE snapshot AS SELECT * FROM orders", "CREATE INDEX s_id ON snapshot (id)"]
    )
    assert results[1].hazards == ()


def test_attaching_a_partition_created_in_the_plan_is_free() -> None:
    results = classify_plan(
        [
            "CREATE TABLE orders_2027 (LIKE orders)",
            "ALTER TABLE orders ATTACH PARTITION orders_2027 FOR VALUES FROM (1) TO (2)",
        ]
    )
    assert results[1].hazards == ()


def test_plan_judges_a_type_change_from_the_type_an_earlier_statement_left() -> None:
    results = classify_plan(
        [
            'alter table "public"."orders" alter column "status" set data type varchar '
            'using "status"::varchar;',
            'alter table "public"."orders" alter column "status" set data type '
            '"public"."order_status" using "status"::"public"."order_status";',
        ],
        context=CONTEXT,
    )
    assert [r.destructive for r in results] == [True, True]
    assert results[1].reasons[0] == (
        "narrows or converts public.orders.status: varchar -> public.order_status"
    )


@pytest.mark.parametrize(
    "earlier",
    [
        pytest.param(["ALTER TABLE orders ADD COLUMN extra integer"], id="added-column"),
        pytest.param(["CREATE TABLE orders_new (extra int)"], id="created-table"),
        pytest.param(
            ["CREATE TABLE orders_new (a int)", "ALTER TABLE orders_new RENAME a TO extra"],
            id="renamed-column",
        ),
        pytest.param(
            [
                "ALTER TABLE orders ADD COLUMN extra smallint",
                "ALTER TABLE orders ALTER COLUMN extra TYPE integer",
            ],
            id="changed-type",
        ),
    ],
)
def test_plan_knows_column_types_it_set(earlier: list[str]) -> None:
    table = "orders_new" if "orders_new" in earlier[0] else "orders"
    widen = f"ALTER TABLE {table} ALTER COLUMN extra TYPE bigint"
    assert not classify_plan([*earlier, widen], context=CONTEXT)[-1].destructive
    assert classify_statement(widen, context=CONTEXT).destructive


def test_plan_follows_a_renamed_table_and_forgets_dropped_columns() -> None:
    results = classify_plan(
        [
            "ALTER TABLE orders RENAME TO purchases",
            "ALTER TABLE purchases ALTER COLUMN qty TYPE bigint",
            "ALTER TABLE purchases DROP COLUMN name",
            "ALTER TABLE purchases ADD COLUMN name text",
            "ALTER TABLE purchases ALTER COLUMN name TYPE varchar(20)",
        ],
        context=CONTEXT,
    )
    assert [r.destructive for r in results] == [False, False, True, False, True]


def test_plan_does_not_trust_create_if_not_exists() -> None:
    results = classify_plan(["CREATE TABLE IF NOT EXISTS t (a int)", "CREATE INDEX i ON t (a)"])
    assert results[1].hazards == (INDEX,)


def test_plan_respects_schema_of_created_tables() -> None:
    results = classify_plan(["CREATE TABLE other.t (a int)", "CREATE INDEX i ON t (a)"])
    assert results[1].hazards == (INDEX,)


def test_plan_of_nothing_is_empty() -> None:
    assert classify_plan([]) == []


@pytest.mark.parametrize(
    ("sql", "line", "column", "message"),
    [
        pytest.param(
            "ALTER TABEL t ADD x int", 1, 7, 'syntax error at or near "TABEL"', id="one-line"
        ),
        pytest.param(
            "ALTER TABLE t\n  ADD COLUMN x int,\n  DORP COLUMN y;",
            3,
            3,
            'syntax error at or near "DORP"',
            id="third-line",
        ),
        pytest.param(
            "SELECT 'é' WHERE ;", 1, 18, 'syntax error at or near ";"', id="unicode-columns"
        ),
        pytest.param(
            "ALTER TABLE t ADD COLUMN", 1, 25, "syntax error at end of input", id="at-end"
        ),
        pytest.param("SELECT 'open", 1, 8, "unterminated quoted string", id="unterminated"),
    ],
)
def test_syntax_error_points_at_line_and_column(
    sql: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(SqlSyntaxError) as caught:
        classify_statement(sql)
    error = caught.value
    assert (error.file, error.line, error.column) == ("<statement>", line, column)
    assert error.message.startswith(message)


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("DROP TABLE a; DROP TABLE b", id="two"),
        pytest.param("", id="empty"),
        pytest.param("-- only a comment\n;", id="comment-only"),
    ],
)
def test_anything_but_one_statement_is_rejected(sql: str) -> None:
    with pytest.raises(ValueError, match="exactly one SQL statement"):
        classify_statement(sql)


def test_plan_reports_a_syntax_error() -> None:
    with pytest.raises(SqlSyntaxError):
        classify_plan(["CREATE TABLE t (a int)", "CREAT TABLE u (a int)"])


@pytest.mark.parametrize("terminator", ["", ";", ";\n", " ;  \n\n"])
def test_trailing_semicolon_is_optional(terminator: str) -> None:
    assert classify(f"DROP TABLE t{terminator}").kind == "DropStmt/OBJECT_TABLE"


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        (
            'REVOKE SELECT, UPDATE ON TABLE public.t FROM "reader"',
            "revokes SELECT, UPDATE on public.t from reader",
        ),
        ("REVOKE EXECUTE ON FUNCTION public.f(int) FROM PUBLIC", "from PUBLIC"),
        ("REVOKE ALL ON SCHEMA app FROM CURRENT_USER", "revokes ALL on app from CURRENT_USER"),
        ('REVOKE GRANT OPTION FOR SELECT ON TABLE t FROM "r"', "revokes SELECT on t from r"),
    ],
)
def test_revoke_warns_that_roles_lose_access(sql: str, reason: str) -> None:
    result = classify(sql)
    assert result.hazards == (Hazard.REVOKES_PRIVILEGES,)
    assert not result.destructive
    assert reason in result.reasons[0]


def test_grant_has_no_hazard() -> None:
    assert classify('GRANT SELECT ON TABLE t TO "r" WITH GRANT OPTION').hazards == ()
