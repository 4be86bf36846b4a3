"""Fake-fidelity: the fake's webhooks are signed and shaped like the real forges' deliveries.

Deliveries go over HTTP to a local receiver; signatures are checked with the algorithms the
forges document (HMAC-SHA256 of the raw body for GitHub, the plain secret for GitLab), and
payloads must have every field of the TypedDicts in ``app.forges.payloads`` (the fields
FORGE_API.md lists from octokit/webhooks and GitLab's docs), with the right JSON kinds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from app.devforge import DevForge, Driver
from app.devforge.delivery import github_signature
from app.forges.base import ChangeRequestNumber, Sha
from app.forges.payloads import (
    GitHubIssueCommentPayload,
    GitHubPullRequestPayload,
    GitHubPushPayload,
    GitHubReviewPayload,
    GitLabMergeRequestPayload,
    GitLabNotePayload,
    GitLabPushPayload,
)
from tests.forges.conftest import BOT, BOT_TOKEN, Received, make_forge, new_repo
from tests.forges.shapes import problems

SECRET = "It's a Secret to Everybody"
Hook = tuple[dict[str, str], dict[str, Any], bytes]  # lower-cased headers, payload, raw body


def hooked_repo(
    devforge: DevForge, receiver: tuple[str, Received], flavor: str
) -> tuple[Driver, str, str]:
    driver, repo = new_repo(devforge, flavor)
    url = f"{receiver[0]}/hooks/{repo}"
    driver.add_webhook(repo, url, secret=SECRET)
    return driver, repo, url


def received(driver: Driver, receiver: tuple[str, Received], url: str) -> list[Hook]:
    """What the receiver got at ``url``, after every queued delivery was attempted."""
    driver.deliveries()
    path = url.removeprefix(receiver[0])
    with receiver[1].lock:
        got = [(h, b) for p, h, b in receiver[1].requests if p == path]
    return [({k.lower(): v for k, v in h.items()}, json.loads(b), b) for h, b in got]


def of_event(hooks: list[Hook], header: str, name: str) -> list[Hook]:
    return [h for h in hooks if h[0][header] == name]


def test_github_signature_matches_the_documented_test_vector() -> None:
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert github_signature(SECRET, b"Hello, World!") == expected


def test_github_push_from_the_api_is_signed_and_complete(
    devforge: DevForge, receiver: tuple[str, Received]
) -> None:
    driver, repo, url = hooked_repo(devforge, receiver, "github")
    forge = make_forge(devforge, "github", BOT_TOKEN)
    head = forge.branch_head(repo, branch="main")
    forge.create_branch(repo, branch="change-schema-1", sha=head)
    new = forge.create_file(
        repo, branch="change-schema-1", path="pending.sql", content=b"x", message="plan"
    )

    hooks = received(driver, receiver, url)
    assert [h[0]["x-github-event"] for h in hooks] == ["push", "push"]
    for headers, _, body in hooks:
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["x-hub-signature-256"], f"sha256={digest}")
        assert headers["content-type"] == "application/json"
        assert headers["user-agent"].startswith("GitHub-Hookshot/")
        assert headers["x-github-hook-installation-target-type"] == "repository"
        assert headers["x-github-delivery"] and headers["x-github-hook-id"]
    created, pushed = (h[1] for h in hooks)
    assert (
        created["created"] is True and created["commits"] == [] and created["head_commit"] is None
    )
    assert problems(created, GitHubPushPayload) == problems(pushed, GitHubPushPayload) == []
    assert (pushed["ref"], pushed["before"], pushed["after"]) == (
        "refs/heads/change-schema-1",
        head,
        new,
    )
    assert pushed["head_commit"]["added"] == ["pending.sql"]
    assert pushed["sender"]["login"] == BOT and pushed["pusher"]["name"] == BOT
    assert isinstance(pushed["repository"]["created_at"], int)  # push payload quirk


def test_github_pull_request_lifecycle_review_and_comments(
    devforge: DevForge, receiver: tuple[str, Received]
) -> None:
    driver, repo, url = hooked_repo(devforge, receiver, "github")
    forge = make_forge(devforge, "github", BOT_TOKEN)
    forge.create_branch(repo, branch="change-schema-1", sha=forge.branch_head(repo, branch="main"))
    first = forge.create_file(
        repo, branch="change-schema-1", path="pending.sql", content=b"1", message="m"
    )
    cr = forge.open_change_request(
        repo, source_branch="change-schema-1", target_branch="main", title="t", description="d"
    )
    second = driver.edit_file(
        repo, user="alice", branch="change-schema-1", path="pending.sql", content="2"
    )
    driver.approve(repo, cr.number, user="alice")
    comment_id = driver.comment(repo, cr.number, user="alice", body="/schemagate apply")
    driver.edit_comment(repo, comment_id, user="alice", body="/schemagate plan")
    forge.merge_change_request(repo, cr.number, expected_head=Sha(second), message="m")

    hooks = received(driver, receiver, url)
    pulls = [h[1] for h in of_event(hooks, "x-github-event", "pull_request")]
    assert [p["action"] for p in pulls] == ["opened", "synchronize", "closed"]
    assert all(problems(p, GitHubPullRequestPayload) == [] for p in pulls)
    assert (pulls[1]["before"], pulls[1]["after"]) == (first, second)
    assert pulls[1]["pull_request"]["head"]["sha"] == second
    assert pulls[2]["pull_request"]["merged"] is True

    (review,) = [h[1] for h in of_event(hooks, "x-github-event", "pull_request_review")]
    assert review["action"] == "submitted"
    assert problems(review, GitHubReviewPayload) == []
    assert review["review"]["state"] == "approved"  # lower-case in webhooks
    assert review["review"]["commit_id"] == review["pull_request"]["head"]["sha"] == second

    created, edited = (h[1] for h in of_event(hooks, "x-github-event", "issue_comment"))
    assert (created["action"], edited["action"]) == ("created", "edited")
    assert problems(created, GitHubIssueCommentPayload) == []
    assert problems(edited, GitHubIssueCommentPayload) == []
    assert created["issue"]["number"] == cr.number and "pull_request" in created["issue"]
    assert created["comment"]["user"]["login"] == "alice"
    assert edited["changes"] == {"body": {"from": "/schemagate apply"}}
    assert edited["comment"]["body"] == "/schemagate plan"


def test_github_closing_without_merge_says_merged_false(
    devforge: DevForge, receiver: tuple[str, Received]
) -> None:
    driver, repo, url = hooked_repo(devforge, receiver, "github")
    driver.push(repo, user="alice", branch="feature", files={"x": "1"})
    number = driver.open_change_request(repo, user="alice", source="feature", title="t")
    driver.close(repo, number, user="alice")
    pulls = [
        h[1] for h in of_event(received(driver, receiver, url), "x-github-event", "pull_request")
    ]
    assert [(p["action"], p["pull_request"]["merged"]) for p in pulls] == [
        ("opened", False),
        ("closed", False),
    ]


def test_gitlab_push_carries_the_secret_and_documented_fields(
    devforge: DevForge, receiver: tuple[str, Received]
) -> None:
    driver, repo, url = hooked_repo(devforge, receiver, "gitlab-ce")
    forge = make_forge(devforge, "gitlab-ce", BOT_TOKEN)
    forge.create_branch(repo, branch="change-schema-1", sha=forge.branch_head(repo, branch="main"))
    new = forge.create_file(
        repo, branch="change-schema-1", path="pending.sql", content=b"x", message="plan"
    )

    hooks = received(driver, receiver, url)
    assert [h[0]["x-gitlab-event"] for h in hooks] == ["Push Hook", "Push Hook"]
    for headers, _, _ in hooks:
        assert hmac.compare_digest(headers["x-gitlab-token"], SECRET)
        assert headers["content-type"] == "application/json"
        assert headers["user-agent"].startswith("GitLab/")
        assert headers["x-gitlab-instance"] == devforge.gitlab_url
        for name in ("idempotency-key", "x-gitlab-event-uuid", "x-gitlab-webhook-uuid"):
            assert len(headers[name]) == 36
    push = hooks[1][1]
    assert all(problems(h[1], GitLabPushPayload) == [] for h in hooks)
    assert (push["object_kind"], push["ref"], push["after"], push["checkout_sha"]) == (
        "push",
        "refs/heads/change-schema-1",
        new,
        new,
    )
    assert push["user_username"] == BOT and push["total_commits_count"] == 1
    assert push["project"]["path_with_namespace"] == repo
    assert push["commits"][0]["added"] == ["pending.sql"]


def test_gitlab_merge_request_and_note_hooks(
    devforge: DevForge, receiver: tuple[str, Received]
) -> None:
    driver, repo, url = hooked_repo(devforge, receiver, "gitlab-ce")
    forge = make_forge(devforge, "gitlab-ce", BOT_TOKEN)
    forge.create_branch(repo, branch="change-schema-1", sha=forge.branch_head(repo, branch="main"))
    first = forge.create_file(
        repo, branch="change-schema-1", path="pending.sql", content=b"1", message="m"
    )
    cr = forge.open_change_request(
        repo, source_branch="change-schema-1", target_branch="main", title="t", description="d"
    )
    second = driver.edit_file(
        repo, user="alice", branch="change-schema-1", path="pending.sql", content="2"
    )
    note = driver.comment(repo, cr.number, user="alice", body="/schemagate confirm-drop abc")
    driver.approve(repo, cr.number, user="alice")  # also a system note: no Note Hook for it
    forge.edit_comment(repo, cr.number, forge.post_comment(repo, cr.number, body="a").id, body="b")
    forge.close_change_request(repo, ChangeRequestNumber(cr.number))

    hooks = received(driver, receiver, url)
    mrs = [h[1] for h in of_event(hooks, "x-gitlab-event", "Merge Request Hook")]
    assert [m["object_attributes"]["action"] for m in mrs] == [
        "open",
        "update",
        "approved",
        "close",
    ]
    for mr in mrs:
        assert (mr["object_kind"], mr["event_type"]) == ("merge_request", "merge_request")
        assert problems(mr, GitLabMergeRequestPayload) == []
    assert mrs[1]["object_attributes"]["oldrev"] == first
    assert mrs[1]["object_attributes"]["last_commit"]["id"] == second
    assert mrs[2]["user"]["username"] == "alice"
    assert mrs[3]["object_attributes"]["state"] == "closed"

    notes = [h[1] for h in of_event(hooks, "x-gitlab-event", "Note Hook")]
    assert [n["object_attributes"]["action"] for n in notes] == ["create", "create", "update"]
    first_note = notes[0]
    assert all(problems(n, GitLabNotePayload) == [] for n in notes)
    assert first_note["object_attributes"]["id"] == note
    assert first_note["object_attributes"]["note"] == "/schemagate confirm-drop abc"
    assert first_note["object_attributes"]["noteable_type"] == "MergeRequest"
    assert first_note["object_attributes"]["system"] is False
    assert first_note["merge_request"]["iid"] == cr.number
    assert first_note["merge_request"]["last_commit"]["id"] == second
    assert first_note["user"]["username"] == "alice"


@pytest.mark.parametrize(
    ("edition", "actions"),
    [
        ("ce", ["approved", "approved", "unapproved", "unapproved"]),
        ("ee", ["approval", "approved", "unapproved", "unapproval"]),
    ],
)
def test_gitlab_approval_actions_differ_by_edition(
    devforge: DevForge, receiver: tuple[str, Received], edition: str, actions: list[str]
) -> None:
    driver, repo, url = hooked_repo(devforge, receiver, f"gitlab-{edition}")
    driver.set_approvals_required(repo, 2)
    driver.push(repo, user="alice", branch="feature", files={"x": "1"})
    number = driver.open_change_request(repo, user="alice", source="feature", title="t")
    driver.approve(repo, number, user="carol")
    driver.approve(repo, number, user=BOT)
    driver.unapprove(repo, number, user=BOT)
    driver.unapprove(repo, number, user="carol")
    mrs = [
        h[1]
        for h in of_event(received(driver, receiver, url), "x-gitlab-event", "Merge Request Hook")
    ]
    assert [m["object_attributes"]["action"] for m in mrs][1:] == actions


@pytest.mark.parametrize(
    ("flavor", "id_header"), [("github", "x-github-delivery"), ("gitlab-ce", "x-gitlab-event-uuid")]
)
def test_redelivery_repeats_the_delivery_id_body_and_signature(
    devforge: DevForge, receiver: tuple[str, Received], flavor: str, id_header: str
) -> None:
    driver, repo, url = hooked_repo(devforge, receiver, flavor)
    driver.push(repo, user=BOT, branch="main", files={"schema/003.sql": "-- x\n"})
    (original,) = driver.deliveries()[-1:]
    driver.redeliver(original.id)
    first, again = received(driver, receiver, url)
    assert first[0][id_header] == again[0][id_header] == original.id
    assert first[2] == again[2]
    if flavor == "github":
        assert first[0]["x-hub-signature-256"] == again[0]["x-hub-signature-256"]
    else:
        assert first[0]["idempotency-key"] == again[0]["idempotency-key"]
    assert original.responses == [202]


def test_the_shape_check_looks_into_nested_fields() -> None:
    lacking = {"action": "created", "issue": {"number": 1}, "comment": {}, "sender": {}}
    found = problems(lacking, GitHubIssueCommentPayload)
    assert "$.repository: missing" in found
    assert "$.issue.html_url: missing" in found
    assert "$.comment.body: missing" in found
