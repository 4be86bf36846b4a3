"""The Forge contract: GitHubForge and GitLabForge (CE and EE) against the fake forge.

Every test runs once per flavor with the real client library over HTTP; the driver plays the
people (reviewers pushing, approving, commenting) the way they would in the web UI.
"""

from __future__ import annotations

import pytest

from app.devforge import Rejected, Role
from app.errors import ForgeError
from app.forges.base import (
    STATUS_DESCRIPTION_LIMIT,
    ChangeRequest,
    ChangeRequestState,
    CommitStatus,
    FileEntry,
    Permission,
    Sha,
    StatusState,
)
from tests.forges.conftest import BOT, BOT_TOKEN, SCHEMA_FILES, Env, make_forge

PENDING = "pending.sql"


def open_change_request(env: Env, *, branch: str = "change-schema-20260101000000") -> ChangeRequest:
    head = env.forge.branch_head(env.repo, branch="main")
    env.forge.create_branch(env.repo, branch=branch, sha=head)
    env.forge.create_file(
        env.repo,
        branch=branch,
        path=PENDING,
        content=b"ALTER TABLE users ADD x int;\n",
        message="plan",
    )
    return env.forge.open_change_request(
        env.repo, source_branch=branch, target_branch="main", title="Schema change", description="d"
    )


# -- identity, repository, files ----------------------------------------------------------


def test_whoami_is_the_token_owner(env: Env) -> None:
    me = env.forge.whoami()
    assert me.username == BOT
    assert me.id > 0


def test_repo_and_default_branch_head(env: Env) -> None:
    repo = env.forge.get_repo(env.repo)
    assert repo.full_name == env.repo
    assert repo.default_branch == "main"
    assert repo.web_url.endswith(env.repo)
    assert env.forge.branch_head(env.repo, branch="main") == env.driver.branch_head(
        env.repo, "main"
    )


def test_list_directory_lists_only_direct_files_sorted(env: Env) -> None:
    head = env.forge.branch_head(env.repo, branch="main")
    entries = env.forge.list_directory(env.repo, path="schema", ref=head)
    assert [e.path for e in entries] == ["schema/001_users.sql", "schema/002_orders.sql"]
    assert all(isinstance(e, FileEntry) and len(e.blob_sha) == 40 for e in entries)
    assert entries[0].name == "001_users.sql"
    assert env.forge.list_directory(env.repo, path="no-such-dir", ref=head) == []


def test_read_file_at_a_commit_and_missing_file(env: Env) -> None:
    old = env.forge.branch_head(env.repo, branch="main")
    env.driver.push(env.repo, user=BOT, branch="main", files={"schema/001_users.sql": "-- new\n"})
    found = env.forge.read_file(env.repo, path="schema/001_users.sql", ref=old)
    assert found is not None
    assert found.text == SCHEMA_FILES["schema/001_users.sql"]
    newer = env.forge.read_file(env.repo, path="schema/001_users.sql", ref="main")
    assert newer is not None and newer.text == "-- new\n"
    assert env.forge.read_file(env.repo, path=PENDING, ref=old) is None


def test_read_file_keeps_bytes_exact(env: Env) -> None:
    content = "-- ünïcödé ✓\r\nSELECT 1;\n\n".encode()
    env.driver.push(env.repo, user=BOT, branch="main", files={"odd.sql": content})
    found = env.forge.read_file(env.repo, path="odd.sql", ref="main")
    assert found is not None and found.content == content


# -- branches and file commits -----------------------------------------------------------


def test_create_update_delete_file_return_new_heads(env: Env) -> None:
    base = env.forge.branch_head(env.repo, branch="main")
    env.forge.create_branch(env.repo, branch="change-schema-1", sha=base)
    assert env.forge.branch_head(env.repo, branch="change-schema-1") == base

    first = env.forge.create_file(
        env.repo, branch="change-schema-1", path=PENDING, content=b"SELECT 1;\n", message="add"
    )
    assert first == env.driver.branch_head(env.repo, "change-schema-1") != base
    second = env.forge.update_file(
        env.repo, branch="change-schema-1", path=PENDING, content=b"SELECT 2;\n", message="upd"
    )
    found = env.forge.read_file(env.repo, path=PENDING, ref=second)
    assert found is not None and found.content == b"SELECT 2;\n"
    third = env.forge.delete_file(env.repo, branch="change-schema-1", path=PENDING, message="rm")
    assert env.forge.read_file(env.repo, path=PENDING, ref=third) is None
    assert len({base, first, second, third}) == 4
    assert env.driver.branch_head(env.repo, "main") == base


