"""Materialize schemas on the shadow server: the desired schema, and copies of targets.

Both are cached twice: the inspected result on local disk (planning the same desired
schema again skips loading and inspecting it), and the loaded database as a template on the
shadow server (other workers, and rehearsals, clone it instead of loading SQL again).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import psycopg

from app.pg import connect, with_database
from app.redact import describe_database
from app.schema.catalog_version import catalog_version
from app.schema.differ import SchemaDiffer
from app.schema.inspection import InspectedSchema, InspectionCache, inspect_database
from app.schema.loader import load_statements
from app.schema.shadow import TEMPLATE_PREFIX, ShadowServer, TemplateUnavailable
from app.schema.sources import SchemaFile, desired_hash, ordered, statements_of
from app.schema.sqltext import split_statements

log = logging.getLogger(__name__)


class SchemaMaterializer:
    """Loads schemas into shadow databases, with caches keyed by what determines them."""

    def __init__(self, *, shadow: ShadowServer, cache: InspectionCache, differ: SchemaDiffer):
        self.shadow = shadow
        self.cache = cache
        self.differ = differ
        self._server_key: str | None = None

    def server_key(self) -> str:
        """Identifies the shadow server and its major version in cache keys."""
        if self._server_key is None:
            where = self.shadow.where.encode()
            major = self.shadow.major_version()
            self._server_key = f"{major}_{hashlib.sha256(where).hexdigest()[:8]}"
        return self._server_key

    # -- the desired schema -----------------------------------------------------------------

    def desired(self, files: Sequence[SchemaFile]) -> InspectedSchema:
        """The inspected desired schema, loading it into a shadow database only on a miss."""
        statements = statements_of(files)  # parse first: syntax errors need no database
        key = f"desired_{self.server_key()}_{desired_hash(files)[:32]}"
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        sources = {f.name: f.content for f in ordered(files)}
        template = self._template_name("d", desired_hash(files))
        inspected = self._materialize(
            template, lambda conn: load_statements(conn, statements, sources=sources)
        )
        self.cache.put(key, inspected)
        return inspected

    # -- targets --------------------------------------------------------------------------

    def inspect_target(self, url: str) -> InspectedSchema:
        """The target's inspected schema, reused from an earlier plan while the catalogs show
        no change (see :mod:`app.schema.catalog_version`)."""
        with connect(url) as conn:
            before = catalog_version(conn)
        key = "target_" + hashlib.sha256(f"{describe_database(url)}:{before}".encode()).hexdigest()
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        inspected = inspect_database(url)
        with connect(url) as conn:
            if catalog_version(conn) == before:  # nothing changed while we looked
                self.cache.put(key, inspected)
        return inspected

    # -- copies of targets --------------------------------------------------------------------

    @contextmanager
    def target_copy(self, target: InspectedSchema) -> Iterator[str]:
        """A throwaway database holding a copy of ``target``'s schema; yields its URL.

        The copy is cloned from a cached template (built on a miss, or when another process
        pruned it meanwhile), so rehearsing against the same target again costs one clone.
        """
        template = self._target_copy_template(target)
        try:
            clone = self.shadow.create_detached(template=template)
        except TemplateUnavailable:
            template = self._target_copy_template(target, rebuild=True)
            clone = self.shadow.create_detached(template=template)
        try:
            yield with_database(self.shadow.url, clone)
        finally:
            self.shadow.drop(clone)

    def target_copy_in_place(self, target: InspectedSchema, *, rebuild: bool = False) -> str:
        """URL of the cached copy of ``target`` itself, for rehearsals that run in one
        transaction and roll back (no clone, no drop: the fast path)."""
        template = self._target_copy_template(target, rebuild=rebuild)
        return with_database(self.shadow.url, template)

    def prepare_target_copy(self, target: InspectedSchema) -> None:
        """Build the cached copy of ``target`` now, if it is missing (see :meth:`target_copy`)."""
        self._target_copy_template(target)

    def _target_copy_template(self, target: InspectedSchema, *, rebuild: bool = False) -> str:
        """The template holding a copy of ``target``, built from the DDL migra writes for it
        (so it holds what migra sees); its fingerprint is checked against the target's."""
        template = self._template_name("t", target.fingerprint)
        if not rebuild and self.shadow.template_exists(template):
            return template
        recipe = "\n;\n".join(self.differ.diff(None, target))
        statements = split_statements(recipe, file="<copy of the target>")
        copy = self._materialize(
            template,
            lambda conn: load_statements(conn, statements, sources={}),
            allow_connections=True,
        )
        if copy.fingerprint != target.fingerprint:
            log.warning(
                "the rehearsal copy of the target differs from the target in details migra "
                "cannot reproduce (fingerprint %s vs %s)",
                copy.fingerprint[:12],
                target.fingerprint[:12],
            )
        return template

    # -- shared ---------------------------------------------------------------------------

    def _template_name(self, kind: str, key: str) -> str:
        return f"{TEMPLATE_PREFIX}{kind}{self.server_key()}_{key[:24]}"

    def _materialize(
        self,
        template: str,
        load: Callable[[psycopg.Connection], None],
        *,
        allow_connections: bool = False,
    ) -> InspectedSchema:
        """Clone ``template`` if it exists, else load a new shadow and cache it as ``template``."""
        if self.shadow.template_exists(template):
            try:
                with self.shadow.database(template=template) as url:
                    return inspect_database(url)
            except TemplateUnavailable:
                log.info("cached schema %s vanished; loading it again", template)
        name = self.shadow.create_detached()
        try:
            url = with_database(self.shadow.url, name)
            with connect(url) as conn:
                conn.execute("SET synchronous_commit = off")  # a throwaway database
                load(conn)
            inspected = inspect_database(url)
        except BaseException:
            self.shadow.drop(name)
            raise
        if not self.shadow.promote(name, template, allow_connections=allow_connections):
            self.shadow.drop(name)  # another process cached the same schema first
        return inspected
