"""GitLab webhook payloads and headers (FORGE_API.md §3.3 to 3.4, GitLab's webhook_events.md).

Events: ``Push Hook``, ``Merge Request Hook`` (actions open, update — with ``oldrev`` when
commits were pushed — close, merge, and the approval actions), ``Note Hook`` (create, update;
never for system notes). Approval actions depend on the edition: CE always says ``approved`` /
``unapproved``; EE says ``approval`` / ``unapproval`` unless the approval state flips.
"""

from __future__ import annotations

import json
from datetime import datetime

from app.devforge.delivery import Delivery, Outbox, new_uuid
from app.devforge.git import ZERO_SHA, Commit
from app.devforge.gitlab_json import GitLabViews, JsonDict
from app.devforge.model import (
    ApprovalEvent,
    ChangeRequest,
    ChangeRequestEvent,
    CommentEvent,
    Event,
    FakeUser,
    PushEvent,
    Repository,
)
from app.devforge.state import Store

_MR_ACTIONS = {
    "opened": "open",
    "synchronize": "update",
    "edited": "update",
    "closed": "close",
    "merged": "merge",
}
_STATE_IDS = {"open": 1, "closed": 2, "merged": 3}
_VERSION = "17.6.0"


def hook_time(moment: datetime | None) -> str | None:
    """Hook payload times: ``2015-05-17 18:21:36 UTC``."""
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


