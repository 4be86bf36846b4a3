"""Real signed deliveries from the fake forge; schemagate's own account learned via whoami."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import parse_file_config
from app.devforge import DevForge, Role
from app.store.types import DeliveryStatus
from tests.api.conftest import make_services, serving

BOT, BOT_TOKEN, SECRET = "sg-bot", "sg-bot-token-123456", "hook-secret-abcdef"


@pytest.fixture(scope="module")
def devforge() -> Iterator[DevForge]:
    with DevForge() as forge:
        for driver in (forge.github, forge.gitlab):
            driver.add_user(BOT, token=BOT_TOKEN)
            driver.add_user("alice", token="alice-token-123456")
        yield forge


@pytest.mark.parametrize("flavor", ["github", "gitlab"])
def test_pushes_by_people_are_accepted_and_pushes_by_schemagate_ignored(
    flavor: str, devforge: DevForge, tmp_path: Path, store_url: str, broker_url: str
) -> None:
    driver = devforge.github if flavor == "github" else devforge.gitlab
    repo = f"acme/shop-{flavor}-{tmp_path.name[-8:]}"
    driver.create_repo(repo, owner=BOT, files={"schema/001.sql": "CREATE TABLE a (id int);\n"})
    driver.set_permission(repo, "alice", Role.MAINTAIN)
    url_key = "base_url" if flavor == "github" else "url"
    forge_url = devforge.github_url if flavor == "github" else devforge.gitlab_url
    config = parse_file_config(f"""
forges:
  {flavor}: {{{url_key}: "{forge_url}", token: {BOT_TOKEN}, webhook_secret: {SECRET}}}
repositories:
  - forge: {flavor}
    name: {repo}
    targets: [{{name: prod, database_url: "postgresql://u@127.0.0.1/prod"}}]
""")
    with serving(make_services(tmp_path, store_url, broker_url, config)) as api:
        driver.add_webhook(repo, f"{api.url}/webhooks/{flavor}", secret=SECRET)
        driver.push(repo, user="alice", branch="main", files={"schema/002.sql": "SELECT 1;\n"})
        driver.push(
            repo, user=BOT, branch="change-schema-20260101000000", files={"pending.sql": "x"}
        )
        deliveries = driver.deliveries()
        assert [d.responses for d in deliveries] == [[202], [200]]
        first = deliveries[0]
        driver.redeliver(first.id)
        driver.deliveries()
        assert driver.deliveries()[-1].responses == [200]  # the repeat: "duplicate"
        rows = api.rows()
        assert [(r.status, r.error) for r in rows][1:] == [
            (
                DeliveryStatus.IGNORED,
                f"{'push' if flavor == 'github' else 'Push Hook'} by schemagate itself",
            )
        ]
        api.wait_for(lambda: api.rows()[0].status is DeliveryStatus.ENQUEUED)
        assert api.queued() == [rows[0].id]
