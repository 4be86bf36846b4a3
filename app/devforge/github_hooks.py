"""GitHub webhook payloads and headers (FORGE_API.md §3.1 to 3.2, octokit/webhooks schemas).

Events: ``push``, ``pull_request`` (opened, synchronize, edited, closed — merged or not),
``pull_request_review`` (submitted, dismissed), ``issue_comment`` (created, edited). Review
states are lower-case in webhooks (``approved``) though REST says ``APPROVED``.
"""

from __future__ import annotations

import json

from app.devforge.delivery import (
    Delivery,
    Outbox,
    github_legacy_signature,
    github_signature,
    new_uuid,
)
from app.devforge.git import ZERO_SHA, Commit
from app.devforge.github_json import GitHubViews, JsonDict
from app.devforge.model import (
    ChangeRequestEvent,
    CommentEvent,
    Event,
    PushEvent,
    Repository,
    ReviewEvent,
)
from app.devforge.state import Store


class GitHubHooks:
    """Store listener: turns each event into a payload and queues one delivery per hook."""

    def __init__(self, store: Store, origin: str, outbox: Outbox) -> None:
        self.store = store
        self.views = GitHubViews(store, origin, origin)
        self.outbox = outbox

    def __call__(self, event: Event) -> None:
        built = self.payload(event)
        if built is None or not event.repo.hooks:
            return
        name, payload = built
        body = json.dumps(payload, separators=(",", ":")).encode()
        for hook in event.repo.hooks:
            delivery_id = new_uuid()
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "GitHub-Hookshot/devforge",
                "X-GitHub-Event": name,
                "X-GitHub-Delivery": delivery_id,
                "X-GitHub-Hook-ID": str(hook.id),
                "X-GitHub-Hook-Installation-Target-Type": "repository",
                "X-GitHub-Hook-Installation-Target-ID": str(event.repo.id),
            }
            if hook.secret:
                headers["X-Hub-Signature"] = github_legacy_signature(hook.secret, body)
                headers["X-Hub-Signature-256"] = github_signature(hook.secret, body)
            self.outbox.send(Delivery(delivery_id, "github", name, hook.url, headers, body))

    def payload(self, event: Event) -> tuple[str, JsonDict] | None:
        if isinstance(event, PushEvent):
            return "push", self.push(event)
        if isinstance(event, ChangeRequestEvent):
            return "pull_request", self.pull_request(event)
        if isinstance(event, ReviewEvent):
            return "pull_request_review", self.review(event)
        if isinstance(event, CommentEvent):
            return "issue_comment", self.issue_comment(event)
        return None  # approvals are GitLab's

    def _common(self, repo: Repository, actor_id: int) -> JsonDict:
        return {"repository": self.views.repo(repo), "sender": self.views.user_id(actor_id)}

    def push(self, event: PushEvent) -> JsonDict:
        repo = event.repo
        html = f"{self.views.html}/{repo.full_name}"
        repository = self.views.repo(repo) | {
            "url": html,  # push payloads carry the HTML URL and unix times here
            "created_at": int(repo.created_at.timestamp()),
            "pushed_at": int(self.store.now().timestamp()),
        }
        commits = [self._push_commit(repo, c) for c in event.commits]
        return {
            "ref": f"refs/heads/{event.branch}",
            "before": event.before,
            "after": event.after,
            "repository": repository,
            "pusher": {"name": event.pusher.username, "email": event.pusher.email},
            "sender": self.views.user(event.pusher),
            "created": event.before == ZERO_SHA,
            "deleted": event.after == ZERO_SHA,
            "forced": False,
            "base_ref": None,
            "compare": f"{html}/compare/{event.before[:12]}...{event.after[:12]}",
            "commits": commits,
            "head_commit": commits[-1] if commits else None,
        }

    def _push_commit(self, repo: Repository, commit: Commit) -> JsonDict:
        author = self.store.users[commit.author_id]
        person = {"name": author.name, "email": author.email, "username": author.username}
        changes = commit.changes.items()
        return {
            "id": commit.sha,
            "tree_id": self.views.git_commit(repo, commit)["tree"]["sha"],
            "distinct": True,
            "message": commit.message,
            "timestamp": commit.timestamp.isoformat(timespec="seconds"),
            "url": f"{self.views.html}/{repo.full_name}/commit/{commit.sha}",
            "author": person,
            "committer": person,
            "added": sorted(p for p, kind in changes if kind == "added"),
            "removed": sorted(p for p, kind in changes if kind == "removed"),
            "modified": sorted(p for p, kind in changes if kind == "modified"),
        }

    def pull_request(self, event: ChangeRequestEvent) -> JsonDict:
        action = "closed" if event.action == "merged" else event.action
        payload: JsonDict = {
            "action": action,
            "number": event.cr.number,
            "pull_request": self.views.pull(event.repo, event.cr),
            **self._common(event.repo, event.actor.id),
        }
        if event.action == "synchronize":
            payload |= {"before": event.before, "after": event.cr.head_sha}
        if event.changes:
            payload["changes"] = {field: {"from": old} for field, old, _ in event.changes}
        return payload

    def review(self, event: ReviewEvent) -> JsonDict:
        review = self.views.review(event.repo, event.cr, event.review)
        review["state"] = event.review.state.lower()
        action = "dismissed" if event.review.state == "DISMISSED" else "submitted"
        return {
            "action": action,
            "review": review,
            "pull_request": self.views.pull(event.repo, event.cr, simple=True),
            **self._common(event.repo, event.actor.id),
        }

    def issue_comment(self, event: CommentEvent) -> JsonDict:
        payload: JsonDict = {
            "action": event.action,
            "issue": self.views.issue(event.repo, event.cr),
            "comment": self.views.comment(event.repo, event.note),
            **self._common(event.repo, event.actor.id),
        }
        if event.action == "edited":
            payload["changes"] = {"body": {"from": event.previous_body}}
        return payload
