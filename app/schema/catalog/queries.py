"""The SQL our catalog inspection runs (read-only, user objects only).

Objects in system schemas and objects that belong to an extension are left out: neither is
part of a schema a user writes, and an extension's objects come with the extension.
"""

from __future__ import annotations

# The namespaces a user's schema never lives in.
_USER_NAMESPACE = """
    {nsp}.nspname NOT IN ('pg_catalog', 'information_schema')
    AND {nsp}.nspname NOT LIKE 'pg\\_toast%' AND {nsp}.nspname NOT LIKE 'pg\\_temp%'
"""

# User objects have OIDs from FirstNormalObjectId on; testing it first skips the thousands
# of built-in objects cheaply (the namespace test below still decides).
USER_OID = 16384
# A key as schemainspect writes it: "schema"."name".
_QUOTED = """format('"%s"."%s"', replace({schema}, '"', '""'), replace({name}, '"', '""'))"""

_NOT_EXTENSION_MEMBER = """
    NOT EXISTS (SELECT 1 FROM pg_depend e
                WHERE e.classid = {cls} AND e.objid = {oid} AND e.deptype = 'e')
"""


def user_namespace(nsp: str) -> str:
    return _USER_NAMESPACE.format(nsp=nsp)


def not_extension_member(cls: str, oid: str) -> str:
    return _NOT_EXTENSION_MEMBER.format(cls=cls, oid=oid)


# Kinds whose address is (schema, name) and that are their own owner for comments.
_SCHEMA_FIRST = "('collation', 'statistics object')"

# Comments with the object they describe and the objects whose drop takes them along (the
# relation of a column, constraint, trigger, policy or index; the type of a domain
# constraint; the function or type itself).
COMMENTS = f"""
WITH described AS (
    SELECT d.classoid, d.objoid, d.objsubid, d.description,
           CASE d.classoid
               WHEN 'pg_class'::regclass THEN d.objoid
               WHEN 'pg_constraint'::regclass
                   THEN (SELECT NULLIF(conrelid, 0) FROM pg_constraint WHERE oid = d.objoid)
               WHEN 'pg_trigger'::regclass
                   THEN (SELECT tgrelid FROM pg_trigger WHERE oid = d.objoid)
               WHEN 'pg_policy'::regclass
                   THEN (SELECT polrelid FROM pg_policy WHERE oid = d.objoid)
               WHEN 'pg_rewrite'::regclass
                   THEN (SELECT ev_class FROM pg_rewrite WHERE oid = d.objoid)
           END AS relid,
           CASE d.classoid
               WHEN 'pg_type'::regclass THEN d.objoid
               WHEN 'pg_constraint'::regclass
                   THEN (SELECT NULLIF(contypid, 0) FROM pg_constraint WHERE oid = d.objoid)
           END AS typid,
           CASE d.classoid WHEN 'pg_proc'::regclass THEN d.objoid END AS procid
    FROM pg_description d
    -- user objects have OIDs from 16384 (FirstNormalObjectId); schema public has its own
    WHERE d.objoid >= {USER_OID} OR d.classoid = 'pg_namespace'::regclass
)
SELECT a.type, a.object_names, a.object_args, x.description,
       rn.nspname, r.relname, tn.nspname, t.relname,
       yn.nspname, y.typname, pn.nspname, p.proname,
       CASE WHEN a.type IN {_SCHEMA_FIRST} THEN a.object_names[1] END,
       CASE WHEN a.type IN {_SCHEMA_FIRST} THEN a.object_names[2] END
FROM described x
CROSS JOIN LATERAL pg_identify_object_as_address(x.classoid, x.objoid, x.objsubid) a
LEFT JOIN pg_class r ON r.oid = x.relid
LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
LEFT JOIN pg_index ix ON ix.indexrelid = x.relid
LEFT JOIN pg_class t ON t.oid = ix.indrelid
LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_type y ON y.oid = x.typid
LEFT JOIN pg_namespace yn ON yn.oid = y.typnamespace
LEFT JOIN pg_proc p ON p.oid = x.procid
LEFT JOIN pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_namespace sn ON sn.nspname = COALESCE(
    rn.nspname, yn.nspname, pn.nspname,
    CASE WHEN a.type = 'schema' OR a.type IN {_SCHEMA_FIRST} THEN a.object_names[1] END)
WHERE a.type IS NOT NULL
  AND CASE WHEN sn.oid IS NULL THEN a.type = 'extension' ELSE {user_namespace("sn")} END
  AND {not_extension_member("x.classoid", "x.objoid")}
  AND NOT (a.type = 'extension' AND x.description IS NOT DISTINCT FROM (
      SELECT comment FROM pg_available_extensions WHERE name = a.object_names[1]))
"""