def test_branch_and_file_conflicts_are_forge_errors(env: Env) -> None:
    head = env.forge.branch_head(env.repo, branch="main")
    env.forge.create_branch(env.repo, branch="change-schema-2", sha=head)
    with pytest.raises(ForgeError) as duplicate:
        env.forge.create_branch(env.repo, branch="change-schema-2", sha=head)
    assert duplicate.value.status == (422 if env.is_github else 400)
    assert "already exists" in duplicate.value.message

    with pytest.raises(ForgeError) as exists:
        env.forge.create_file(
            env.repo, branch="change-schema-2", path="README.md", content=b"x", message="m"
        )
    assert exists.value.status in (409, 422, 400)
    with pytest.raises(ForgeError):
        env.forge.update_file(
            env.repo, branch="change-schema-2", path="missing.sql", content=b"x", message="m"
        )


# -- change requests ----------------------------------------------------------------------


def test_open_get_and_find_change_request(env: Env) -> None:
    cr = open_change_request(env)
    assert cr.state is ChangeRequestState.OPEN and cr.is_open
    assert (cr.source_branch, cr.target_branch) == ("change-schema-20260101000000", "main")
    assert cr.title == "Schema change" and cr.description == "d"
    assert cr.author.username == BOT
    assert cr.head_sha == env.driver.branch_head(env.repo, cr.source_branch)
    assert env.forge.get_change_request(env.repo, cr.number) == cr

    found = env.forge.find_open_change_request(env.repo, branch_prefix="change-schema-", author=BOT)
    assert found == cr
    assert env.forge.find_open_change_request(env.repo, branch_prefix="other-", author=BOT) is None
    assert (
        env.forge.find_open_change_request(env.repo, branch_prefix="change-schema-", author="alice")
        is None
    )


def test_find_ignores_other_authors_and_closed_requests(env: Env) -> None:
    env.driver.push(env.repo, user="alice", branch="change-schema-by-alice", files={"x": "1"})
    env.driver.open_change_request(
        env.repo, user="alice", source="change-schema-by-alice", title="alice's"
    )
    cr = open_change_request(env)
    env.forge.close_change_request(env.repo, cr.number)
    assert (
        env.forge.find_open_change_request(env.repo, branch_prefix="change-schema-", author=BOT)
        is None
    )
    newer = open_change_request(env, branch="change-schema-20260101000001")
    found = env.forge.find_open_change_request(env.repo, branch_prefix="change-schema-", author=BOT)
    assert found is not None and found.number == newer.number


def test_duplicate_change_request_is_a_conflict(env: Env) -> None:
    cr = open_change_request(env)
    with pytest.raises(ForgeError) as caught:
        env.forge.open_change_request(
            env.repo,
            source_branch=cr.source_branch,
            target_branch="main",
            title="again",
            description="",
        )
    assert caught.value.status == (422 if env.is_github else 409)
    assert "already exists" in caught.value.message


def test_edit_description_and_close(env: Env) -> None:
    cr = open_change_request(env)
    env.forge.edit_description(env.repo, cr.number, description="| statement | destructive |")
    assert (
        env.forge.get_change_request(env.repo, cr.number).description
        == "| statement | destructive |"
    )
    env.forge.close_change_request(env.repo, cr.number)
    closed = env.forge.get_change_request(env.repo, cr.number)
    assert closed.state is ChangeRequestState.CLOSED and not closed.is_open


def test_merge_only_at_the_expected_head(env: Env) -> None:
    cr = open_change_request(env)
    new_head = env.driver.edit_file(
        env.repo, user="alice", branch=cr.source_branch, path=PENDING, content="SELECT 9;\n"
    )
    with pytest.raises(ForgeError) as stale:
        env.forge.merge_change_request(env.repo, cr.number, expected_head=cr.head_sha, message="m")
    assert stale.value.status == 409
    assert env.forge.get_change_request(env.repo, cr.number).is_open

    merge_sha = env.forge.merge_change_request(
        env.repo, cr.number, expected_head=Sha(new_head), message="apply"
    )
    merged = env.forge.get_change_request(env.repo, cr.number)
    assert merged.state is ChangeRequestState.MERGED
    assert env.forge.branch_head(env.repo, branch="main") == merge_sha
    found = env.forge.read_file(env.repo, path=PENDING, ref="main")
    assert found is not None and found.content == b"SELECT 9;\n"