class GitLabHooks:
    """Store listener: turns each event into a payload and queues one delivery per hook."""

    def __init__(self, store: Store, origin: str, outbox: Outbox) -> None:
        self.store = store
        self.origin = origin
        self.views = GitLabViews(store, origin)
        self.outbox = outbox

    def __call__(self, event: Event) -> None:
        built = self.payload(event)
        if built is None or not event.repo.hooks:
            return
        name, payload = built
        body = json.dumps(payload, separators=(",", ":")).encode()
        edition = "-ee" if self.store.edition == "ee" else ""
        for hook in event.repo.hooks:
            event_uuid = new_uuid()
            headers = {
                "Content-Type": "application/json",
                "User-Agent": f"GitLab/{_VERSION}{edition}",
                "Idempotency-Key": new_uuid(),
                "X-Gitlab-Event": name,
                "X-Gitlab-Webhook-UUID": new_uuid(),
                "X-Gitlab-Instance": self.origin,
                "X-Gitlab-Event-UUID": event_uuid,
            }
            if hook.secret:
                headers["X-Gitlab-Token"] = hook.secret
            self.outbox.send(Delivery(event_uuid, "gitlab", name, hook.url, headers, body))

    def payload(self, event: Event) -> tuple[str, JsonDict] | None:
        if isinstance(event, PushEvent):
            return "Push Hook", self.push(event)
        if isinstance(event, ChangeRequestEvent):
            return "Merge Request Hook", self.merge_request(event)
        if isinstance(event, ApprovalEvent):
            return "Merge Request Hook", self.approval(event)
        if isinstance(event, CommentEvent) and not event.note.system:
            return "Note Hook", self.note(event)
        return None

    def _user(self, user: FakeUser) -> JsonDict:
        avatar = self.views.user(user)["avatar_url"]
        return {
            "id": user.id,
            "name": user.name,
            "username": user.username,
            "avatar_url": avatar,
            "email": "[REDACTED]",
        }

    def project(self, repo: Repository) -> JsonDict:
        rest = self.views.project(repo)
        return {
            "id": repo.id,
            "name": repo.name,
            "description": None,
            "web_url": rest["web_url"],
            "avatar_url": None,
            "git_ssh_url": rest["ssh_url_to_repo"],
            "git_http_url": rest["http_url_to_repo"],
            "namespace": rest["namespace"]["name"],
            "visibility_level": 0,
            "path_with_namespace": repo.full_name,
            "default_branch": repo.default_branch,
            "ci_config_path": None,
            "homepage": rest["web_url"],
            "url": rest["ssh_url_to_repo"],
            "ssh_url": rest["ssh_url_to_repo"],
            "http_url": rest["http_url_to_repo"],
        }

    def repository(self, repo: Repository) -> JsonDict:
        project = self.project(repo)
        return {
            "name": repo.name,
            "url": project["url"],
            "description": None,
            "homepage": project["homepage"],
            "git_http_url": project["git_http_url"],
            "git_ssh_url": project["git_ssh_url"],
            "visibility_level": 0,
        }

    def _commit(self, repo: Repository, commit: Commit) -> JsonDict:
        author = self.store.users[commit.author_id]
        changes = commit.changes.items()
        return {
            "id": commit.sha,
            "message": commit.message,
            "title": commit.title,
            "timestamp": commit.timestamp.isoformat(timespec="seconds"),
            "url": f"{self.views.project(repo)['web_url']}/-/commit/{commit.sha}",
            "author": {"name": author.name, "email": author.email},
            "added": sorted(p for p, kind in changes if kind == "added"),
            "modified": sorted(p for p, kind in changes if kind == "modified"),
            "removed": sorted(p for p, kind in changes if kind == "removed"),
        }

    def push(self, event: PushEvent) -> JsonDict:
        repo, user = event.repo, event.pusher
        return {
            "object_kind": "push",
            "event_name": "push",
            "before": event.before,
            "after": event.after,
            "ref": f"refs/heads/{event.branch}",
            "ref_protected": event.branch == repo.default_branch,
            "checkout_sha": None if event.after == ZERO_SHA else event.after,
            "message": None,
            "user_id": user.id,
            "user_name": user.name,
            "user_username": user.username,
            "user_email": "[REDACTED]",
            "user_avatar": self._user(user)["avatar_url"],
            "project_id": repo.id,
            "project": self.project(repo),
            "commits": [self._commit(repo, c) for c in event.commits[-20:]],
            "total_commits_count": len(event.commits),
            "push_options": {},
            "repository": self.repository(repo),
        }

    def _mr_attributes(self, repo: Repository, cr: ChangeRequest) -> JsonDict:
        rest = self.views.merge_request(repo, cr)
        head = self.store.commits[cr.head_sha]
        return {
            "id": cr.id,
            "iid": cr.number,
            "target_branch": cr.target,
            "source_branch": cr.source,
            "source_project_id": repo.id,
            "target_project_id": repo.id,
            "author_id": cr.author_id,
            "assignee_id": None,
            "assignee_ids": [],
            "reviewer_ids": [],
            "title": cr.title,
            "description": cr.body,
            "created_at": hook_time(cr.created_at),
            "updated_at": hook_time(cr.updated_at),
            "last_edited_at": None,
            "last_edited_by_id": None,
            "milestone_id": None,
            "state_id": _STATE_IDS[cr.state],
            "state": rest["state"],
            "blocking_discussions_resolved": True,
            "work_in_progress": False,
            "draft": False,
            "first_contribution": False,
            "merge_status": rest["merge_status"],
            "detailed_merge_status": rest["detailed_merge_status"],
            "merge_commit_sha": cr.merge_commit_sha,
            "merge_when_pipeline_succeeds": False,
            "head_pipeline_id": None,
            "url": rest["web_url"],
            "source": self.project(repo),
            "target": self.project(repo),
            "last_commit": self._commit(repo, head),
            "labels": [],
            "time_estimate": 0,
            "total_time_spent": 0,
            "time_change": 0,
            "human_time_estimate": None,
            "human_total_time_spent": None,
            "human_time_change": None,
            "prepared_at": hook_time(cr.created_at),
        }

    def _mr_payload(
        self, repo: Repository, cr: ChangeRequest, actor: FakeUser, action: str
    ) -> JsonDict:
        return {
            "object_kind": "merge_request",
            "event_type": "merge_request",
            "user": self._user(actor),
            "project": self.project(repo),
            "object_attributes": self._mr_attributes(repo, cr) | {"action": action},
            "labels": [],
            "changes": {},
            "repository": self.repository(repo),
            "assignees": [],
            "reviewers": [],
        }

    def merge_request(self, event: ChangeRequestEvent) -> JsonDict:
        payload = self._mr_payload(event.repo, event.cr, event.actor, _MR_ACTIONS[event.action])
        if event.action == "synchronize":
            payload["object_attributes"]["oldrev"] = event.before
        names = {"body": "description", "title": "title"}
        payload["changes"] = {
            names[field]: {"previous": old, "current": new} for field, old, new in event.changes
        }
        return payload

    def approval(self, event: ApprovalEvent) -> JsonDict:
        required = event.repo.approvals_required
        if self.store.edition == "ce":
            action = "approved" if event.approved else "unapproved"
        elif event.approved:
            action = "approved" if event.count_after >= required else "approval"
        else:
            flipped = event.count_before >= required > event.count_after
            action = "unapproved" if flipped else "unapproval"
        return self._mr_payload(event.repo, event.cr, event.actor, action)

    def note(self, event: CommentEvent) -> JsonDict:
        repo, cr, note = event.repo, event.cr, event.note
        mr_url = self.views.merge_request(repo, cr)["web_url"]
        merge_request = self._mr_attributes(repo, cr)
        for hook_only in ("action", "oldrev"):
            merge_request.pop(hook_only, None)
        return {
            "object_kind": "note",
            "event_type": "note",
            "user": self._user(event.actor),
            "project_id": repo.id,
            "project": self.project(repo),
            "object_attributes": {
                "id": note.id,
                "note": note.body,
                "noteable_type": "MergeRequest",
                "author_id": note.author_id,
                "created_at": hook_time(note.created_at),
                "updated_at": hook_time(note.updated_at),
                "project_id": repo.id,
                "attachment": None,
                "line_code": None,
                "commit_id": "",
                "noteable_id": cr.id,
                "system": note.system,
                "st_diff": None,
                "type": None,
                "confidential": False,
                "internal": False,
                "action": "create" if event.action == "created" else "update",
                "url": f"{mr_url}#note_{note.id}",
            },
            "repository": self.repository(repo),
            "merge_request": merge_request,
        }