# Every user object a comment could be on, so that removing a comment is only planned
# for an object that still exists in the desired schema.
COMMENTABLE = f"""
SELECT a.type, a.object_names, a.object_args
FROM (
    SELECT 'pg_class'::regclass AS cls, c.oid, 0 AS sub, c.relnamespace AS nsp
    FROM pg_class c
    WHERE c.oid >= {USER_OID} AND c.relkind IN ('r', 'p', 'v', 'm', 'i', 'I', 'S', 'f')
    UNION ALL
    SELECT 'pg_class'::regclass, c.oid, att.attnum, c.relnamespace
    FROM pg_class c JOIN pg_attribute att ON att.attrelid = c.oid
    WHERE c.oid >= {USER_OID} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
      AND att.attnum > 0 AND NOT att.attisdropped
    UNION ALL
    SELECT 'pg_constraint'::regclass, oid, 0, connamespace FROM pg_constraint
    WHERE oid >= {USER_OID}
    UNION ALL
    SELECT 'pg_trigger'::regclass, g.oid, 0, c.relnamespace
    FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
    WHERE g.oid >= {USER_OID} AND NOT g.tgisinternal
    UNION ALL
    SELECT 'pg_policy'::regclass, o.oid, 0, c.relnamespace
    FROM pg_policy o JOIN pg_class c ON c.oid = o.polrelid
    UNION ALL
    SELECT 'pg_proc'::regclass, oid, 0, pronamespace FROM pg_proc WHERE oid >= {USER_OID}
    UNION ALL
    SELECT 'pg_type'::regclass, y.oid, 0, y.typnamespace FROM pg_type y
    WHERE y.oid >= {USER_OID} AND (y.typtype IN ('d', 'e', 'r', 'm')
       OR (y.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = y.typrelid) = 'c'))
    UNION ALL
    SELECT 'pg_collation'::regclass, oid, 0, collnamespace FROM pg_collation
    WHERE oid >= {USER_OID}
    UNION ALL
    SELECT 'pg_statistic_ext'::regclass, oid, 0, stxnamespace FROM pg_statistic_ext
    UNION ALL
    SELECT 'pg_rewrite'::regclass, w.oid, 0, c.relnamespace
    FROM pg_rewrite w JOIN pg_class c ON c.oid = w.ev_class
    WHERE w.oid >= {USER_OID} AND w.rulename <> '_RETURN'
    UNION ALL
    SELECT 'pg_namespace'::regclass, oid, 0, oid FROM pg_namespace
) o
JOIN pg_namespace n ON n.oid = o.nsp
CROSS JOIN LATERAL pg_identify_object_as_address(o.cls, o.oid, o.sub) a
WHERE {user_namespace("n")} AND {not_extension_member("o.cls", "o.oid")}
"""

RELATIONS = f"""
SELECT n.nspname, c.relname, c.relkind::text, c.relforcerowsecurity, c.relreplident::text,
       (SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = c.oid AND x.indisreplident),
       COALESCE(c.reloptions, '{{}}'), c.relrowsecurity, c.relispartition
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {user_namespace("n")}
  AND {not_extension_member("'pg_class'::regclass", "c.oid")}
"""

