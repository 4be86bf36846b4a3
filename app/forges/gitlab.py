"""GitLab (gitlab.com or self-managed, Community or Enterprise Edition) behind the Forge
protocol, through python-gitlab.

Projects are addressed by their full path with ``lazy=True`` (no request until a child call),
every list is read with ``get_all=True`` (python-gitlab reads one page otherwise, FORGE_API.md
§2.4), and file changes go through the Commits API because it answers with the new commit.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import gitlab
import requests
from gitlab.base import RESTObject
from gitlab.v4.objects import Project, ProjectMergeRequest

from app.config import GitLabSettings
from app.errors import ForgeError
from app.forges.base import (
    Approval,
    ChangeRequest,
    ChangeRequestNumber,
    ChangeRequestState,
    Comment,
    CommentId,
    CommitStatus,
    FileContent,
    FileEntry,
    ForgeKind,
    Permission,
    Repo,
    Sha,
    StatusState,
    User,
)
from app.redact import redact

_MR_STATES = {
    "opened": ChangeRequestState.OPEN,
    "locked": ChangeRequestState.OPEN,
    "closed": ChangeRequestState.CLOSED,
    "merged": ChangeRequestState.MERGED,
}
_STATUS_STATES = {
    StatusState.PENDING: "pending",
    StatusState.SUCCESS: "success",
    StatusState.FAILURE: "failed",
    StatusState.ERROR: "failed",
}
_TIMEOUT_SECONDS = 30
_PER_PAGE = 100


class GitLabForge:
    """A GitLab account (personal, project or group access token).

    ``throttle=False`` turns off python-gitlab's retries of transient server errors, which only
    tests against the local fake forge want; the service retries them.
    """

    def __init__(self, *, url: str, token: str, throttle: bool = True) -> None:
        self._token = token
        self._gl = gitlab.Gitlab(
            url.rstrip("/"),
            private_token=token,
            timeout=_TIMEOUT_SECONDS,
            per_page=_PER_PAGE,
            retry_transient_errors=throttle,
        )

    @classmethod
    def from_settings(cls, settings: GitLabSettings, *, throttle: bool = True) -> GitLabForge:
        return cls(url=settings.url, token=settings.token.get_secret_value(), throttle=throttle)

    @property
    def kind(self) -> ForgeKind:
        return ForgeKind.GITLAB

    @contextmanager
    def _api(self, operation: str) -> Iterator[None]:
        """Turn whatever python-gitlab or the transport raises into a ForgeError."""
        try:
            yield
        except gitlab.GitlabError as exc:
            message = redact(str(exc.error_message), (self._token,))
            raise ForgeError(
                forge="gitlab", operation=operation, status=exc.response_code, message=message
            ) from exc
        except requests.RequestException as exc:
            message = redact(f"{type(exc).__name__}: {exc}", (self._token,))
            raise ForgeError(
                forge="gitlab", operation=operation, status=None, message=message
            ) from exc

    def _project(self, repo: str) -> Project:
        return self._gl.projects.get(repo, lazy=True)

    def _mr(self, repo: str, number: ChangeRequestNumber) -> ProjectMergeRequest:
        return self._project(repo).mergerequests.get(number, lazy=True)

    def whoami(self) -> User:
        with self._api("read the authenticated user"):
            self._gl.auth()
            me = self._gl.user
            assert me is not None  # auth() sets it or raises
            return User(username=me.username, id=me.id)

    def get_repo(self, repo: str) -> Repo:
        with self._api(f"read project {repo}"):
            p = self._gl.projects.get(repo)
            return Repo(
                full_name=p.path_with_namespace, default_branch=p.default_branch, web_url=p.web_url
            )

    def branch_head(self, repo: str, *, branch: str) -> Sha:
        with self._api(f"read branch {branch} of {repo}"):
            return Sha(self._project(repo).branches.get(branch).commit["id"])

    def list_directory(self, repo: str, *, path: str, ref: str) -> list[FileEntry]:
        with self._api(f"list {path} at {ref} in {repo}"):
            try:
                tree = self._project(repo).repository_tree(path=path, ref=ref, get_all=True)
            except gitlab.GitlabGetError as exc:
                if _is_missing(exc, "Tree"):
                    return []
                raise
            return sorted(
                (
                    FileEntry(path=item["path"], name=item["name"], blob_sha=Sha(item["id"]))
                    for item in tree
                    if item["type"] == "blob"
                ),
                key=lambda e: e.path,
            )

    def read_file(self, repo: str, *, path: str, ref: str) -> FileContent | None:
        with self._api(f"read {path} at {ref} in {repo}"):
            try:
                found = self._project(repo).files.get(file_path=path, ref=ref)
            except gitlab.GitlabGetError as exc:
                if _is_missing(exc, "File"):
                    return None
                raise
            return FileContent(path=path, content=found.decode(), blob_sha=Sha(found.blob_id))

    def create_branch(self, repo: str, *, branch: str, sha: Sha) -> None:
        with self._api(f"create branch {branch} at {sha[:12]} in {repo}"):
            self._project(repo).branches.create({"branch": branch, "ref": sha})

    def _commit(self, repo: str, *, branch: str, message: str, action: dict[str, str]) -> Sha:
        commit = self._project(repo).commits.create(
            {"branch": branch, "commit_message": message, "actions": [action]}
        )
        return Sha(commit.id)

    def create_file(
        self, repo: str, *, branch: str, path: str, content: bytes, message: str
    ) -> Sha:
        with self._api(f"create {path} on {branch} in {repo}"):
            action = _file_action("create", path, content)
            return self._commit(repo, branch=branch, message=message, action=action)

    def update_file(
        self, repo: str, *, branch: str, path: str, content: bytes, message: str
    ) -> Sha:
        with self._api(f"update {path} on {branch} in {repo}"):
            action = _file_action("update", path, content)
            return self._commit(repo, branch=branch, message=message, action=action)

    def delete_file(self, repo: str, *, branch: str, path: str, message: str) -> Sha:
        with self._api(f"delete {path} on {branch} in {repo}"):
            action = {"action": "delete", "file_path": path}
            return self._commit(repo, branch=branch, message=message, action=action)

    def open_change_request(
        self, repo: str, *, source_branch: str, target_branch: str, title: str, description: str
    ) -> ChangeRequest:
        with self._api(f"open a merge request {source_branch} → {target_branch} in {repo}"):
            mr = self._project(repo).mergerequests.create(
                {
                    "source_branch": source_branch,
                    "target_branch": target_branch,
                    "title": title,
                    "description": description,
                }
            )
            return _change_request(mr.attributes)

    def find_open_change_request(
        self, repo: str, *, branch_prefix: str, author: str
    ) -> ChangeRequest | None:
        with self._api(f"list open merge requests of {repo}"):
            candidates = self._project(repo).mergerequests.list(
                state="opened", author_username=author, get_all=True
            )
            found = [
                mr.attributes
                for mr in candidates
                if mr.source_branch.startswith(branch_prefix) and mr.author["username"] == author
            ]
            if not found:
                return None
            return _change_request(max(found, key=lambda mr: int(mr["iid"])))

    def get_change_request(self, repo: str, number: ChangeRequestNumber) -> ChangeRequest:
        with self._api(f"read merge request !{number} of {repo}"):
            return _change_request(self._project(repo).mergerequests.get(number).attributes)

    def edit_description(self, repo: str, number: ChangeRequestNumber, *, description: str) -> None:
        with self._api(f"edit the description of merge request !{number} of {repo}"):
            self._project(repo).mergerequests.update(number, {"description": description})

    def merge_change_request(
        self, repo: str, number: ChangeRequestNumber, *, expected_head: Sha, message: str
    ) -> Sha:
        with self._api(f"merge merge request !{number} of {repo} at {expected_head[:12]}"):
            mr = self._mr(repo, number)
            mr.merge(merge_commit_message=message, sha=expected_head)
            return Sha(mr.merge_commit_sha or mr.sha)

    def close_change_request(self, repo: str, number: ChangeRequestNumber) -> None:
        with self._api(f"close merge request !{number} of {repo}"):
            self._project(repo).mergerequests.update(number, {"state_event": "close"})

    def post_comment(self, repo: str, number: ChangeRequestNumber, *, body: str) -> Comment:
        with self._api(f"comment on merge request !{number} of {repo}"):
            note = self._mr(repo, number).notes.create({"body": body})
            return _comment(note.attributes)

    def edit_comment(
        self, repo: str, number: ChangeRequestNumber, comment_id: CommentId, *, body: str
    ) -> Comment:
        with self._api(f"edit note {comment_id} on merge request !{number} of {repo}"):
            updated = self._mr(repo, number).notes.update(comment_id, {"body": body})
            return _comment(updated)

    def list_comments(self, repo: str, number: ChangeRequestNumber) -> list[Comment]:
        with self._api(f"list notes of merge request !{number} of {repo}"):
            notes = self._mr(repo, number).notes.list(
                get_all=True, sort="asc", order_by="created_at"
            )
            comments = [_comment(n.attributes) for n in notes if not n.attributes.get("system")]
            return sorted(comments, key=lambda c: (c.created_at, c.id))

    def list_approvals(
        self, repo: str, number: ChangeRequestNumber, *, head_sha: Sha
    ) -> list[Approval]:
        with self._api(f"list approvals of merge request !{number} of {repo}"):
            mr = self._mr(repo, number)
            since = _version_time(mr.diffs.list(get_all=True), head_sha)
            if since is None:
                return []
            approvals = mr.approvals.get().attributes.get("approved_by") or []
            return [a for a in map(_approval, approvals) if a and a.approved_at > since]

    def head_since(
        self, repo: str, number: ChangeRequestNumber, *, head_sha: Sha
    ) -> datetime | None:
        with self._api(f"list diff versions of merge request !{number} of {repo}"):
            return _version_time(self._mr(repo, number).diffs.list(get_all=True), head_sha)

    def get_permission(self, repo: str, *, username: str) -> Permission:
        with self._api(f"read the permission of {username} on {repo}"):
            members = self._project(repo).members_all.list(query=username, get_all=True)
            for member in members:
                if member.username == username:
                    return _permission(int(member.access_level))
            return Permission.NONE

    def set_commit_status(self, repo: str, status: CommitStatus) -> None:
        with self._api(f"set status {status.context} on {status.sha[:12]} in {repo}"):
            data = {
                "state": _STATUS_STATES[status.state],
                "name": status.context,
                "description": status.description,
            }
            if status.target_url:
                data["target_url"] = status.target_url
            commit = self._project(repo).commits.get(status.sha, lazy=True)
            commit.statuses.create(data)


def _is_missing(exc: gitlab.GitlabGetError, what: str) -> bool:
    """GitLab says "404 File Not Found" / "404 Tree Not Found" for a missing path, but
    "404 Project Not Found" for a wrong project, which must surface."""
    return exc.response_code == 404 and f"{what} Not Found" in str(exc.error_message)


def _file_action(action: str, path: str, content: bytes) -> dict[str, str]:
    """A Commits API action; base64 keeps bytes exact (no newline or encoding surprises)."""
    return {
        "action": action,
        "file_path": path,
        "content": base64.b64encode(content).decode("ascii"),
        "encoding": "base64",
    }


def _timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _user(data: Mapping[str, Any]) -> User:
    return User(username=str(data["username"]), id=int(data["id"]))


def _change_request(mr: Mapping[str, Any]) -> ChangeRequest:
    return ChangeRequest(
        number=ChangeRequestNumber(int(mr["iid"])),
        title=str(mr["title"]),
        description=str(mr.get("description") or ""),
        source_branch=str(mr["source_branch"]),
        target_branch=str(mr["target_branch"]),
        head_sha=Sha(str(mr["sha"])),
        state=_MR_STATES[str(mr["state"])],
        author=_user(mr["author"]),
        web_url=str(mr["web_url"]),
    )


def _comment(note: Mapping[str, Any]) -> Comment:
    return Comment(
        id=CommentId(int(note["id"])),
        author=_user(note["author"]),
        body=str(note["body"]),
        created_at=_timestamp(str(note["created_at"])),
    )


def _version_time(versions: Iterable[RESTObject], head_sha: Sha) -> datetime | None:
    """When ``head_sha`` (last) became the MR's head, from the MR's diff versions: each push
    to the source branch creates a version stamped by the server, unlike commit dates."""
    times = [
        _timestamp(v.attributes["created_at"])
        for v in versions
        if v.attributes.get("head_commit_sha") == head_sha
    ]
    return max(times, default=None)


def _approval(entry: Mapping[str, Any]) -> Approval | None:
    """One ``approved_by`` entry; GitLabs too old to say ``approved_at`` cannot prove the
    approval came after the head, so it does not count."""
    approved_at = entry.get("approved_at")
    if not approved_at:
        return None
    return Approval(user=_user(entry["user"]), approved_at=_timestamp(str(approved_at)))


def _permission(access_level: int) -> Permission:
    """Developer (30) and up may write; Guest/Planner/Reporter (10 to 20) only read."""
    if access_level >= 50:
        return Permission.ADMIN
    if access_level >= 40:
        return Permission.MAINTAIN
    if access_level >= 30:
        return Permission.WRITE
    if access_level >= 10:
        return Permission.READ
    return Permission.NONE
