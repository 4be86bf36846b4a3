"""The SQL that reads owners and privileges (for targets that manage them).

Roles are written relative to the object and the session, so two databases built by
different roles compare equal when their objects relate to those roles the same way:

- ``owner``: the object's owner (a grant to the owner moves with ``ALTER … OWNER TO``);
- ``current_user``: the role that reads the catalog, i.e. the role that loads the schema
  files into the shadow database, or the role schemagate applies as on the target
  (objects the schema files give no owner are owned by that role);
- ``public``: PUBLIC;
- ``role``: any other role, by name.

Privileges are the effective ones (``aclexplode`` of the ACL, or of ``acldefault`` when
the ACL is NULL), so "never granted anything" and "granted the defaults" are equal.
"""

from __future__ import annotations

from app.schema.catalog.queries import USER_OID, not_extension_member, user_namespace

_SESSION = "(SELECT oid FROM pg_roles WHERE rolname = current_user)"


def _grantee(role: str, owner: str) -> str:
    """(kind, name) of a grantee OID, relative to ``owner`` and the session."""
    return f"""
        CASE WHEN {role} = 0 THEN 'public' WHEN {role} = {owner} THEN 'owner'
             WHEN {role} = {_SESSION} THEN 'current_user' ELSE 'role' END,
        CASE WHEN {role} IN (0, {owner}, {_SESSION}) THEN '' ELSE pg_get_userbyid({role}) END
    """


def _role(role: str) -> str:
    """(kind, name) of an owner OID: ``current_user`` or ``role``."""
    return _grantee(role, "NULL")


def _grants(acl: str, owner: str) -> str:
    """The exploded ACL as a sorted array of [kind, name, privilege, grantable]."""
    return f"""
        ARRAY(SELECT ARRAY[{_grantee("x.grantee", owner)}, x.privilege_type,
                           x.is_grantable::text]
              FROM aclexplode({acl}) x ORDER BY 1)
    """


OBJECTS = f"""
WITH objects AS (
    SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END
               AS kind,
           format('%I.%I', n.nspname, c.relname) AS name, n.nspname AS schema,
           c.relname AS bare_name,
           c.relowner AS owner, c.relacl AS acl,
           (CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char" AS acltype,
           c.relkind = 'S' AND EXISTS (
               SELECT 1 FROM pg_depend d
               WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
               AS follows_table
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid >= {USER_OID} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND {user_namespace("n")} AND {not_extension_member("'pg_class'::regclass", "c.oid")}
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                ELSE 'FUNCTION' END,
           format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
           n.nspname, p.proname, p.proowner, p.proacl, 'f'::"char", false
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.oid >= {USER_OID}
      AND {user_namespace("n")} AND {not_extension_member("'pg_proc'::regclass", "p.oid")}
    UNION ALL
    SELECT CASE y.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
           format('%I.%I', n.nspname, y.typname), n.nspname, y.typname, y.typowner, y.typacl,
           'T'::"char", false
    FROM pg_type y JOIN pg_namespace n ON n.oid = y.typnamespace
    WHERE y.oid >= {USER_OID} AND y.typtype IN ('b', 'd', 'e', 'r', 'c')
      AND (y.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = y.typrelid) = 'c')
      AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = y.oid)
      AND {user_namespace("n")} AND {not_extension_member("'pg_type'::regclass", "y.oid")}
    UNION ALL
    SELECT 'SCHEMA', format('%I', n.nspname), n.nspname, n.nspname, n.nspowner, n.nspacl,
           'n'::"char", false
    FROM pg_namespace n
    WHERE {user_namespace("n")} AND {not_extension_member("'pg_namespace'::regclass", "n.oid")}
)
SELECT o.kind, o.name, o.schema, o.bare_name, {_role("o.owner")}, o.follows_table,
       {_grants("COALESCE(o.acl, acldefault(o.acltype, o.owner))", "o.owner")},
       {_grants("acldefault(o.acltype, o.owner)", "o.owner")}
FROM objects o
"""

COLUMNS = f"""
SELECT format('%I.%I', n.nspname, c.relname), n.nspname, c.relname, a.attname,
       {_grants("a.attacl", "c.relowner")}
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid >= {USER_OID} AND a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
  AND {user_namespace("n")} AND {not_extension_member("'pg_class'::regclass", "c.oid")}
"""

# Default privileges (ALTER DEFAULT PRIVILEGES): a global entry replaces the built-in
# default of its object type (given alongside, to compare with a database that has none);
# an entry for a schema adds to it.
_BUILTIN_DEFAULT = (
    "acldefault((CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END)::\"char\", "
    "d.defaclrole)"
)
DEFAULTS = f"""
SELECT {_role("d.defaclrole")}, n.nspname, d.defaclobjtype::text,
       {_grants("d.defaclacl", "d.defaclrole")},
       {_grants(_BUILTIN_DEFAULT, "d.defaclrole")}
FROM pg_default_acl d
LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
"""
