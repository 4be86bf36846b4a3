"""The Forge protocol and the value types it speaks.

schemagate talks to GitHub and GitLab through this one interface (like Atlantis's
``vcs.Client``). Its methods take and return the frozen dataclasses below, never PyGithub or
python-gitlab objects, so the flows can be written and tested without knowing which forge a
repository lives on. "Change request" (CR) is our word for a pull request / merge request;
its ``number`` is the PR number on GitHub and the MR ``iid`` on GitLab.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import NewType, Protocol

Sha = NewType("Sha", str)
"""A full 40-hex git object id (commit or blob)."""

ChangeRequestNumber = NewType("ChangeRequestNumber", int)
"""PR number (GitHub) or MR iid (GitLab): the number people see, unique per repository."""

CommentId = NewType("CommentId", int)

STATUS_DESCRIPTION_LIMIT = 140
"""GitHub rejects longer commit-status descriptions; we use the same limit on GitLab."""


class ForgeKind(StrEnum):
    GITHUB = "github"
    GITLAB = "gitlab"


class Permission(IntEnum):
    """A user's role on a repository, ordered: comparisons work (``p >= Permission.WRITE``).

    GitHub's ``triage`` and GitLab's Guest/Planner/Reporter are read access; GitHub's
    ``maintain`` and GitLab's Maintainer are MAINTAIN; GitHub ``admin`` and GitLab Owner are ADMIN.
    """

    NONE = 0
    READ = 10
    WRITE = 30
    MAINTAIN = 40
    ADMIN = 50

    @property
    def can_write(self) -> bool:
        """Write or higher: what approvals and drop acknowledgments require (DESIGN.md §6)."""
        return self >= Permission.WRITE


class ChangeRequestState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    MERGED = "merged"


class StatusState(StrEnum):
    """Commit status states, in GitHub's words; GitLab maps failure and error to ``failed``."""

    PENDING = "pending"
    SUCCESS = "success"
    FAILURE = "failure"
    ERROR = "error"


@dataclass(frozen=True)
class User:
    """An account on a forge. ``id`` is the forge's numeric user id."""

    username: str
    id: int


@dataclass(frozen=True)
class Repo:
    """A repository: ``full_name`` is ``owner/name`` on GitHub, the full project path on GitLab."""

    full_name: str
    default_branch: str
    web_url: str


@dataclass(frozen=True)
class FileEntry:
    """A file listed in a directory at some commit (no content: read it with ``read_file``)."""

    path: str
    name: str
    blob_sha: Sha


@dataclass(frozen=True)
class FileContent:
    path: str
    content: bytes
    blob_sha: Sha

    @property
    def text(self) -> str:
        """The content as UTF-8 text (schema files and pending.sql are UTF-8)."""
        return self.content.decode("utf-8")


@dataclass(frozen=True)
class ChangeRequest:
    number: ChangeRequestNumber
    title: str
    description: str
    source_branch: str
    target_branch: str
    head_sha: Sha
    state: ChangeRequestState
    author: User
    web_url: str

    @property
    def is_open(self) -> bool:
        return self.state is ChangeRequestState.OPEN


@dataclass(frozen=True)
class Comment:
    """A person's (or our own) comment on a CR; forge-generated system notes are never listed."""

    id: CommentId
    author: User
    body: str
    created_at: datetime


@dataclass(frozen=True)
class Approval:
    """An approval that counts for a particular head sha (see ``Forge.list_approvals``)."""

    user: User
    approved_at: datetime


@dataclass(frozen=True)
class CommitStatus:
    """What ``set_commit_status`` publishes; ``context`` is ``schemagate/<target>``."""

    sha: Sha
    context: str
    state: StatusState
    description: str
    target_url: str | None = None

    def __post_init__(self) -> None:
        if len(self.description) > STATUS_DESCRIPTION_LIMIT:
            clipped = self.description[: STATUS_DESCRIPTION_LIMIT - 1] + "…"
            object.__setattr__(self, "description", clipped)