def test_merge_conflict_and_merging_a_closed_request_fail(env: Env) -> None:
    cr = open_change_request(env)
    env.driver.push(env.repo, user=BOT, branch="main", files={PENDING: "-- conflicting\n"})
    with pytest.raises(ForgeError) as conflict:
        env.forge.merge_change_request(env.repo, cr.number, expected_head=cr.head_sha, message="m")
    assert conflict.value.status == (405 if env.is_github else 422)
    env.forge.close_change_request(env.repo, cr.number)
    with pytest.raises(ForgeError) as closed:
        env.forge.merge_change_request(env.repo, cr.number, expected_head=cr.head_sha, message="m")
    assert closed.value.status == 405


# -- comments -----------------------------------------------------------------------------


def test_post_edit_and_list_comments(env: Env) -> None:
    cr = open_change_request(env)
    mine = env.forge.post_comment(env.repo, cr.number, body="Plan `abc123`")
    assert mine.author.username == BOT and mine.body == "Plan `abc123`"
    env.driver.comment(env.repo, cr.number, user="alice", body="/schemagate confirm-drop abc123")
    edited = env.forge.edit_comment(env.repo, cr.number, mine.id, body="Plan `def456`")
    assert (edited.id, edited.body) == (mine.id, "Plan `def456`")

    comments = env.forge.list_comments(env.repo, cr.number)
    assert [(c.author.username, c.body) for c in comments] == [
        (BOT, "Plan `def456`"),
        ("alice", "/schemagate confirm-drop abc123"),
    ]
    assert comments[0].created_at <= comments[1].created_at


def test_list_comments_reads_every_page_and_skips_system_notes(env: Env) -> None:
    cr = open_change_request(env)
    for i in range(250):
        env.driver.comment(env.repo, cr.number, user="alice" if i % 2 else "bob", body=f"c{i}")
    if not env.is_github:
        env.driver.approve(env.repo, cr.number, user="alice")  # adds a system note
        assert any(n.system for n in env.driver.comments(env.repo, cr.number))
    comments = env.forge.list_comments(env.repo, cr.number)
    assert [c.body for c in comments] == [f"c{i}" for i in range(250)]


def test_editing_someone_elses_comment_is_refused(env: Env) -> None:
    cr = open_change_request(env)
    theirs = env.driver.comment(env.repo, cr.number, user="alice", body="mine")
    with pytest.raises(ForgeError) as caught:
        env.forge.edit_comment(env.repo, cr.number, theirs, body="hijacked")  # type: ignore[arg-type]
    assert caught.value.status == 403


# -- approvals ----------------------------------------------------------------------------


def approvers(env: Env, cr: ChangeRequest, head: str) -> list[str]:
    found = env.forge.list_approvals(env.repo, cr.number, head_sha=Sha(head))
    return sorted(a.user.username for a in found)


def test_approvals_count_only_on_the_current_head(env: Env) -> None:
    cr = open_change_request(env)
    assert approvers(env, cr, cr.head_sha) == []
    env.driver.approve(env.repo, cr.number, user="alice")
    env.driver.approve(env.repo, cr.number, user="carol")
    assert approvers(env, cr, cr.head_sha) == ["alice", "carol"]

    new_head = env.driver.edit_file(
        env.repo, user="carol", branch=cr.source_branch, path=PENDING, content="SELECT 3;\n"
    )
    assert approvers(env, cr, new_head) == []

    if env.flavor == "gitlab-ce":  # CE keeps the old approval: revoke and approve again
        env.driver.unapprove(env.repo, cr.number, user="alice")
    env.driver.approve(env.repo, cr.number, user="alice")
    assert approvers(env, cr, new_head) == ["alice"]


def test_revoked_approvals_do_not_count(env: Env) -> None:
    cr = open_change_request(env)
    env.driver.approve(env.repo, cr.number, user="alice")
    env.driver.unapprove(env.repo, cr.number, user="alice")
    assert approvers(env, cr, cr.head_sha) == []


