"""The router: one Forge per configured forge, shared by its repositories; an unconfigured
forge fails with an error that names it and the repository."""

from __future__ import annotations

import pytest

from app.config import ForgesConfig, GitHubSettings, GitLabSettings, RepositoryConfig, TargetConfig
from app.devforge import DevForge
from app.errors import ForgeNotConfigured
from app.forges.base import ForgeKind
from app.forges.router import ForgeRouter
from tests.forges.conftest import BOT, BOT_TOKEN, new_repo


def repository(forge: str, name: str) -> RepositoryConfig:
    target = TargetConfig.model_validate({"name": "production", "database_url": "postgresql:///x"})
    return RepositoryConfig.model_validate({"forge": forge, "name": name, "targets": [target]})


def test_routes_each_repository_to_its_forge(devforge: DevForge) -> None:
    _, github_name = new_repo(devforge, "github")
    _, gitlab_name = new_repo(devforge, "gitlab-ce")
    router = ForgeRouter(
        ForgesConfig(
            github=GitHubSettings.model_validate(
                {
                    "base_url": devforge.github_enterprise_url,
                    "token": BOT_TOKEN,
                    "webhook_secret": "s",
                }
            ),
            gitlab=GitLabSettings.model_validate(
                {"url": devforge.gitlab_url, "token": BOT_TOKEN, "webhook_secret": "s"}
            ),
        ),
        throttle=False,
    )
    on_github = router.for_repository(repository("github", github_name))
    on_gitlab = router.for_repository(repository("gitlab", gitlab_name))
    assert (on_github.kind, on_gitlab.kind) == (ForgeKind.GITHUB, ForgeKind.GITLAB)
    assert on_github.get_repo(github_name).full_name == github_name
    assert on_gitlab.get_repo(gitlab_name).full_name == gitlab_name
    assert on_github.whoami().username == on_gitlab.whoami().username == BOT
    assert router.for_repository(repository("github", "acme/other")) is on_github


def test_unconfigured_forge_names_itself_and_the_repository() -> None:
    router = ForgeRouter(ForgesConfig(github=None, gitlab=None))
    with pytest.raises(ForgeNotConfigured) as caught:
        router.for_repository(repository("gitlab", "grp/app"))
    assert caught.value.forge == "gitlab"
    assert "gitlab" in str(caught.value) and "grp/app" in str(caught.value)
