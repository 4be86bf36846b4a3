"""A SchemaDiffer that runs another differ (migra) and then applies the corrections."""

from __future__ import annotations

from collections.abc import Callable

from app.schema.corrections.cloned_triggers import leave_cloned_triggers_to_postgresql
from app.schema.corrections.collations import write_collations
from app.schema.corrections.column_collations import collate_new_columns
from app.schema.corrections.column_defaults import set_defaults_around_type_changes
from app.schema.corrections.column_order import add_columns_in_desired_order
from app.schema.corrections.column_settings import sync_column_settings
from app.schema.corrections.comments import sync_comments
from app.schema.corrections.constraint_indexes import recreate_indexes_of_readded_constraints
from app.schema.corrections.constraints import keep_constraints_as_postgresql_has_them
from app.schema.corrections.defined_objects import sync_rules_and_statistics
from app.schema.corrections.dependency_order import create_before_use
from app.schema.corrections.dependent_views import recreate_views_around_type_changes
from app.schema.corrections.detached_constraints import drop_constraints_detached_partitions_keep
from app.schema.corrections.domain_changes import alter_changed_domains
from app.schema.corrections.domains import create_and_drop_domains
from app.schema.corrections.drop_order import drop_after_dependents
from app.schema.corrections.existing_tables import skip_creating_existing_tables
from app.schema.corrections.foreign_key_drops import drop_foreign_keys_before_their_keys
from app.schema.corrections.function_order import order_functions_around_tables
from app.schema.corrections.function_returns import replace_functions_whose_return_type_changes
from app.schema.corrections.generated_columns import recreate_changed_generated_columns
from app.schema.corrections.index_definitions import rebuild_indexes_with_changed_definitions
from app.schema.corrections.inherited_columns import create_children_with_local_columns_only
from app.schema.corrections.matview_indexes import restore_matview_indexes
from app.schema.corrections.partition_attach import attach_partitions_with_their_indexes
from app.schema.corrections.partition_bounds import repartition_changed_tables
from app.schema.corrections.partition_columns import sync_partition_columns
from app.schema.corrections.partition_index_names import rename_copied_partition_indexes
from app.schema.corrections.partition_indexes import fix_partition_indexes
from app.schema.corrections.partition_order import create_partitions_after_parents
from app.schema.corrections.privileges import sync_owners_and_privileges
from app.schema.corrections.ranges import sync_range_types
from app.schema.corrections.recreated_references import drop_references_to_recreated_tables
from app.schema.corrections.recreated_tables import restore_recreated_tables
from app.schema.corrections.recreated_types import recreate_type_dependents
from app.schema.corrections.relations import sync_relation_flags
from app.schema.corrections.sequence_drops import drop_sequences_after_their_defaults
from app.schema.corrections.sequence_ownership import release_sequences_first
from app.schema.corrections.sequences import sync_sequence_options
from app.schema.corrections.serial_to_identity import drop_serial_sequence_before_identity
from app.schema.corrections.sql_body_functions import replace_changed_sql_bodies
from app.schema.corrections.statements import ParsedStatement
from app.schema.differ import MigraDiffer, SchemaDiffer
from app.schema.inspection import InspectedSchema

Correction = Callable[
    [list[ParsedStatement], InspectedSchema | None, InspectedSchema | None], list[ParsedStatement]
]

# Order matters: later corrections see the statements earlier ones added (comments last,
# as they restore what any drop in the final plan takes away).
CORRECTIONS: tuple[Correction, ...] = (
    skip_creating_existing_tables,
    add_columns_in_desired_order,
    create_children_with_local_columns_only,
    repartition_changed_tables,
    write_collations,
    sync_range_types,
    create_and_drop_domains,
    alter_changed_domains,
    set_defaults_around_type_changes,
    recreate_type_dependents,
    recreate_views_around_type_changes,
    restore_matview_indexes,
    create_partitions_after_parents,
    fix_partition_indexes,
    attach_partitions_with_their_indexes,
    rename_copied_partition_indexes,
    recreate_changed_generated_columns,
    drop_serial_sequence_before_identity,
    keep_constraints_as_postgresql_has_them,
    leave_cloned_triggers_to_postgresql,
    recreate_indexes_of_readded_constraints,
    restore_recreated_tables,
    drop_references_to_recreated_tables,
    order_functions_around_tables,
    rebuild_indexes_with_changed_definitions,
    replace_functions_whose_return_type_changes,
    replace_changed_sql_bodies,
    collate_new_columns,
    release_sequences_first,
    sync_sequence_options,
    sync_relation_flags,
    sync_column_settings,
    sync_partition_columns,
    sync_rules_and_statistics,
    sync_comments,
    create_before_use,
    drop_after_dependents,
    drop_foreign_keys_before_their_keys,
    drop_sequences_after_their_defaults,
    drop_constraints_detached_partitions_keep,  # last: sees the final order of drops
)


class CorrectedDiffer:
    """``base``'s statements, passed through every correction in order."""

    def __init__(self, base: SchemaDiffer, corrections: tuple[Correction, ...] = CORRECTIONS):
        self.base = base
        self.corrections = corrections

    def diff(self, current: InspectedSchema | None, desired: InspectedSchema | None) -> list[str]:
        statements = [ParsedStatement.of(sql) for sql in self.base.diff(current, desired)]
        for correction in self.corrections:
            statements = correction(statements, current, desired)
        return [s.sql.strip().rstrip(";").rstrip() for s in statements]


def engine_differ(*, manage_privileges: bool = False) -> CorrectedDiffer:
    """migra with every correction; owners and privileges too when the target manages them
    (last: they apply to objects every other statement has created by then)."""
    extra = (sync_owners_and_privileges,) if manage_privileges else ()
    return CorrectedDiffer(MigraDiffer(), CORRECTIONS + extra)
