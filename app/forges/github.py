"""GitHub (and GitHub Enterprise Server) behind the Forge protocol, through PyGithub.

The client is built lazy: ``get_repo``/``get_pull``/``get_issue`` make no request, so each
operation costs only the requests it needs (FORGE_API.md §1.2). Every PyGithub or transport
exception becomes a :class:`ForgeError` naming the operation; the token never appears in one.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import requests
from github import Auth, Github, GithubException
from github.ContentFile import ContentFile
from github.IssueComment import IssueComment
from github.NamedUser import NamedUser
from github.Organization import Organization
from github.PullRequest import PullRequest
from github.Repository import Repository

from app.config import GitHubSettings
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
    User,
)
from app.redact import redact

_ROLE_PERMISSIONS = {
    "admin": Permission.ADMIN,
    "maintain": Permission.MAINTAIN,
    "write": Permission.WRITE,
    "triage": Permission.READ,
    "read": Permission.READ,
    "none": Permission.NONE,
}
# Review states that set a reviewer's verdict; COMMENTED and PENDING reviews leave it as it was.
_VERDICT_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})
_TIMEOUT_SECONDS = 30
_PER_PAGE = 100


class GitHubForge:
    """A GitHub account (token) on github.com or a GitHub Enterprise Server.

    ``throttle=False`` turns off PyGithub's sleeps between requests and its retries, which
    only tests against the local fake forge want (FORGE_API.md §1.1); the service keeps the
    defaults, which keep us under GitHub's secondary rate limits.
    """

    def __init__(self, *, base_url: str, token: str, throttle: bool = True) -> None:
        pacing: dict[str, Any] = (
            {}
            if throttle
            else {"seconds_between_requests": None, "seconds_between_writes": None, "retry": None}
        )
        self._token = token
        self._gh = Github(
            auth=Auth.Token(token),
            base_url=base_url.rstrip("/"),
            timeout=_TIMEOUT_SECONDS,
            per_page=_PER_PAGE,
            lazy=True,
            **pacing,
        )

    @classmethod
    def from_settings(cls, settings: GitHubSettings, *, throttle: bool = True) -> GitHubForge:
        return cls(
            base_url=settings.base_url, token=settings.token.get_secret_value(), throttle=throttle
        )

    @property
    def kind(self) -> ForgeKind:
        return ForgeKind.GITHUB

    @contextmanager
    def _api(self, operation: str) -> Iterator[None]:
        """Turn whatever PyGithub or the transport raises into a ForgeError for ``operation``."""
        try:
            yield
        except GithubException as exc:
            message = redact(_github_message(exc), (self._token,))
            raise ForgeError(
                forge="github", operation=operation, status=exc.status, message=message
            ) from exc
        except requests.RequestException as exc:
            message = redact(f"{type(exc).__name__}: {exc}", (self._token,))
            raise ForgeError(
                forge="github", operation=operation, status=None, message=message
            ) from exc

    def _repo(self, repo: str) -> Repository:
        return self._gh.get_repo(repo)

    def whoami(self) -> User:
        with self._api("read the authenticated user"):
            me = self._gh.get_user()
            return User(username=me.login, id=me.id)

    def get_repo(self, repo: str) -> Repo:
        with self._api(f"read repository {repo}"):
            r = self._repo(repo)
            return Repo(full_name=r.full_name, default_branch=r.default_branch, web_url=r.html_url)

    def branch_head(self, repo: str, *, branch: str) -> Sha:
        with self._api(f"read branch {branch} of {repo}"):
            return Sha(self._repo(repo).get_branch(branch).commit.sha)

    def list_directory(self, repo: str, *, path: str, ref: str) -> list[FileEntry]:
        with self._api(f"list {path} at {ref} in {repo}"):
            try:
                listing = self._repo(repo).get_contents(path, ref=ref)
            except GithubException as exc:
                if _is_plain_not_found(exc):
                    return []
                raise
            items = listing if isinstance(listing, list) else []
            return sorted(
                (
                    FileEntry(path=i.path, name=i.name, blob_sha=Sha(i.sha))
                    for i in items
                    if i.type == "file"
                ),
                key=lambda e: e.path,
            )

    def read_file(self, repo: str, *, path: str, ref: str) -> FileContent | None:
        with self._api(f"read {path} at {ref} in {repo}"):
            r = self._repo(repo)
            try:
                found = r.get_contents(path, ref=ref)
            except GithubException as exc:
                if _is_plain_not_found(exc):
                    return None
                raise
            found = _file_only(found, operation=f"read {path} at {ref} in {repo}")
            return FileContent(
                path=found.path, content=_content_of(r, found), blob_sha=Sha(found.sha)
            )

    def create_branch(self, repo: str, *, branch: str, sha: Sha) -> None:
        with self._api(f"create branch {branch} at {sha[:12]} in {repo}"):
            self._repo(repo).create_git_ref(f"refs/heads/{branch}", sha)

    def create_file(
        self, repo: str, *, branch: str, path: str, content: bytes, message: str
    ) -> Sha:
        with self._api(f"create {path} on {branch} in {repo}"):
            result = self._repo(repo).create_file(path, message, content, branch=branch)
            return _commit_sha(result)

    def update_file(
        self, repo: str, *, branch: str, path: str, content: bytes, message: str
    ) -> Sha:
        operation = f"update {path} on {branch} in {repo}"
        with self._api(operation):
            r = self._repo(repo)
            # GitHub's optimistic lock: the blob we replace; a concurrent change answers 409.
            current = _file_only(r.get_contents(path, ref=branch), operation=operation)
            result = r.update_file(path, message, content, current.sha, branch=branch)
            return _commit_sha(result)

    def delete_file(self, repo: str, *, branch: str, path: str, message: str) -> Sha:
        operation = f"delete {path} on {branch} in {repo}"
        with self._api(operation):
            r = self._repo(repo)
            # GitHub's optimistic lock: the blob we replace; a concurrent change answers 409.
            current = _file_only(r.get_contents(path, ref=branch), operation=operation)
            result = r.delete_file(path, message, current.sha, branch=branch)
            return _commit_sha(result)

    def open_change_request(
        self, repo: str, *, source_branch: str, target_branch: str, title: str, description: str
    ) -> ChangeRequest:
        with self._api(f"open a pull request {source_branch} → {target_branch} in {repo}"):
            pr = self._repo(repo).create_pull(
                base=target_branch, head=source_branch, title=title, body=description
            )
            return _change_request(pr)

    def find_open_change_request(
        self, repo: str, *, branch_prefix: str, author: str
    ) -> ChangeRequest | None:
        with self._api(f"list open pull requests of {repo}"):
            found = [
                pr
                for pr in self._repo(repo).get_pulls(state="open")
                if pr.head.ref.startswith(branch_prefix) and pr.user.login == author
            ]
            if not found:
                return None
            return _change_request(max(found, key=lambda pr: pr.number))

    def get_change_request(self, repo: str, number: ChangeRequestNumber) -> ChangeRequest:
        with self._api(f"read pull request #{number} of {repo}"):
            return _change_request(self._repo(repo).get_pull(number))

    def edit_description(self, repo: str, number: ChangeRequestNumber, *, description: str) -> None:
        with self._api(f"edit the description of pull request #{number} of {repo}"):
            self._repo(repo).get_pull(number).edit(body=description)

    def merge_change_request(
        self, repo: str, number: ChangeRequestNumber, *, expected_head: Sha, message: str
    ) -> Sha:
        operation = f"merge pull request #{number} of {repo} at {expected_head[:12]}"
        with self._api(operation):
            result = (
                self._repo(repo)
                .get_pull(number)
                .merge(commit_message=message, merge_method="merge", sha=expected_head)
            )
            if not result.merged:
                raise ForgeError(
                    forge="github", operation=operation, status=None, message=result.message
                )
            return Sha(result.sha)

    def close_change_request(self, repo: str, number: ChangeRequestNumber) -> None:
        with self._api(f"close pull request #{number} of {repo}"):
            self._repo(repo).get_pull(number).edit(state="closed")

    def post_comment(self, repo: str, number: ChangeRequestNumber, *, body: str) -> Comment:
        with self._api(f"comment on pull request #{number} of {repo}"):
            return _comment(self._repo(repo).get_issue(number).create_comment(body))

    def edit_comment(
        self, repo: str, number: ChangeRequestNumber, comment_id: CommentId, *, body: str
    ) -> Comment:
        with self._api(f"edit comment {comment_id} on pull request #{number} of {repo}"):
            comment = self._repo(repo).get_issue(number).get_comment(comment_id)
            comment.edit(body)
            return _comment(comment)

    def list_comments(self, repo: str, number: ChangeRequestNumber) -> list[Comment]:
        with self._api(f"list comments of pull request #{number} of {repo}"):
            comments = [_comment(c) for c in self._repo(repo).get_issue(number).get_comments()]
            return sorted(comments, key=lambda c: (c.created_at, c.id))

    def list_approvals(
        self, repo: str, number: ChangeRequestNumber, *, head_sha: Sha
    ) -> list[Approval]:
        with self._api(f"list reviews of pull request #{number} of {repo}"):
            latest: dict[str, Approval | None] = {}
            for review in self._repo(repo).get_pull(number).get_reviews():
                if review.state not in _VERDICT_STATES:
                    continue
                counts = review.state == "APPROVED" and review.commit_id == head_sha
                latest[review.user.login] = (
                    Approval(user=_user(review.user), approved_at=review.submitted_at)
                    if counts
                    else None
                )
            return [a for a in latest.values() if a is not None]

    def head_since(
        self, repo: str, number: ChangeRequestNumber, *, head_sha: Sha
    ) -> datetime | None:
        with self._api(f"read head {head_sha[:12]} of pull request #{number} of {repo}"):
            r = self._repo(repo)
            if head_sha not in {c.sha for c in r.get_pull(number).get_commits()}:
                return None
            return r.get_commit(head_sha).commit.committer.date

    def get_permission(self, repo: str, *, username: str) -> Permission:
        with self._api(f"read the permission of {username} on {repo}"):
            r = self._repo(repo)
            try:
                role = r.get_collaborator_role_name(username)
            except GithubException as exc:
                if exc.status == 404:  # no such user: nobody grants them anything
                    return Permission.NONE
                raise
            if role in _ROLE_PERMISSIONS:
                return _ROLE_PERMISSIONS[role]
            # A custom organization role: GitHub reports its base as the legacy permission.
            return _ROLE_PERMISSIONS.get(r.get_collaborator_permission(username), Permission.NONE)

    def set_commit_status(self, repo: str, status: CommitStatus) -> None:
        with self._api(f"set status {status.context} on {status.sha[:12]} in {repo}"):
            commit = self._repo(repo).get_commit(status.sha)
            optional = {"target_url": status.target_url} if status.target_url else {}
            commit.create_status(
                state=status.state.value,
                description=status.description,
                context=status.context,
                **optional,
            )


def _github_message(exc: GithubException) -> str:
    """GitHub's own words: ``message`` plus each validation error's message, if any."""
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or data.get("data") or exc)
    details = [
        str(e.get("message") or e.get("code"))
        for e in data.get("errors") or []
        if isinstance(e, dict)
    ]
    return "; ".join([message, *details])


def _is_plain_not_found(exc: GithubException) -> bool:
    """404 "Not Found" is a missing path; other 404s (e.g. "No commit found for the ref")
    mean the question itself was wrong and must surface."""
    data = exc.data if isinstance(exc.data, dict) else {}
    return exc.status == 404 and data.get("message") == "Not Found"


def _commit_sha(result: Mapping[str, Any]) -> Sha:
    """The new head from a contents-API answer (``{"content": …, "commit": Commit}``)."""
    commit = result["commit"]
    return Sha(commit.sha)


def _file_only(found: ContentFile | list[ContentFile], *, operation: str) -> ContentFile:
    """``get_contents`` answers a list for a directory; schemagate only reads files."""
    if isinstance(found, list) or found.type != "file":
        message = "the path is a directory (or a symlink/submodule), not a file"
        raise ForgeError(forge="github", operation=operation, status=None, message=message)
    return found


def _content_of(repo: Repository, found: ContentFile) -> bytes:
    """Files over 1 MB come without content (encoding "none"); read those as git blobs."""
    if found.encoding == "base64":
        return found.decoded_content
    return base64.b64decode(repo.get_git_blob(found.sha).content)


def _user(user: NamedUser | Organization) -> User:
    return User(username=user.login, id=user.id)


def _change_request(pr: PullRequest) -> ChangeRequest:
    if pr.state == "open":
        state = ChangeRequestState.OPEN
    else:
        state = ChangeRequestState.MERGED if pr.merged else ChangeRequestState.CLOSED
    return ChangeRequest(
        number=ChangeRequestNumber(pr.number),
        title=pr.title,
        description=pr.body or "",
        source_branch=pr.head.ref,
        target_branch=pr.base.ref,
        head_sha=Sha(pr.head.sha),
        state=state,
        author=_user(pr.user),
        web_url=pr.html_url,
    )


def _comment(comment: IssueComment) -> Comment:
    return Comment(
        id=CommentId(comment.id),
        author=_user(comment.user),
        body=comment.body or "",
        created_at=comment.created_at,
    )
