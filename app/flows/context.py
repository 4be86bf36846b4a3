"""What every flow needs about one target: its config, its forge, and the desired schema."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.config import RepositoryConfig, TargetConfig
from app.errors import ForgeError
from app.forges.base import ChangeRequestNumber, CommitStatus, Forge, Sha, StatusState
from app.schema.planner import PlanInputs
from app.schema.sources import SchemaFile
from app.store import audit
from app.wiring import Services

log = logging.getLogger(__name__)

BOT_ACTOR = "schemagate"
LOCK_WAIT_SECONDS = 600.0
"""How long a flow waits for another one on the same target (a plan or an apply)."""


@dataclass(frozen=True)
class TargetContext:
    """One configured target of one repository, with the forge it lives on."""

    services: Services
    repository: RepositoryConfig
    target: TargetConfig
    forge: Forge

    @property
    def repo(self) -> str:
        return self.repository.name

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def branch_prefix(self) -> str:
        """``change-schema-``; with several targets in one repository the target's name is
        part of it, so each target's change request is found by its own prefix."""
        if len(self.repository.targets) == 1:
            return "change-schema-"
        return f"change-schema-{self.target.name}-"

    def new_branch_name(self) -> str:
        return self.branch_prefix + time.strftime("%Y%m%d%H%M%S", time.gmtime())

    @property
    def status_context(self) -> str:
        return f"schemagate/{self.target.name}"

    def own_username(self) -> str:
        """schemagate's account on this forge. Unknown (the forge unreachable) is an error
        the retry table backs off on: without it our own approvals could count."""
        username = self.services.bots.username(self.repository)
        if username is None:
            raise ForgeError(
                forge=self.repository.forge,
                operation="learn our own username",
                status=None,
                message="the forge did not answer; retrying later",
            )
        return username

    def set_status(self, sha: Sha, state: StatusState, description: str, url: str | None) -> None:
        self.forge.set_commit_status(
            self.repo,
            CommitStatus(
                sha=sha,
                context=self.status_context,
                state=state,
                description=description,
                target_url=url,
            ),
        )

    def desired_files(self, sha: Sha) -> list[SchemaFile]:
        """The ``*.sql`` files of the schema directory at ``sha``, in lexical order."""
        directory = self.target.schema_dir.strip("/")
        entries = self.forge.list_directory(self.repo, path=directory, ref=sha)
        files = []
        for entry in sorted(entries, key=lambda e: e.path):
            if not entry.name.endswith(".sql"):
                continue
            content = self.forge.read_file(self.repo, path=entry.path, ref=sha)
            if content is not None:
                files.append(SchemaFile(name=entry.path, content=content.text))
        return files

    def plan_inputs(self, sha: Sha, files: list[SchemaFile]) -> PlanInputs:
        return PlanInputs(
            target=self.name,
            target_url=self.target.database_url.get_secret_value(),
            files=files,
            repository=self.repo,
            base_sha=sha,
        )

    def read_pending(self, ref: str) -> str | None:
        content = self.forge.read_file(self.repo, path=self.target.pending_file, ref=ref)
        return None if content is None else content.text

    def audit(
        self,
        session: Session,
        action: str,
        *,
        request: int | None,
        detail: Mapping[str, object],
        actor: str = BOT_ACTOR,
    ) -> None:
        """Append to the audit log of this target (``actor``: a username, or schemagate)."""
        audit.record(
            session,
            repository=self.repo,
            target=self.name,
            actor=actor,
            action=action,
            change_request_number=request,
            detail=detail,
        )

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Serialize all work on this target across processes and machines."""
        with self.services.locks.hold(self.repo, self.name, wait_seconds=LOCK_WAIT_SECONDS):
            yield


def target_context(services: Services, *, repository: str, target: str) -> TargetContext:
    repository_config = services.repository(repository)
    return TargetContext(
        services=services,
        repository=repository_config,
        target=services.target(repository, target),
        forge=services.forges.for_repository(repository_config),
    )


def targets_of(services: Services, repository: str) -> list[TargetContext]:
    return [
        target_context(services, repository=repository, target=t.name)
        for t in services.repository(repository).targets
    ]


def number(value: int) -> ChangeRequestNumber:
    return ChangeRequestNumber(value)
