"""The periodic drift check (DESIGN.md flow step 8): plan every target; production that
drifted from the schema in git (a hand-made hotfix) gets a change request, labelled drift."""

from __future__ import annotations

import logging

from app.errors import SchemagateError
from app.flows.context import targets_of
from app.flows.publish import publish
from app.wiring import Services

log = logging.getLogger(__name__)


def check_drift(services: Services) -> None:
    """Plan every configured target; one failing target does not stop the others."""
    for repository in services.config.repositories:
        for ctx in targets_of(services, repository.name):
            try:
                with ctx.locked():
                    publish(ctx, trigger="drift", reason="drift check")
            except SchemagateError as error:
                log.warning("drift check of %s/%s failed: %s", ctx.repo, ctx.name, error)