SEQUENCES = f"""
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcache, s.seqcycle, tn.nspname, t.relname, a.attname,
       d.deptype IS NOT DISTINCT FROM 'i'
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_class t ON t.oid = d.refobjid
LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE {user_namespace("n")} AND {not_extension_member("'pg_class'::regclass", "c.oid")}
"""

DOMAINS = f"""
SELECT n.nspname, y.typname, format_type(y.typbasetype, y.typtypmod),
       (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
        FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
        WHERE co.oid = y.typcollation AND y.typcollation <> b.typcollation),
       y.typdefault, y.typnotnull,
       COALESCE((SELECT array_agg(ARRAY[k.conname::text, pg_get_constraintdef(k.oid)]
                                  ORDER BY k.conname)
                 FROM pg_constraint k WHERE k.contypid = y.oid AND k.contype = 'c'),
                '{{}}')
FROM pg_type y JOIN pg_namespace n ON n.oid = y.typnamespace
JOIN pg_type b ON b.oid = y.typbasetype
WHERE y.typtype = 'd' AND {user_namespace("n")}
  AND {not_extension_member("'pg_type'::regclass", "y.oid")}
"""

ATTACHMENTS = f"""
SELECT pn.nspname, p.relname, cn.nspname, c.relname, t.relname
FROM pg_inherits h
JOIN pg_class p ON p.oid = h.inhparent AND p.relkind = 'I'
JOIN pg_namespace pn ON pn.oid = p.relnamespace
JOIN pg_class c ON c.oid = h.inhrelid
JOIN pg_namespace cn ON cn.oid = c.relnamespace
JOIN pg_index x ON x.indexrelid = c.oid
JOIN pg_class t ON t.oid = x.indrelid
WHERE {user_namespace("pn")}
"""

PARTITIONED_INDEXES = f"""
SELECT n.nspname, i.relname, row_number() OVER (PARTITION BY x.indrelid ORDER BY i.oid),
       ARRAY(SELECT a.attname FROM pg_attribute a
             WHERE a.attrelid = i.oid AND a.attnum > 0 ORDER BY a.attnum),
       CASE WHEN x.indisprimary THEN 'pkey' WHEN k.contype = 'u' THEN 'key'
            WHEN k.contype = 'x' THEN 'excl' ELSE 'idx' END
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid AND i.relkind = 'I'
JOIN pg_namespace n ON n.oid = i.relnamespace
LEFT JOIN pg_constraint k ON k.conindid = i.oid AND k.contype IN ('p', 'u', 'x')
WHERE {user_namespace("n")}
"""

PARTITIONED_TABLE_VIEWS = f"""
SELECT DISTINCT {_QUOTED.format(schema="tn.nspname", name="t.relname")},
       {_QUOTED.format(schema="vn.nspname", name="v.relname")}
FROM pg_depend d
JOIN pg_rewrite rw ON d.classid = 'pg_rewrite'::regclass AND rw.oid = d.objid
JOIN pg_class v ON v.oid = rw.ev_class
JOIN pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_class t ON d.refclassid = 'pg_class'::regclass AND t.oid = d.refobjid
     AND t.relkind = 'p'
JOIN pg_namespace tn ON tn.oid = t.relnamespace
WHERE v.oid <> t.oid AND {user_namespace("vn")}
"""

FUNCTION_USES = f"""
WITH uses AS (
    SELECT d.refobjid AS procid, CASE d.classid
        WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef WHERE oid = d.objid)
        WHEN 'pg_constraint'::regclass
            THEN (SELECT conrelid FROM pg_constraint WHERE oid = d.objid)
        WHEN 'pg_class'::regclass THEN d.objid
        END AS relid
    FROM pg_depend d
    WHERE d.refclassid = 'pg_proc'::regclass AND d.refobjid >= {USER_OID}
), relations AS (  -- an index's use is also its table's
    SELECT procid, relid FROM uses
    UNION SELECT u.procid, x.indrelid FROM uses u JOIN pg_index x ON x.indexrelid = u.relid
)
SELECT DISTINCT pn.nspname, p.proname, tn.nspname, t.relname
FROM relations u
JOIN pg_proc p ON p.oid = u.procid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
JOIN pg_class t ON t.oid = u.relid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
WHERE t.relkind IN ('r', 'p', 'f', 'i', 'I') AND {user_namespace("pn")}
  AND {not_extension_member("'pg_proc'::regclass", "p.oid")}
"""

