"""A small world for flow and end-to-end tests: a fake forge with people and a repository
holding ``schema/*.sql``, a target database, and schemagate's configuration for them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from pydantic import SecretStr

from app.config import (
    FileConfig,
    ForgesConfig,
    GitHubSettings,
    GitLabSettings,
    RepositoryConfig,
    TargetConfig,
)
from app.devforge import DevForge, Driver, Role
from app.devforge.model import ChangeRequest

BOT = "schemagate-bot"
BOT_TOKEN = "bot-token-0123456789abcdef"
WEBHOOK_SECRET = "webhook-secret-for-tests"
PEOPLE = {"alice": Role.WRITE, "bob": Role.MAINTAIN, "rita": Role.READ, "dev": Role.WRITE}
FORGES = ["github", "gitlab"]
_numbers = itertools.count(1)


def add_people(devforge: DevForge) -> None:
    for driver in (devforge.github, devforge.gitlab):
        driver.add_user(BOT, token=BOT_TOKEN)
        for name in PEOPLE:
            driver.add_user(name, token=f"{name}-token-0123456789")


@dataclass
class World:
    """One test's repository on one forge, and the target database it describes."""

    forge: str
    devforge: DevForge
    repo: str
    target_url: str

    @property
    def driver(self) -> Driver:
        return self.devforge.github if self.forge == "github" else self.devforge.gitlab

    def push_schema(self, files: dict[str, str | None], *, user: str = "bob") -> str:
        return self.driver.push(
            self.repo, user=user, branch="main", files=files, message="Change the schema"
        )

    def file_config(self, *, approvals: int = 1, webhook_url: str | None = None) -> FileConfig:
        target = TargetConfig(
            name="production", database_url=SecretStr(self.target_url), approvals_required=approvals
        )
        return FileConfig(
            forges=ForgesConfig(
                github=GitHubSettings(
                    base_url=self.devforge.github_url,
                    token=SecretStr(BOT_TOKEN),
                    webhook_secret=SecretStr(WEBHOOK_SECRET),
                    bot_username=BOT,
                ),
                gitlab=GitLabSettings(
                    url=self.devforge.gitlab_url,
                    token=SecretStr(BOT_TOKEN),
                    webhook_secret=SecretStr(WEBHOOK_SECRET),
                    bot_username=BOT,
                ),
            ),
            repositories=[
                RepositoryConfig(
                    forge=self.forge,
                    name=self.repo,  # type: ignore[arg-type]
                    targets=[target],
                )
            ],
        )

    def requests(self) -> list[ChangeRequest]:
        """Every change request of the repository, oldest first."""
        with self.driver.store.lock:
            return sorted(self.driver.store.repos[self.repo].crs.values(), key=lambda c: c.number)

    def open_requests(self) -> list[ChangeRequest]:
        return [cr for cr in self.requests() if cr.state == "open"]

    def pending_sql(self, number: int) -> str | None:
        request = self.driver.change_request(self.repo, number)
        content = self.driver.read_file(self.repo, ref=request.head_sha, path="pending.sql")
        return None if content is None else content.decode()

    def status(self, sha: str) -> str | None:
        """The latest schemagate/production commit status of ``sha``, in GitHub's words."""
        statuses = [
            s for s in self.driver.statuses(self.repo, sha) if s.context == "schemagate/production"
        ]
        if not statuses:
            return None
        state = statuses[-1].state
        return "failure" if state == "failed" else state  # GitLab's word for it

    def comment_bodies(self, number: int) -> list[str]:
        return [n.body for n in self.driver.comments(self.repo, number) if not n.system]


def new_world(devforge: DevForge, forge: str, *, schema: dict[str, str], target_url: str) -> World:
    number = next(_numbers)
    repo = f"acme/shop-{number}" if forge == "github" else f"acme/dbs/shop-{number}"
    driver = devforge.github if forge == "github" else devforge.gitlab
    driver.create_repo(repo, owner=BOT, files=schema)
    for person, role in PEOPLE.items():
        driver.set_permission(repo, person, role)
    return World(forge, devforge, repo, target_url)