class Forge(Protocol):
    """Everything the flows of DESIGN.md need from GitHub or GitLab.

    Every method raises :class:`app.errors.ForgeError` (forge, operation, HTTP status, the
    forge's message) when the API call fails. Lists are always read whole (all pages).
    """

    @property
    def kind(self) -> ForgeKind: ...

    def whoami(self) -> User:
        """Our own account, to ignore our own comments and pushes."""
        ...

    def get_repo(self, repo: str) -> Repo: ...

    def branch_head(self, repo: str, *, branch: str) -> Sha: ...

    def list_directory(self, repo: str, *, path: str, ref: str) -> list[FileEntry]:
        """The files (not subdirectories) directly in ``path`` at ``ref``, sorted by path.
        A directory that does not exist at ``ref`` has no files."""
        ...

    def read_file(self, repo: str, *, path: str, ref: str) -> FileContent | None:
        """The file at ``ref``, or None when there is no such file."""
        ...

    def create_branch(self, repo: str, *, branch: str, sha: Sha) -> None: ...

    def create_file(
        self, repo: str, *, branch: str, path: str, content: bytes, message: str
    ) -> Sha:
        """Commit a new file to ``branch``; returns the branch's new head sha."""
        ...

    def update_file(
        self, repo: str, *, branch: str, path: str, content: bytes, message: str
    ) -> Sha:
        """Commit new content of an existing file to ``branch``; returns the new head sha."""
        ...

    def delete_file(self, repo: str, *, branch: str, path: str, message: str) -> Sha:
        """Commit the removal of a file from ``branch``; returns the new head sha."""
        ...

    def open_change_request(
        self, repo: str, *, source_branch: str, target_branch: str, title: str, description: str
    ) -> ChangeRequest: ...

    def find_open_change_request(
        self, repo: str, *, branch_prefix: str, author: str
    ) -> ChangeRequest | None:
        """The newest open CR whose source branch starts with ``branch_prefix`` and whose
        author has username ``author`` (our account), or None."""
        ...

    def get_change_request(self, repo: str, number: ChangeRequestNumber) -> ChangeRequest: ...

    def edit_description(
        self, repo: str, number: ChangeRequestNumber, *, description: str
    ) -> None: ...

    def merge_change_request(
        self, repo: str, number: ChangeRequestNumber, *, expected_head: Sha, message: str
    ) -> Sha:
        """Merge only if the CR's head is still ``expected_head`` (the forge refuses with 409
        otherwise); returns the merge commit sha."""
        ...

    def close_change_request(self, repo: str, number: ChangeRequestNumber) -> None: ...

    def post_comment(self, repo: str, number: ChangeRequestNumber, *, body: str) -> Comment: ...

    def edit_comment(
        self, repo: str, number: ChangeRequestNumber, comment_id: CommentId, *, body: str
    ) -> Comment: ...

    def list_comments(self, repo: str, number: ChangeRequestNumber) -> list[Comment]:
        """All comments, oldest first, without system notes."""
        ...

    def list_approvals(
        self, repo: str, number: ChangeRequestNumber, *, head_sha: Sha
    ) -> list[Approval]:
        """Approvals that count for ``head_sha``. GitHub: each reviewer whose latest
        approving-or-rejecting review is APPROVED on exactly ``head_sha``. GitLab: approvals
        given after ``head_sha`` became the CR's head."""
        ...

    def head_since(
        self, repo: str, number: ChangeRequestNumber, *, head_sha: Sha
    ) -> datetime | None:
        """Since when ``head_sha`` has been the CR's head, for "created after the head
        commit" (drop acknowledgments). GitLab: when the push created the MR's diff version
        (server time). GitHub: the head commit's committer date (GitHub's clock for commits
        made through the API or web editor; the committer's own clock for pushed commits).
        None when the CR never had that head."""
        ...

    def get_permission(self, repo: str, *, username: str) -> Permission: ...

    def set_commit_status(self, repo: str, status: CommitStatus) -> None: ...