# Column defaults that use a sequence (nextval('s')): a DROP SEQUENCE must wait until the
# plan has changed them. Rows: sequence key, table key, column.
SEQUENCE_DEFAULTS = f"""
SELECT {_QUOTED.format(schema="sn.nspname", name="s.relname")},
       {_QUOTED.format(schema="tn.nspname", name="t.relname")}, a.attname
FROM pg_depend d
JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid
JOIN pg_class s ON d.refclassid = 'pg_class'::regclass AND s.oid = d.refobjid
     AND s.relkind = 'S'
JOIN pg_namespace sn ON sn.oid = s.relnamespace
JOIN pg_class t ON t.oid = ad.adrelid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
WHERE s.oid >= {USER_OID} AND {user_namespace("sn")}
"""

# What must go while a function is dropped and created again (its return type changes): a
# column default, a table's own CHECK, or an index (not a partition's: its parent's
# goes). Generated columns are left out: their expression cannot be put back in place.
FUNCTION_DEPENDENTS = f"""
SELECT pn.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
       CASE d.classid WHEN 'pg_attrdef'::regclass THEN 'default'
                      WHEN 'pg_constraint'::regclass THEN 'constraint' ELSE 'index' END,
       tn.nspname, t.relname, COALESCE(att.attname, k.conname, i.relname)
FROM pg_depend d
JOIN pg_proc p ON p.oid = d.refobjid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid
LEFT JOIN pg_attribute att
     ON att.attrelid = ad.adrelid AND att.attnum = ad.adnum AND att.attgenerated = ''
LEFT JOIN pg_constraint k ON d.classid = 'pg_constraint'::regclass AND k.oid = d.objid
     AND k.contype = 'c' AND k.conrelid <> 0 AND k.conislocal
LEFT JOIN pg_class i ON d.classid = 'pg_class'::regclass AND i.oid = d.objid
     AND i.relkind IN ('i', 'I') AND NOT i.relispartition
LEFT JOIN pg_index x ON x.indexrelid = i.oid
JOIN pg_class t ON t.oid = COALESCE(att.attrelid, k.conrelid, x.indrelid)
JOIN pg_namespace tn ON tn.oid = t.relnamespace
WHERE d.refclassid = 'pg_proc'::regclass AND d.refobjid >= {USER_OID} AND d.deptype = 'n'
  AND {user_namespace("pn")} AND {not_extension_member("'pg_proc'::regclass", "p.oid")}
"""

INHERITED_CONSTRAINTS = f"""
SELECT n.nspname, t.relname, k.conname
FROM pg_constraint k
JOIN pg_class t ON t.oid = k.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE ((k.conparentid <> 0 AND k.contype = 'f') OR (k.contype = 'c' AND NOT k.conislocal))
  -- a foreign key to a partitioned table has clones of the same name on its own table:
  -- the constraint itself is the table's own
  AND NOT EXISTS (SELECT 1 FROM pg_constraint o
                  WHERE o.conrelid = k.conrelid AND o.conname = k.conname
                    AND o.conparentid = 0 AND o.conislocal)
  AND {user_namespace("n")}
"""

INDEXES = f"""
SELECT n.nspname, i.relname, pg_get_indexdef(i.oid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_namespace n ON n.oid = i.relnamespace
WHERE {user_namespace("n")} AND {not_extension_member("'pg_class'::regclass", "i.oid")}
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                  WHERE k.conindid = i.oid AND k.contype IN ('p', 'u', 'x'))
"""

