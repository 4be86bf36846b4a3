"""GitLab REST v4 representations of the fake's records (entities of ``lib/api/entities``;
field lists in FORGE_API.md §2.3). ``api`` is ``<origin>/api/v4``; web URLs live at the origin.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.devforge.git import Commit
from app.devforge.model import ChangeRequest, FakeUser, Note, Repository, Status, Version
from app.devforge.state import Store

JsonDict = dict[str, Any]
_MR_STATES = {"open": "opened", "closed": "closed", "merged": "merged"}


def timestamp(moment: datetime | None) -> str | None:
    """GitLab REST times: ``2024-01-01T10:00:00.123Z``."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class GitLabViews:
    store: Store
    web: str

    def user(self, user: FakeUser) -> JsonDict:
        return {
            "id": user.id,
            "username": user.username,
            "name": user.name,
            "state": "active",
            "locked": False,
            "avatar_url": f"{self.web}/uploads/-/system/user/avatar/{user.id}/avatar.png",
            "web_url": f"{self.web}/{user.username}",
        }

    def user_id(self, user_id: int) -> JsonDict:
        return self.user(self.store.users[user_id])

    def namespace(self, repo: Repository) -> JsonDict:
        nid = sum(repo.owner.encode()) + 1_000_000
        return {
            "id": nid,
            "name": repo.owner.rsplit("/", 1)[-1],
            "path": repo.owner.rsplit("/", 1)[-1],
            "kind": "group",
            "full_path": repo.owner,
            "parent_id": None,
            "avatar_url": None,
            "web_url": f"{self.web}/groups/{repo.owner}",
        }

    def project(self, repo: Repository) -> JsonDict:
        web_url = f"{self.web}/{repo.full_name}"
        data: JsonDict = {
            "id": repo.id,
            "description": None,
            "name": repo.name,
            "name_with_namespace": repo.full_name.replace("/", " / "),
            "path": repo.name,
            "path_with_namespace": repo.full_name,
            "created_at": timestamp(repo.created_at),
            "default_branch": repo.default_branch,
            "tag_list": [],
            "topics": [],
            "ssh_url_to_repo": f"git@{self.web.split('://', 1)[1]}:{repo.full_name}.git",
            "http_url_to_repo": f"{web_url}.git",
            "web_url": web_url,
            "readme_url": None,
            "avatar_url": None,
            "last_activity_at": timestamp(repo.created_at),
            "namespace": self.namespace(repo),
            "visibility": "private",
            "empty_repo": False,
            "archived": False,
            "merge_method": "merge",
            "only_allow_merge_if_pipeline_succeeds": False,
            "remove_source_branch_after_merge": True,
        }
        if self.store.edition == "ee":
            data["approvals_before_merge"] = repo.approvals_required
        return data

    def commit(self, repo: Repository, commit: Commit) -> JsonDict:
        author = self.store.users[commit.author_id]
        when = timestamp(commit.timestamp)
        return {
            "id": commit.sha,
            "short_id": commit.sha[:8],
            "created_at": when,
            "parent_ids": list(commit.parents),
            "title": commit.title,
            "message": commit.message,
            "author_name": author.name,
            "author_email": author.email,
            "authored_date": when,
            "committer_name": author.name,
            "committer_email": author.email,
            "committed_date": when,
            "trailers": {},
            "web_url": f"{self.web}/{repo.full_name}/-/commit/{commit.sha}",
            "project_id": repo.id,
            "status": None,
            "last_pipeline": None,
        }

    def branch(self, repo: Repository, name: str) -> JsonDict:
        protected = name == repo.default_branch
        return {
            "name": name,
            "merged": False,
            "protected": protected,
            "default": protected,
            "developers_can_push": not protected,
            "developers_can_merge": not protected,
            "can_push": True,
            "web_url": f"{self.web}/{repo.full_name}/-/tree/{name}",
            "commit": self.commit(repo, self.store.commits[repo.branches[name]]),
        }

    def file(self, repo: Repository, path: str, ref: str, commit: Commit) -> JsonDict:
        blob = commit.tree[path]
        data = self.store.blobs[blob]
        return {
            "file_name": path.rsplit("/", 1)[-1],
            "file_path": path,
            "size": len(data),
            "encoding": "base64",
            "content_sha256": hashlib.sha256(data).hexdigest(),
            "ref": ref,
            "blob_id": blob,
            "commit_id": commit.sha,
            "last_commit_id": self._last_commit_touching(commit, path),
            "execute_filemode": False,
            "content": base64.b64encode(data).decode(),
        }

    def _last_commit_touching(self, commit: Commit, path: str) -> str:
        current = commit
        while current.parents:
            parent = self.store.commits[current.parents[0]]
            if parent.tree.get(path) != current.tree.get(path):
                return current.sha
            current = parent
        return current.sha

    def merge_request(self, repo: Repository, cr: ChangeRequest) -> JsonDict:
        mergeable = self.store.mergeable(repo, cr) if cr.state == "open" else False
        detailed = "not_open" if cr.state != "open" else ("mergeable" if mergeable else "conflict")
        closer = self.user_id(cr.closed_by) if cr.closed_by else None
        return {
            "id": cr.id,
            "iid": cr.number,
            "project_id": repo.id,
            "title": cr.title,
            "description": cr.body,
            "state": _MR_STATES[cr.state],
            "created_at": timestamp(cr.created_at),
            "updated_at": timestamp(cr.updated_at),
            "merged_by": closer if cr.state == "merged" else None,
            "merge_user": closer if cr.state == "merged" else None,
            "merged_at": timestamp(cr.merged_at),
            "closed_by": closer if cr.state == "closed" else None,
            "closed_at": timestamp(cr.closed_at) if cr.state == "closed" else None,
            "target_branch": cr.target,
            "source_branch": cr.source,
            "user_notes_count": sum(1 for n in repo.notes.values() if n.number == cr.number),
            "upvotes": 0,
            "downvotes": 0,
            "author": self.user_id(cr.author_id),
            "assignees": [],
            "assignee": None,
            "reviewers": [],
            "source_project_id": repo.id,
            "target_project_id": repo.id,
            "labels": [],
            "draft": False,
            "work_in_progress": False,
            "milestone": None,
            "merge_when_pipeline_succeeds": False,
            "merge_status": "can_be_merged" if mergeable else "cannot_be_merged",
            "detailed_merge_status": detailed,
            "sha": cr.head_sha,
            "merge_commit_sha": cr.merge_commit_sha,
            "squash_commit_sha": None,
            "discussion_locked": None,
            "should_remove_source_branch": None,
            "force_remove_source_branch": False,
            "reference": f"!{cr.number}",
            "references": {
                "short": f"!{cr.number}",
                "relative": f"!{cr.number}",
                "full": f"{repo.full_name}!{cr.number}",
            },
            "web_url": f"{self.web}/{repo.full_name}/-/merge_requests/{cr.number}",
            "squash": False,
            "has_conflicts": not mergeable and cr.state == "open",
            "blocking_discussions_resolved": True,
            "diff_refs": {
                "base_sha": cr.base_sha,
                "head_sha": cr.head_sha,
                "start_sha": cr.base_sha,
            },
        }

    def note(self, repo: Repository, cr: ChangeRequest, note: Note) -> JsonDict:
        return {
            "id": note.id,
            "type": None,
            "body": note.body,
            "attachment": None,
            "author": self.user_id(note.author_id),
            "created_at": timestamp(note.created_at),
            "updated_at": timestamp(note.updated_at),
            "system": note.system,
            "noteable_id": cr.id,
            "noteable_type": "MergeRequest",
            "project_id": repo.id,
            "resolvable": False,
            "confidential": False,
            "internal": False,
            "noteable_iid": cr.number,
            "commands_changes": {},
        }

    def approvals(self, repo: Repository, cr: ChangeRequest, viewer: FakeUser) -> JsonDict:
        """CE's MergeRequestApprovals entity, or EE's ApprovalState-based one."""
        approved_by = [
            {"user": self.user_id(a.user_id), "approved_at": timestamp(a.approved_at)}
            for a in cr.approvals.values()
        ]
        data: JsonDict = {
            "user_has_approved": viewer.id in cr.approvals,
            "user_can_approve": viewer.id not in cr.approvals and viewer.id != cr.author_id,
            "approved": bool(cr.approvals),
            "approved_by": approved_by,
        }
        if self.store.edition == "ce":
            return data
        left = max(repo.approvals_required - len(cr.approvals), 0)
        return data | {
            "id": cr.id,
            "iid": cr.number,
            "project_id": repo.id,
            "title": cr.title,
            "description": cr.body,
            "state": _MR_STATES[cr.state],
            "created_at": timestamp(cr.created_at),
            "updated_at": timestamp(cr.updated_at),
            "merge_status": "can_be_merged",
            "approved": left == 0,
            "approvals_required": repo.approvals_required,
            "approvals_left": left,
            "require_password_to_approve": False,
            "suggested_approvers": [],
            "approvers": [],
            "approver_groups": [],
            "approval_rules_left": [],
            "has_approval_rules": True,
            "merge_request_approvers_available": True,
            "multiple_approval_rules_available": True,
            "invalid_approvers_rules": [],
        }

    def approval_state(self, repo: Repository, cr: ChangeRequest) -> JsonDict:
        """EE only: the rules view (one "All Members" any-approver rule)."""
        approvers = [self.user_id(a.user_id) for a in cr.approvals.values()]
        rule = {
            "id": repo.id,
            "name": "All Members",
            "rule_type": "any_approver",
            "eligible_approvers": [],
            "approvals_required": repo.approvals_required,
            "users": [],
            "groups": [],
            "contains_hidden_groups": False,
            "approved_by": approvers,
            "source_rule": None,
            "approved": len(approvers) >= repo.approvals_required,
            "overridden": False,
        }
        return {"approval_rules_overwritten": False, "rules": [rule]}

    def version(self, cr: ChangeRequest, version: Version) -> JsonDict:
        return {
            "id": version.id,
            "head_commit_sha": version.head_sha,
            "base_commit_sha": version.base_sha,
            "start_commit_sha": version.base_sha,
            "created_at": timestamp(version.created_at),
            "merge_request_id": cr.id,
            "state": "collected",
            "real_size": "1",
            "patch_id_sha": version.head_sha,
        }

    def status(self, status: Status) -> JsonDict:
        when = timestamp(status.created_at)
        return {
            "id": status.id,
            "sha": status.sha,
            "ref": status.ref,
            "status": status.state,
            "name": status.context,
            "target_url": status.target_url,
            "description": status.description,
            "created_at": when,
            "started_at": when if status.state != "pending" else None,
            "finished_at": when if status.state in ("success", "failed", "canceled") else None,
            "allow_failure": False,
            "coverage": None,
            "author": self.user_id(status.creator_id),
        }

    def member(self, user: FakeUser, access_level: int, since: datetime) -> JsonDict:
        return self.user(user) | {
            "access_level": access_level,
            "created_at": timestamp(since),
            "expires_at": None,
            "membership_state": "active",
        }
