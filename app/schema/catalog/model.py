"""The plain data our catalog queries produce: named tuples in sorted tuples, so the same
schema always gives the same value (and the same ``repr`` for the fingerprint)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

# (kind, names, args) as pg_identify_object_as_address() gives them: unambiguous across
# object kinds, and enough to write a COMMENT ON statement.
Address = tuple[str, tuple[str, ...], tuple[str, ...]]
# (schema, name) of an object whose drop takes dependent comments with it.
Owner = tuple[str, str]


class Comment(NamedTuple):
    kind: str
    names: tuple[str, ...]
    args: tuple[str, ...]
    owners: tuple[Owner, ...]
    text: str

    @property
    def address(self) -> Address:
        return (self.kind, self.names, self.args)


class RelationFlags(NamedTuple):
    """Table and view settings schemainspect does not read."""

    schema: str
    name: str
    relkind: str
    force_rls: bool
    replica_identity: str  # pg_class.relreplident: d(efault), n(othing), f(ull), i(ndex)
    identity_index: str | None
    options: tuple[str, ...]  # reloptions: fillfactor, check_option, security_barrier, …
    row_security: bool = False  # ENABLE ROW LEVEL SECURITY (migra skips it on partitions)
    partition: bool = False


class SequenceOptions(NamedTuple):
    schema: str
    name: str
    data_type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cache: int
    cycle: bool
    owned_by: tuple[str, str, str] | None  # (schema, table, column)
    identity: bool = False  # the sequence of an identity column (owned_by is the column)


class DomainConstraint(NamedTuple):
    name: str
    definition: str  # pg_get_constraintdef: "CHECK (…)" (+ " NOT VALID")


class DomainDetail(NamedTuple):
    schema: str
    name: str
    base_type: str  # format_type(): SQL text
    collation: str | None  # quoted name, when not the base type's default
    default: str | None
    not_null: bool
    constraints: tuple[DomainConstraint, ...]


class IndexAttachment(NamedTuple):
    """A partition's index attached to its partitioned table's index."""

    parent_schema: str
    parent_index: str
    child_schema: str
    child_index: str
    child_table: str


class PartitionedIndex(NamedTuple):
    """An index of a partitioned table, with what PostgreSQL names a partition's copy of
    it after: its position among the table's indexes (copies are made in that order), its
    column names and the label (``pkey``, ``key``, ``excl`` or ``idx``)."""

    schema: str
    name: str
    position: int
    columns: tuple[str, ...]
    label: str


class FunctionUse(NamedTuple):
    """A table whose definition (a default, check, generated column or index) calls a
    function, from pg_depend: the function must exist before, and go after, the table."""

    function_schema: str
    function_name: str
    table_schema: str
    table_name: str


class FunctionDependent(NamedTuple):
    """A column default, CHECK constraint or index that calls a function (pg_depend)."""

    function_schema: str
    function_name: str
    function_arguments: str  # pg_get_function_identity_arguments()
    kind: str  # default, constraint or index
    table_schema: str
    table_name: str
    member: str  # the column, constraint or index name


class InheritedConstraint(NamedTuple):
    """A constraint that comes and goes with its parent's, never by itself: a CHECK a
    partition or child table only inherits (not ``conislocal``), or a foreign key
    PostgreSQL cloned from a parent's (``conparentid``), e.g. for each partition of a
    referenced partitioned table."""

    schema: str
    table: str
    name: str


class IndexDefinition(NamedTuple):
    """pg_get_indexdef() of an index not backing a constraint: it carries operator
    classes, collations and options, which migra's index comparison leaves out."""

    schema: str
    name: str
    definition: str


class ColumnCollation(NamedTuple):
    """A column whose collation is not its type's default."""

    schema: str
    table: str
    column: str
    data_type: str  # format_type(): SQL text
    collation: str  # quoted, schema-qualified name


class Grantee(NamedTuple):
    """A role relative to an object and the session (see ``privilege_queries``): kind is
    ``owner``, ``current_user``, ``public`` or ``role`` (then ``name`` is the role's)."""

    kind: str
    name: str


class Grant(NamedTuple):
    grantee: Grantee
    privilege: str  # SELECT, USAGE, EXECUTE, …
    grantable: bool


class PrivilegedObject(NamedTuple):
    """An object with an owner and an ACL (relation, routine, type, domain or schema)."""

    kind: str  # the word ALTER … OWNER TO uses: TABLE, VIEW, FUNCTION, DOMAIN, SCHEMA, …
    name: str  # quoted SQL name; routines with their argument types
    schema: str
    bare_name: str  # the name without schema or arguments (a schema's own name)
    owner: Grantee
    follows_table: bool  # a sequence owned by a column: its owner is the table's
    grants: tuple[Grant, ...]
    default_grants: tuple[Grant, ...]  # what a new object of this kind starts with