COLUMN_COLLATIONS = f"""
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p', 'f', 'c')
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_collation co ON co.oid = a.attcollation
JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE c.oid >= {USER_OID} AND a.attnum > 0 AND NOT a.attisdropped
  AND a.attcollation <> t.typcollation
  AND {user_namespace("n")} AND {not_extension_member("'pg_class'::regclass", "c.oid")}
"""

# Rules (not a view's own _RETURN rule) and extended statistics, with the definitions
# PostgreSQL prints for them.
DEFINED_OBJECTS = f"""
SELECT 'rule', n.nspname, n.nspname, c.relname, r.rulename, pg_get_ruledef(r.oid), NULL::int
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND c.oid >= {USER_OID} AND {user_namespace("n")}
  AND {not_extension_member("'pg_class'::regclass", "c.oid")}
UNION ALL
SELECT 'statistics', sn.nspname, n.nspname, c.relname, s.stxname,
       pg_get_statisticsobjdef(s.oid), NULLIF(s.stxstattarget, -1)
FROM pg_statistic_ext s
JOIN pg_namespace sn ON sn.oid = s.stxnamespace
JOIN pg_class c ON c.oid = s.stxrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {user_namespace("sn")} AND {not_extension_member("'pg_statistic_ext'::regclass", "s.oid")}
"""

# Columns whose statistics target or storage is not the default.
COLUMN_SETTINGS = f"""
SELECT n.nspname, c.relname, a.attname, NULLIF(a.attstattarget, -1),
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END, t.typstorage::text
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p', 'm', 'f')
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.oid >= {USER_OID} AND a.attnum > 0 AND NOT a.attisdropped
  AND (COALESCE(a.attstattarget, -1) <> -1 OR a.attstorage <> t.typstorage)
  AND {user_namespace("n")} AND {not_extension_member("'pg_class'::regclass", "c.oid")}
"""

# Collations with every field CREATE COLLATION takes; read through to_jsonb, as the ICU
# locale column was renamed (colliculocale in 15 and 16, colllocale from 17).
COLLATIONS = f"""
SELECT n.nspname, c.collname, c.collprovider::text, c.collisdeterministic,
       to_jsonb(c) ->> 'collcollate', to_jsonb(c) ->> 'collctype',
       COALESCE(to_jsonb(c) ->> 'colliculocale', to_jsonb(c) ->> 'colllocale'),
       to_jsonb(c) ->> 'collicurules'
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE c.oid >= {USER_OID} AND {user_namespace("n")}
  AND {not_extension_member("'pg_collation'::regclass", "c.oid")}
"""

# Range types (schemainspect reads none), with what CREATE TYPE … AS RANGE takes; options
# left at their default (the subtype's opclass and collation) are NULL.
RANGE_TYPES = f"""
SELECT n.nspname, t.typname, format_type(r.rngsubtype, NULL),
       (SELECT quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname)
        FROM pg_opclass opc JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
        WHERE opc.oid = r.rngsubopc AND NOT opc.opcdefault),
       (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
        FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
        WHERE co.oid = r.rngcollation
          AND r.rngcollation <> (SELECT typcollation FROM pg_type WHERE oid = r.rngsubtype)),
       NULLIF(r.rngcanonical::text, '-'), NULLIF(r.rngsubdiff::text, '-'),
       format_type((to_jsonb(r) ->> 'rngmultitypid')::oid, NULL)
FROM pg_range r
JOIN pg_type t ON t.oid = r.rngtypid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.oid >= {USER_OID} AND {user_namespace("n")}
  AND {not_extension_member("'pg_type'::regclass", "t.oid")}
"""

# Columns a table only inherits (INHERITS, not partitions): not written in its CREATE TABLE.
INHERITED_COLUMNS = f"""
SELECT n.nspname, c.relname, a.attname
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p') AND NOT c.relispartition
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid >= {USER_OID} AND a.attnum > 0 AND NOT a.attisdropped AND NOT a.attislocal
  AND {user_namespace("n")}
"""

