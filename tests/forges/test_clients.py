"""Fake-fidelity: PyGithub and python-gitlab used directly (not through our Forge) perform the
operations FORGE_API.md's Appendix A recorded, with the real APIs' answers and refusals.

This proves the fake follows the real APIs rather than the shape of our own client code.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import github
import gitlab
import pytest
from github import Auth, Github, GithubException, UnknownObjectException
from github.Commit import Commit

from app.devforge import DevForge, Driver
from tests.forges.conftest import BOT, BOT_TOKEN, SCHEMA_FILES, new_repo, token_of


def pygithub(base_url: str, token: str = BOT_TOKEN, per_page: int = 30) -> Github:
    return Github(
        auth=Auth.Token(token),
        base_url=base_url,
        per_page=per_page,
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=None,
    )


@pytest.fixture
def github_repo(devforge: DevForge) -> Iterator[tuple[Driver, str]]:
    yield new_repo(devforge, "github")


@pytest.fixture(params=["ce", "ee"])
def gitlab_repo(request: pytest.FixtureRequest, devforge: DevForge) -> tuple[Driver, str]:
    return new_repo(devforge, f"gitlab-{request.param}")


@pytest.mark.parametrize("layout", ["github.com", "enterprise"])
def test_pygithub_reads_repository_refs_and_contents(
    devforge: DevForge, github_repo: tuple[Driver, str], layout: str
) -> None:
    _, name = github_repo
    base = devforge.github_url if layout == "github.com" else devforge.github_enterprise_url
    repo = pygithub(base).get_repo(name)
    assert (repo.full_name, repo.default_branch) == (name, "main")
    head = repo.get_git_ref("heads/main").object.sha
    assert repo.get_branch("main").commit.sha == head

    listing = repo.get_contents("schema", ref=head)
    assert isinstance(listing, list)
    assert [(c.type, c.path) for c in listing] == [
        ("file", "schema/001_users.sql"),
        ("file", "schema/002_orders.sql"),
        ("dir", "schema/extra"),
    ]
    assert listing[0].decoded_content.decode() == SCHEMA_FILES["schema/001_users.sql"]  # lazy GET
    with pytest.raises(UnknownObjectException):
        repo.get_contents("pending.sql", ref=head)


def test_pygithub_branch_file_pull_comment_status_merge(
    devforge: DevForge, github_repo: tuple[Driver, str]
) -> None:
    driver, name = github_repo
    repo = pygithub(devforge.github_url).get_repo(name)
    head = repo.get_git_ref("heads/main").object.sha
    repo.create_git_ref("refs/heads/change-schema-1", head)
    with pytest.raises(GithubException) as exists:
        repo.create_git_ref("refs/heads/change-schema-1", head)
    assert (exists.value.status, exists.value.data["message"]) == (422, "Reference already exists")

    created = repo.create_file("pending.sql", "plan", "SELECT 1;", branch="change-schema-1")
    blob = created["content"].sha
    with pytest.raises(GithubException) as no_sha:
        repo.create_file("pending.sql", "again", "SELECT 2;", branch="change-schema-1")
    assert no_sha.value.status == 422
    with pytest.raises(GithubException) as stale:
        repo.update_file("pending.sql", "m", "SELECT 2;", "0" * 40, branch="change-schema-1")
    assert stale.value.status == 409
    updated = repo.update_file("pending.sql", "m", "SELECT 2;", blob, branch="change-schema-1")
    current = repo.get_contents("pending.sql", ref="change-schema-1")
    assert not isinstance(current, list) and current.decoded_content == b"SELECT 2;"

    pr = repo.create_pull(base="main", head="change-schema-1", title="t", body="b")
    assert pr.head.sha == updated["commit"].sha
    assert [
        p.number for p in repo.get_pulls(state="open", head=f"{name.split('/')[0]}:change-schema-1")
    ] == [pr.number]
    issue = repo.get_issue(pr.number)  # a PR is an issue too
    assert issue.title == "t" and issue.pull_request is not None
    comment = pr.create_issue_comment("hello")
    comment.edit("edited")
    assert [c.body for c in pr.get_issue_comments()] == ["edited"]
    assert pr.get_issue_comment(comment.id).body == "edited"

    alice_pr = pygithub(devforge.github_url, token_of("alice")).get_repo(name).get_pull(pr.number)
    alice_pr.create_review(event="APPROVE", body="ok")
    assert [(r.user.login, r.state, r.commit_id) for r in pr.get_reviews()] == [
        ("alice", "APPROVED", pr.head.sha)
    ]
    with pytest.raises(GithubException) as own:
        pr.create_review(event="APPROVE")
    assert own.value.status == 422

    status = repo.get_commit(pr.head.sha).create_status(
        state="success", target_url="http://x", description="d", context="schemagate/prod"
    )
    assert (status.state, status.context) == ("success", "schemagate/prod")
    assert repo.get_collaborator_permission("alice") == "write"
    assert repo.get_collaborator_role_name("carol") == "maintain"

    with pytest.raises(GithubException) as stale_merge:
        pr.merge(sha=head)
    assert stale_merge.value.status == 409
    result = pr.merge(sha=pr.head.sha, merge_method="merge", delete_branch=True)
    assert result.merged and repo.get_pull(pr.number).merged
    assert "change-schema-1" not in driver.store.find_repo(name).branches
    main_file = repo.get_contents("pending.sql", ref="main")
    assert not isinstance(main_file, list)
    with pytest.raises(GithubException) as stale_delete:
        repo.delete_file("pending.sql", "rm", blob, branch="main")
    assert stale_delete.value.status == 409
    deleted = repo.delete_file("pending.sql", "rm", main_file.sha, branch="main")
    assert isinstance(deleted["commit"], Commit)
    assert deleted["commit"].sha == repo.get_branch("main").commit.sha
    with pytest.raises(UnknownObjectException):
        repo.get_contents("pending.sql", ref="main")


@pytest.mark.parametrize("layout", ["github.com", "enterprise"])
def test_pygithub_follows_link_pagination(
    devforge: DevForge, github_repo: tuple[Driver, str], layout: str
) -> None:
    driver, name = github_repo
    base = devforge.github_url if layout == "github.com" else devforge.github_enterprise_url
    for i in range(3):
        driver.push(name, user=BOT, branch=f"change-schema-{i}", files={"p.sql": str(i)})
        driver.open_change_request(name, user=BOT, source=f"change-schema-{i}", title=str(i))
    repo = pygithub(base, per_page=1).get_repo(name)
    assert sorted(p.number for p in repo.get_pulls(state="open")) == [1, 2, 3]
    assert repo.get_pulls(state="open").totalCount == 3
    pr = repo.get_pull(1)
    pr.edit(state="closed")
    assert sorted(p.number for p in repo.get_pulls(state="open")) == [2, 3]


def test_pygithub_rejects_bad_credentials(devforge: DevForge) -> None:
    with pytest.raises(github.BadCredentialsException):
        _ = pygithub(devforge.github_url, token="nope").get_user().login


def python_gitlab(devforge: DevForge, token: str = BOT_TOKEN) -> gitlab.Gitlab:
    return gitlab.Gitlab(devforge.gitlab_url, private_token=token)


def test_python_gitlab_tree_files_branches_commits(
    devforge: DevForge, gitlab_repo: tuple[Driver, str]
) -> None:
    _, name = gitlab_repo
    project = python_gitlab(devforge).projects.get(name)
    assert (project.path_with_namespace, project.default_branch) == (name, "main")
    head = project.branches.get("main").commit["id"]
    tree = project.repository_tree(path="schema", ref=head, get_all=True, per_page=1)
    assert [(t["type"], t["path"]) for t in tree] == [
        ("tree", "schema/extra"),
        ("blob", "schema/001_users.sql"),
        ("blob", "schema/002_orders.sql"),
    ]
    assert project.files.get(file_path="schema/001_users.sql", ref=head).decode() == (
        SCHEMA_FILES["schema/001_users.sql"].encode()
    )
    assert project.files.raw(file_path="schema/002_orders.sql", ref=head) == (
        SCHEMA_FILES["schema/002_orders.sql"].encode()
    )
    with pytest.raises(gitlab.GitlabGetError) as missing:
        project.files.get(file_path="pending.sql", ref=head)
    assert missing.value.response_code == 404

    project.branches.create({"branch": "change-schema-1", "ref": head})
    with pytest.raises(gitlab.GitlabCreateError) as exists:
        project.branches.create({"branch": "change-schema-1", "ref": head})
    assert exists.value.response_code == 400
    project.files.create(
        {
            "file_path": "pending.sql",
            "branch": "change-schema-1",
            "content": "SELECT 1;",
            "commit_message": "add",
        }
    )
    current = project.files.get(file_path="pending.sql", ref="change-schema-1")
    with pytest.raises(gitlab.GitlabUpdateError) as stale:
        project.files.update(
            "pending.sql",
            {
                "branch": "change-schema-1",
                "content": "x",
                "commit_message": "m",
                "last_commit_id": head,
            },
        )
    assert stale.value.response_code == 400
    current.content = base64.b64encode(b"SELECT 3;").decode()
    current.encoding = "base64"
    current.save(branch="change-schema-1", commit_message="upd")
    commit = project.commits.create(
        {
            "branch": "change-schema-2",
            "start_branch": "change-schema-1",
            "commit_message": "both",
            "actions": [
                {"action": "update", "file_path": "pending.sql", "content": "SELECT 4;"},
                {"action": "create", "file_path": "other.sql", "content": "SELECT 5;"},
            ],
        }
    )
    assert project.branches.get("change-schema-2").commit["id"] == commit.id
    assert project.files.raw(file_path="pending.sql", ref=commit.id) == b"SELECT 4;"
    project.files.delete(file_path="pending.sql", branch="change-schema-1", commit_message="rm")
    with pytest.raises(gitlab.GitlabGetError):
        project.files.get(file_path="pending.sql", ref="change-schema-1")


def test_python_gitlab_merge_requests_notes_approvals_statuses(
    devforge: DevForge, gitlab_repo: tuple[Driver, str]
) -> None:
    driver, name = gitlab_repo
    gl = python_gitlab(devforge)
    project = gl.projects.get(name, lazy=True)  # every path uses the %2F-encoded full path
    driver.push(name, user=BOT, branch="change-schema-1", files={"pending.sql": "SELECT 1;"})
    mr = project.mergerequests.create(
        {
            "source_branch": "change-schema-1",
            "target_branch": "main",
            "title": "t",
            "description": "d",
        }
    )
    with pytest.raises(gitlab.GitlabCreateError) as duplicate:
        project.mergerequests.create(
            {"source_branch": "change-schema-1", "target_branch": "main", "title": "t"}
        )
    assert duplicate.value.response_code == 409
    listed = project.mergerequests.list(
        source_branch="change-schema-1", state="opened", get_all=True
    )
    assert [m.iid for m in listed] == [mr.iid]

    note = mr.notes.create({"body": "hello"})
    mr.notes.update(note.id, {"body": "edited"})
    assert mr.notes.get(note.id).body == "edited"

    alice_mr = (
        python_gitlab(devforge, token_of("alice"))
        .projects.get(name, lazy=True)
        .mergerequests.get(mr.iid, lazy=True)
    )
    with pytest.raises(gitlab.GitlabMRApprovalError) as stale_approval:
        alice_mr.approve(sha="0" * 40)
    assert stale_approval.value.response_code == 409
    alice_mr.approve(sha=mr.sha)
    approvals = mr.approvals.get()
    assert [a["user"]["username"] for a in approvals.approved_by] == ["alice"]
    assert approvals.approved_by[0]["approved_at"]
    notes = mr.notes.list(get_all=True)
    assert [n.system for n in notes] == [True, False]  # newest first, system notes included
    if devforge.gitlab_store.edition == "ee":
        assert "approvals_left" in approvals.attributes
        assert mr.approval_state.get().rules[0]["approved_by"][0]["username"] == "alice"
    else:
        assert "approvals_left" not in approvals.attributes
        with pytest.raises(gitlab.GitlabGetError):
            mr.approval_state.get()
    assert [v.head_commit_sha for v in mr.diffs.list(get_all=True)] == [mr.sha]

    status = project.commits.get(mr.sha, lazy=True).statuses.create(
        {
            "state": "success",
            "name": "schemagate/prod",
            "target_url": "http://x",
            "description": "d",
        }
    )
    assert (status.status, status.ref) == ("success", "change-schema-1")
    alice = project.members_all.list(query="alice", get_all=True)
    assert [(m.username, m.access_level) for m in alice] == [("alice", 30)]
    assert project.members_all.get(alice[0].id).access_level == 30

    with pytest.raises(gitlab.GitlabMRClosedError) as stale_merge:
        mr.merge(sha="0" * 40)
    assert stale_merge.value.response_code == 409
    mr.merge(merge_commit_message="m", should_remove_source_branch=True, sha=mr.sha)
    assert mr.state == "merged" and mr.merge_commit_sha
    assert "change-schema-1" not in driver.store.find_repo(name).branches


def test_python_gitlab_close_and_auth_errors(
    devforge: DevForge, gitlab_repo: tuple[Driver, str]
) -> None:
    driver, name = gitlab_repo
    driver.push(name, user="alice", branch="feature", files={"x": "1"})
    number = driver.open_change_request(name, user="alice", source="feature", title="t")
    project = python_gitlab(devforge).projects.get(name)
    project.mergerequests.update(number, {"state_event": "close"})
    assert project.mergerequests.get(number).state == "closed"
    with pytest.raises(gitlab.GitlabAuthenticationError):
        python_gitlab(devforge, token="nope").auth()
    with pytest.raises(gitlab.GitlabGetError) as hidden:
        python_gitlab(devforge, token_of("erin")).projects.get(name)
    assert hidden.value.response_code == 404
