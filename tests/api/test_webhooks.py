"""Webhook intake over real HTTP: authenticity, limits, relevance, dedupe, hand-over."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator

import pytest

from app.store.types import DeliveryStatus
from tests.api.conftest import (
    BOT,
    GITLAB_SECRET,
    Api,
    encode,
    github_headers,
    github_push,
)


@pytest.mark.smoke
def test_a_bad_or_missing_signature_is_refused_and_nothing_is_stored(api: Api) -> None:
    body = encode(github_push())
    forged = github_headers(body, secret="not-the-secret")
    assert api.client.post("/webhooks/github", content=body, headers=forged).status_code == 401
    unsigned = {k: v for k, v in github_headers(body).items() if k != "X-Hub-Signature-256"}
    assert api.client.post("/webhooks/github", content=body, headers=unsigned).status_code == 401
    tampered = github_headers(body)
    answer = api.client.post("/webhooks/github", content=body + b" ", headers=tampered)
    assert answer.status_code == 401
    wrong_token = {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "guess", "Idempotency-Key": "k"}
    assert (
        api.client.post("/webhooks/gitlab", content=b"{}", headers=wrong_token).status_code == 401
    )
    assert api.rows() == []


@pytest.mark.smoke
def test_an_accepted_delivery_is_stored_then_handed_to_the_broker(api: Api) -> None:
    body = encode(github_push())
    answer = api.client.post("/webhooks/github", content=body, headers=github_headers(body))
    assert (answer.status_code, answer.text) == (202, "accepted")
    (row,) = api.rows()
    assert (row.forge, row.delivery_id, row.event, row.repository) == (
        "github",
        "d-1",
        "push",
        "acme/shop",
    )
    assert json.loads(row.payload) == github_push()
    api.wait_for(lambda: api.rows()[0].status is DeliveryStatus.ENQUEUED)
    assert api.queued() == [row.id]
    assert api.rows()[0].attempts == 1


def test_a_repeated_delivery_is_answered_but_enqueued_once(api: Api) -> None:
    body = encode(github_push())
    first = api.client.post("/webhooks/github", content=body, headers=github_headers(body))
    again = api.client.post("/webhooks/github", content=body, headers=github_headers(body))
    assert (first.status_code, again.status_code, again.text) == (202, 200, "duplicate")
    api.wait_for(lambda: api.rows()[0].status is DeliveryStatus.ENQUEUED)
    assert api.queued() == [api.rows()[0].id]


def test_gitlab_dedupes_on_idempotency_key_else_on_the_event_uuid(api: Api) -> None:
    payload = {
        "object_kind": "push",
        "ref": "refs/heads/main",
        "after": "b" * 40,
        "user_username": "alice",
        "project": {"path_with_namespace": "acme/billing", "default_branch": "main"},
    }
    body = encode(payload)
    keyed = {
        "X-Gitlab-Event": "Push Hook",
        "X-Gitlab-Token": GITLAB_SECRET,
        "Idempotency-Key": "key-1",
        "X-Gitlab-Event-UUID": "uuid-1",
    }
    retried = {**keyed, "X-Gitlab-Event-UUID": "uuid-2"}  # a retry keeps the key
    legacy = {k: v for k, v in keyed.items() if k != "Idempotency-Key"}
    codes = [
        api.client.post("/webhooks/gitlab", content=body, headers=h).status_code
        for h in (keyed, retried, legacy, legacy)
    ]
    assert codes == [202, 200, 202, 200]
    assert [r.delivery_id for r in api.rows()] == ["key-1", "uuid-1"]


def test_too_large_bodies_are_refused_declared_or_not(api: Api) -> None:
    limit = api.services.settings.webhook_body_limit_bytes
    big = b"x" * (limit + 1)
    declared = api.client.post("/webhooks/github", content=big, headers=github_headers(big))
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(limit // 65536 + 2):
            yield b"y" * 65536

    streamed = api.client.post(
        "/webhooks/github", content=chunks(), headers={"X-GitHub-Event": "push"}
    )
    assert streamed.status_code == 413
    assert api.rows() == []


def test_malformed_json_or_payload_is_a_400(api: Api) -> None:
    for body in (b"{not json", b"\xff\xfe", encode({"ref": "refs/heads/main"})):
        answer = api.client.post("/webhooks/github", content=body, headers=github_headers(body))
        assert answer.status_code == 400, body
    assert api.rows() == []


def _post_github(api: Api, payload: object, event: str, delivery: str) -> tuple[int, str]:
    body = encode(payload)
    answer = api.client.post(
        "/webhooks/github",
        content=body,
        headers=github_headers(body, event=event, delivery=delivery),
    )
    return answer.status_code, answer.text


def test_irrelevant_events_are_ignored_with_a_reason_and_not_enqueued(api: Api) -> None:
    comment_on_issue = {
        "action": "created",
        "issue": {"number": 1},
        "comment": {"body": "hi"},
        "repository": {"full_name": "acme/shop"},
        "sender": {"login": "alice"},
    }
    other_pr = {
        "action": "opened",
        "pull_request": {"head": {"ref": "feature-x"}},
        "repository": {"full_name": "acme/shop"},
        "sender": {"login": "alice"},
    }
    cases = {
        "feature": (github_push(ref="refs/heads/feature"), "push", "a push to feature"),
        "tag": (github_push(ref="refs/tags/v1"), "push", "a push to refs/tags/v1, not to a branch"),
        "deleted": (github_push(deleted=True), "push", "a branch was deleted"),
        "unknown": (
            github_push(repository="evil/repo"),
            "push",
            "repository evil/repo is not configured",
        ),
        "issue": (
            comment_on_issue,
            "issue_comment",
            "a comment on an issue, not on a pull request",
        ),
        "other-pr": (other_pr, "pull_request", "branch feature-x is not a change-schema- branch"),
        "star": ({"repository": {"full_name": "acme/shop"}}, "star", "event star is not used"),
    }
    for delivery, (payload, event, reason) in cases.items():
        status, text = _post_github(api, payload, event, delivery)
        assert status == 200 and text.startswith(f"ignored: {reason}"), (delivery, text)
    assert {r.status for r in api.rows()} == {DeliveryStatus.IGNORED}
    assert api.queued() == []


def test_relevant_events_are_accepted(api: Api) -> None:
    review = {
        "action": "submitted",
        "review": {"state": "approved"},
        "pull_request": {"head": {"ref": "change-schema-20260101000000"}},
        "repository": {"full_name": "acme/shop"},
        "sender": {"login": "alice"},
    }
    comment = {
        "action": "created",
        "issue": {"number": 3, "pull_request": {"url": "u"}},
        "comment": {"body": "/schemagate plan"},
        "repository": {"full_name": "acme/shop"},
        "sender": {"login": "alice"},
    }
    assert _post_github(api, review, "pull_request_review", "r")[0] == 202
    assert _post_github(api, comment, "issue_comment", "c")[0] == 202
    branch_push = github_push(ref="refs/heads/change-schema-20260101000000")
    assert _post_github(api, branch_push, "push", "p")[0] == 202


def test_schemagates_own_pushes_and_comments_are_ignored(api: Api) -> None:
    status, text = _post_github(api, github_push(sender=BOT), "push", "own-push")
    assert (status, text) == (200, "ignored: push by schemagate itself")
    note = {
        "object_kind": "note",
        "user": {"username": BOT},
        "project": {"path_with_namespace": "acme/billing", "default_branch": "main"},
        "object_attributes": {"noteable_type": "MergeRequest", "note": "plan", "system": False},
    }
    headers = {
        "X-Gitlab-Event": "Note Hook",
        "X-Gitlab-Token": GITLAB_SECRET,
        "Idempotency-Key": "n",
    }
    answer = api.client.post("/webhooks/gitlab", content=encode(note), headers=headers)
    assert (answer.status_code, answer.text) == (200, "ignored: Note Hook by schemagate itself")
    assert api.queued() == []


def test_the_signature_is_checked_on_the_raw_bytes(api: Api) -> None:
    body = json.dumps(github_push(), indent=3).encode()  # same JSON, other bytes
    signature = "sha256=" + hmac.new(b"github-hook-secret-0123", body, hashlib.sha256).hexdigest()
    headers = {**github_headers(encode(github_push())), "X-Hub-Signature-256": signature}
    assert api.client.post("/webhooks/github", content=body, headers=headers).status_code == 202
