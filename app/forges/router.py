"""Pick the Forge of a repository from its configured ``forge``.

One client per forge is built on first use and shared by every repository on that forge;
a repository on a forge the configuration has no section for fails with an error naming both.
"""

from __future__ import annotations

from app.config import ForgesConfig, RepositoryConfig
from app.errors import ForgeNotConfigured
from app.forges.base import Forge, ForgeKind
from app.forges.github import GitHubForge
from app.forges.gitlab import GitLabForge


class ForgeRouter:
    """``throttle=False`` is passed to the clients (tests against the local fake only)."""

    def __init__(self, forges: ForgesConfig, *, throttle: bool = True) -> None:
        self._config = forges
        self._throttle = throttle
        self._built: dict[ForgeKind, Forge] = {}

    def for_repository(self, repository: RepositoryConfig) -> Forge:
        kind = ForgeKind(repository.forge)
        if kind not in self._built:
            self._built[kind] = self._build(kind, repository.name)
        return self._built[kind]

    def _build(self, kind: ForgeKind, repository: str) -> Forge:
        if kind is ForgeKind.GITHUB and self._config.github is not None:
            return GitHubForge.from_settings(self._config.github, throttle=self._throttle)
        if kind is ForgeKind.GITLAB and self._config.gitlab is not None:
            return GitLabForge.from_settings(self._config.gitlab, throttle=self._throttle)
        raise ForgeNotConfigured(forge=kind.value, repository=repository)
