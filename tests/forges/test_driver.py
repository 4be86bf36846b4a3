"""The driver: acting as people obeys the forge's rules and is visible through the API."""

from __future__ import annotations

import pytest

from app.devforge import DevForge, Rejected
from tests.forges.conftest import BOT, new_repo


@pytest.mark.parametrize("flavor", ["github", "gitlab-ce"])
def test_a_person_opens_and_merges_a_change_request(devforge: DevForge, flavor: str) -> None:
    driver, repo = new_repo(devforge, flavor)
    head = driver.push(repo, user="alice", branch="feature", files={"schema/003.sql": "-- 3\n"})
    number = driver.open_change_request(repo, user="alice", source="feature", title="Add 3")
    cr = driver.change_request(repo, number)
    assert (cr.state, cr.head_sha, cr.source, cr.target) == ("open", head, "feature", "main")

    merged = driver.merge(repo, number, user=BOT)
    assert driver.change_request(repo, number).state == "merged"
    assert driver.branch_head(repo, "main") == merged
    assert driver.read_file(repo, ref="main", path="schema/003.sql") == b"-- 3\n"
    assert driver.read_file(repo, ref=head, path="pending.sql") is None


def test_gitlab_protects_the_default_branch_and_approvals_need_developers(
    devforge: DevForge,
) -> None:
    driver, repo = new_repo(devforge, "gitlab-ce")
    with pytest.raises(Rejected) as push:
        driver.push(repo, user="alice", branch="main", files={"x": "1"})  # Developer
    assert push.value.code == "forbidden"
    driver.push(repo, user="carol", branch="main", files={"x": "1"})  # Maintainer
    driver.push(repo, user="alice", branch="feature", files={"x": "2"})
    number = driver.open_change_request(repo, user="alice", source="feature", title="t")
    with pytest.raises(Rejected):
        driver.approve(repo, number, user="bob")  # Reporter-like: cannot approve
    with pytest.raises(Rejected):
        driver.merge(repo, number, user="alice")  # merging into main needs a Maintainer


def test_github_lets_writers_push_to_the_default_branch(devforge: DevForge) -> None:
    driver, repo = new_repo(devforge, "github")
    head = driver.push(repo, user="alice", branch="main", files={"x": "1"}, message="direct")
    assert driver.branch_head(repo, "main") == head
    with pytest.raises(Rejected):
        driver.push(repo, user="bob", branch="main", files={"x": "2"})  # read access only


def test_edition_must_be_known(devforge: DevForge) -> None:
    with pytest.raises(ValueError, match="edition"):
        devforge.gitlab.set_edition("premium")