@pytest.mark.parametrize("env", ["github"], indirect=True)
def test_github_latest_verdict_decides(env: Env) -> None:
    cr = open_change_request(env)
    env.driver.approve(env.repo, cr.number, user="alice")
    env.driver.request_changes(env.repo, cr.number, user="alice", body="no")
    env.driver.approve(env.repo, cr.number, user="carol")
    assert approvers(env, cr, cr.head_sha) == ["carol"]
    env.driver.approve(env.repo, cr.number, user="alice")
    assert approvers(env, cr, cr.head_sha) == ["alice", "carol"]


def test_authors_cannot_approve_their_own_request(env: Env) -> None:
    cr = open_change_request(env)
    with pytest.raises(Rejected):
        env.driver.approve(env.repo, cr.number, user=BOT)


# -- permissions, statuses, errors ---------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("alice", Permission.WRITE),
        ("bob", Permission.READ),
        ("carol", Permission.MAINTAIN),
        ("dave", Permission.READ),
        ("erin", Permission.NONE),
        (BOT, Permission.ADMIN),
    ],
)
def test_permission_levels(env: Env, username: str, expected: Permission) -> None:
    permission = env.forge.get_permission(env.repo, username=username)
    assert permission is expected
    assert permission.can_write == (expected >= Permission.WRITE)


def test_permission_follows_changes_and_unknown_users_have_none(env: Env) -> None:
    assert not env.forge.get_permission(env.repo, username="bob").can_write
    env.driver.set_permission(env.repo, "bob", Role.WRITE)
    assert env.forge.get_permission(env.repo, username="bob").can_write
    assert env.forge.get_permission(env.repo, username="nobody-at-all") is Permission.NONE


def test_set_commit_status(env: Env) -> None:
    cr = open_change_request(env)
    long_text = "plan abc123: " + "x" * 300
    for state in StatusState:
        env.forge.set_commit_status(
            env.repo,
            CommitStatus(
                sha=cr.head_sha,
                context="schemagate/production",
                state=state,
                description=long_text,
                target_url="http://schemagate.example/plans/abc123",
            ),
        )
    statuses = env.driver.statuses(env.repo, cr.head_sha)
    expected = ["pending", "success", "failure", "error"]
    if not env.is_github:
        expected = ["pending", "success", "failed", "failed"]
    assert [s.state for s in statuses] == expected
    assert {s.context for s in statuses} == {"schemagate/production"}
    assert all(s.description and len(s.description) <= STATUS_DESCRIPTION_LIMIT for s in statuses)
    assert statuses[0].target_url == "http://schemagate.example/plans/abc123"


def test_errors_name_the_operation_and_never_the_token(env: Env) -> None:
    with pytest.raises(ForgeError) as missing:
        env.forge.get_repo("acme/does-not-exist")
    assert missing.value.status == 404
    assert missing.value.forge == ("github" if env.is_github else "gitlab")
    assert "acme/does-not-exist" in str(missing.value)

    wrong = make_forge(env.devforge, env.flavor, "wrong-" + BOT_TOKEN)
    with pytest.raises(ForgeError) as unauthorized:
        wrong.whoami()
    assert unauthorized.value.status == 401
    assert BOT_TOKEN not in str(unauthorized.value)
    assert BOT_TOKEN not in repr(unauthorized.value.__dict__)


def test_users_without_write_access_cannot_change_the_repository(env: Env) -> None:
    reader = env.client_as("bob")
    head = reader.branch_head(env.repo, branch="main")
    with pytest.raises(ForgeError) as caught:
        reader.create_branch(env.repo, branch="change-schema-x", sha=head)
    assert caught.value.status == 403
    outsider = env.client_as("erin")
    with pytest.raises(ForgeError) as hidden:
        outsider.get_repo(env.repo)
    assert hidden.value.status == 404


def test_head_since_tells_when_a_head_arrived(env: Env) -> None:
    cr = open_change_request(env)
    first = env.forge.head_since(env.repo, cr.number, head_sha=cr.head_sha)
    new_head = env.driver.edit_file(
        env.repo, user="alice", branch=cr.source_branch, path=PENDING, content="SELECT 4;\n"
    )
    second = env.forge.head_since(env.repo, cr.number, head_sha=Sha(new_head))
    assert first is not None and second is not None
    assert first <= second
    comment = env.forge.post_comment(env.repo, cr.number, body="/schemagate confirm-drop x")
    assert comment.created_at >= second
    base = env.forge.branch_head(env.repo, branch="main")
    assert env.forge.head_since(env.repo, cr.number, head_sha=base) is None