class ColumnGrants(NamedTuple):
    table: str  # quoted SQL name
    schema: str
    table_name: str
    column: str
    grants: tuple[Grant, ...]


class DefaultPrivileges(NamedTuple):
    """One ALTER DEFAULT PRIVILEGES entry: for objects ``role`` creates (in ``schema``)."""

    role: Grantee
    schema: str | None  # None: every schema (the entry replaces the built-in default)
    objtype: str  # pg_default_acl.defaclobjtype: r, S, f, T, n
    grants: tuple[Grant, ...]
    builtin_grants: tuple[Grant, ...]  # the built-in default for objtype and role


class DefinedObject(NamedTuple):
    """A rule or an extended statistics object, as PostgreSQL prints its definition."""

    kind: str  # rule or statistics
    schema: str  # the object's own schema (a rule's is its table's)
    table_schema: str
    table: str
    name: str
    definition: str  # pg_get_ruledef / pg_get_statisticsobjdef
    statistics_target: int | None  # statistics: ALTER STATISTICS … SET STATISTICS


class ColumnSettings(NamedTuple):
    """A column's statistics target and storage where they are not the default."""

    schema: str
    table: str
    column: str
    statistics_target: int | None
    storage: str | None  # pg_attribute.attstorage (p, e, m or x) when not the type's
    type_storage: str  # the type's default storage


class CollationDetail(NamedTuple):
    schema: str
    name: str
    provider: str  # pg_collation.collprovider: c (libc), i (icu), b (builtin)
    deterministic: bool
    lc_collate: str | None
    lc_ctype: str | None
    locale: str | None  # ICU (or builtin) locale
    icu_rules: str | None


class RangeType(NamedTuple):
    schema: str
    name: str
    subtype: str  # format_type(): SQL text
    opclass: str | None  # quoted, when not the subtype's default
    collation: str | None  # quoted, when not the subtype's default
    canonical: str | None  # function names as regproc prints them
    subtype_diff: str | None
    multirange: str | None  # format_type() of the multirange type (PostgreSQL 14 on)


class InheritedColumn(NamedTuple):
    """A column a table has only from its INHERITS parents (``attislocal`` is false)."""

    schema: str
    table: str
    column: str


class ClonedTrigger(NamedTuple):
    """A partition's trigger that comes from its partitioned table's (``tgparentid``)."""

    schema: str
    table: str
    name: str


class SqlBodyFunction(NamedTuple):
    """A routine whose body is SQL-standard (parsed by PostgreSQL, not a string)."""

    schema: str
    name: str
    arguments: str  # pg_get_function_identity_arguments()
    definition: str  # pg_get_functiondef(): CREATE OR REPLACE …


@dataclass(frozen=True)
class Catalog:
    comments: tuple[Comment, ...] = ()
    commentable: tuple[Address, ...] = ()  # every object that could carry a comment
    relations: tuple[RelationFlags, ...] = ()
    sequences: tuple[SequenceOptions, ...] = ()
    domains: tuple[DomainDetail, ...] = ()
    attachments: tuple[IndexAttachment, ...] = ()
    partitioned_indexes: tuple[PartitionedIndex, ...] = ()
    # (partitioned table, view or materialized view over it), keyed as schemainspect keys
    # objects: schemainspect's dependencies leave partitioned tables out
    partitioned_table_views: tuple[tuple[str, str], ...] = ()
    function_uses: tuple[FunctionUse, ...] = ()
    function_dependents: tuple[FunctionDependent, ...] = ()
    inherited_constraints: tuple[InheritedConstraint, ...] = ()
    indexes: tuple[IndexDefinition, ...] = ()
    collations: tuple[ColumnCollation, ...] = ()
    defined: tuple[DefinedObject, ...] = ()
    collation_details: tuple[CollationDetail, ...] = ()
    ranges: tuple[RangeType, ...] = ()
    inherited_columns: tuple[InheritedColumn, ...] = ()
    cloned_triggers: tuple[ClonedTrigger, ...] = ()
    sql_body_functions: tuple[SqlBodyFunction, ...] = ()
    # (routine, dependent routine or domain), keyed as schemainspect keys objects
    routine_dependents: tuple[tuple[str, str], ...] = ()
    # (type, dependent, "routine" or "type"): routines whose signature names the type and
    # composite types with an attribute of it, keyed as schemainspect keys objects
    type_dependents: tuple[tuple[str, str, str], ...] = ()
    column_settings: tuple[ColumnSettings, ...] = ()
    # (sequence, table, column): column defaults that call nextval on the sequence
    sequence_defaults: tuple[tuple[str, str, str], ...] = ()
    privileged: tuple[PrivilegedObject, ...] = ()
    column_grants: tuple[ColumnGrants, ...] = ()
    default_privileges: tuple[DefaultPrivileges, ...] = ()


EMPTY_CATALOG = Catalog()