# Triggers PostgreSQL cloned onto partitions from their partitioned table's trigger.
CLONED_TRIGGERS = f"""
SELECT n.nspname, c.relname, g.tgname
FROM pg_trigger g
JOIN pg_class c ON c.oid = g.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT g.tgisinternal AND COALESCE((to_jsonb(g) ->> 'tgparentid')::oid, 0) <> 0
  AND {user_namespace("n")}
"""

# Functions with a SQL-standard body (BEGIN ATOMIC / RETURN, PostgreSQL 14 on): their text
# is not in prosrc, which is what schemainspect compares.
SQL_BODY_FUNCTIONS = f"""
SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
       pg_get_functiondef(p.oid)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.oid >= {USER_OID} AND to_jsonb(p) ->> 'prosqlbody' IS NOT NULL
  AND {user_namespace("n")} AND {not_extension_member("'pg_proc'::regclass", "p.oid")}
"""

# What depends on a routine beyond views (which schemainspect reads): other routines (a
# SQL-standard body's calls) and domains (a CHECK calling it). Keys are written the way
# schemainspect keys objects: always-quoted names, routines with their arguments.
ROUTINE_DEPENDENTS = f"""
SELECT {_QUOTED.format(schema="pn.nspname", name="p.proname")}
           || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       CASE WHEN d.classid = 'pg_proc'::regclass
            THEN {_QUOTED.format(schema="dn.nspname", name="dp.proname")}
                 || '(' || pg_get_function_identity_arguments(dp.oid) || ')'
            ELSE {_QUOTED.format(schema="yn.nspname", name="y.typname")} END
FROM pg_depend d
JOIN pg_proc p ON p.oid = d.refobjid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_proc dp ON d.classid = 'pg_proc'::regclass AND dp.oid = d.objid
LEFT JOIN pg_namespace dn ON dn.oid = dp.pronamespace
LEFT JOIN pg_constraint k ON d.classid = 'pg_constraint'::regclass AND k.oid = d.objid
LEFT JOIN pg_type y ON y.oid = k.contypid
LEFT JOIN pg_namespace yn ON yn.oid = y.typnamespace
WHERE d.refclassid = 'pg_proc'::regclass AND d.refobjid >= {USER_OID} AND d.deptype = 'n'
  AND (dp.oid IS NOT NULL OR y.oid IS NOT NULL) AND {user_namespace("pn")}
"""

# What names a type and must go while the type is dropped and created again: routines whose
# signature names it, and composite types with an attribute of it.
TYPE_DEPENDENTS = f"""
SELECT DISTINCT {_QUOTED.format(schema="yn.nspname", name="y.typname")},
       CASE WHEN p.oid IS NOT NULL
            THEN {_QUOTED.format(schema="pn.nspname", name="p.proname")}
                 || '(' || pg_get_function_identity_arguments(p.oid) || ')'
            ELSE {_QUOTED.format(schema="cn.nspname", name="ct.typname")} END,
       CASE WHEN p.oid IS NOT NULL THEN 'routine' ELSE 'type' END
FROM pg_depend d
JOIN pg_type r ON r.oid = d.refobjid  -- the type itself, or an array of it
JOIN pg_type y ON y.oid = CASE WHEN r.typcategory = 'A' AND r.typelem <> 0
                               THEN r.typelem ELSE r.oid END
     AND y.typtype IN ('c', 'd', 'e', 'r')
JOIN pg_namespace yn ON yn.oid = y.typnamespace
LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
LEFT JOIN pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid AND c.relkind = 'c'
LEFT JOIN pg_type ct ON ct.oid = c.reltype
LEFT JOIN pg_namespace cn ON cn.oid = ct.typnamespace
WHERE d.refclassid = 'pg_type'::regclass AND d.deptype = 'n'
  AND (p.oid IS NOT NULL OR ct.oid IS NOT NULL) AND {user_namespace("yn")}
"""
