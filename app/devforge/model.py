"""The fake forge's records and the events its state changes produce.

Plain mutable dataclasses guarded by the store's lock; the JSON shapes of each forge are built
from them in ``github_json``/``gitlab_json``, so one record serves both APIs' vocabularies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from app.devforge.git import Commit


class Role(IntEnum):
    """A user's role on a repository, valued as GitLab access levels.

    GitHub names: none, read, triage, write, maintain, admin. GitLab: none, Guest, Reporter,
    Developer, Maintainer, Owner.
    """

    NONE = 0
    READ = 10
    TRIAGE = 20
    WRITE = 30
    MAINTAIN = 40
    ADMIN = 50


class Rejected(Exception):
    """The forge refuses an action. ``code`` names the reason so each API can answer with its
    own status and words (e.g. ``stale_head`` is 409 on both, with different messages)."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


@dataclass
class FakeUser:
    id: int
    username: str
    name: str
    email: str
    token: str


@dataclass
class Review:
    """A GitHub pull request review; ``state`` is the REST (upper-case) form."""

    id: int
    user_id: int
    state: str
    commit_id: str
    body: str
    submitted_at: datetime


@dataclass
class MrApproval:
    user_id: int
    approved_at: datetime


@dataclass
class Version:
    """A GitLab MR diff version: one per head the MR has had, stamped when it was pushed."""

    id: int
    head_sha: str
    base_sha: str
    created_at: datetime


@dataclass
class Note:
    """A comment on a change request (GitHub issue comment / GitLab note)."""

    id: int
    number: int
    author_id: int
    body: str
    created_at: datetime
    updated_at: datetime
    system: bool = False


@dataclass
class ChangeRequest:
    id: int
    number: int
    title: str
    body: str
    source: str
    target: str
    author_id: int
    head_sha: str
    base_sha: str
    created_at: datetime
    updated_at: datetime
    state: str = "open"  # open, closed, merged
    closed_at: datetime | None = None
    merged_at: datetime | None = None
    merge_commit_sha: str | None = None
    closed_by: int | None = None
    versions: list[Version] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    approvals: dict[int, MrApproval] = field(default_factory=dict)


@dataclass
class Status:
    id: int
    sha: str
    ref: str | None
    context: str
    state: str
    description: str | None
    target_url: str | None
    creator_id: int
    created_at: datetime


@dataclass
class Hook:
    id: int
    url: str
    secret: str | None


@dataclass
class Repository:
    id: int
    full_name: str
    default_branch: str
    created_at: datetime
    branches: dict[str, str] = field(default_factory=dict)
    members: dict[int, Role] = field(default_factory=dict)
    crs: dict[int, ChangeRequest] = field(default_factory=dict)
    notes: dict[int, Note] = field(default_factory=dict)
    statuses: list[Status] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)
    approvals_required: int = 1
    next_number: int = 1

    @property
    def owner(self) -> str:
        return self.full_name.rsplit("/", 1)[0]

    @property
    def name(self) -> str:
        return self.full_name.rsplit("/", 1)[1]


# Events: what happened, with the records as they are right after; payloads are built from
# them immediately (under the store lock), so later changes do not leak into a delivery.


@dataclass(frozen=True)
class PushEvent:
    repo: Repository
    branch: str
    before: str
    after: str
    commits: tuple[Commit, ...]
    pusher: FakeUser


@dataclass(frozen=True)
class ChangeRequestEvent:
    """``action``: opened, synchronize, edited, closed, merged (GitHub's words)."""

    repo: Repository
    cr: ChangeRequest
    action: str
    actor: FakeUser
    before: str | None = None
    changes: tuple[tuple[str, str, str], ...] = ()  # (field, previous, current)


@dataclass(frozen=True)
class ReviewEvent:
    repo: Repository
    cr: ChangeRequest
    review: Review
    actor: FakeUser


@dataclass(frozen=True)
class ApprovalEvent:
    """A GitLab approval added or removed; the hook action depends on the edition."""

    repo: Repository
    cr: ChangeRequest
    actor: FakeUser
    approved: bool
    count_before: int
    count_after: int


@dataclass(frozen=True)
class CommentEvent:
    """``action``: created or edited."""

    repo: Repository
    cr: ChangeRequest
    note: Note
    actor: FakeUser
    action: str
    previous_body: str | None = None


Event = PushEvent | ChangeRequestEvent | ReviewEvent | ApprovalEvent | CommentEvent
