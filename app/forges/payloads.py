"""Webhook payload shapes: the fields schemagate may rely on, per FORGE_API.md §3.

Real payloads carry many more fields; these TypedDicts name the ones documented for github.com
(octokit/webhooks schemas) and gitlab.com (webhook_events.md) that the service reads or may
read. The webhook layer parses with them, and the fake forge's fidelity tests check that every
payload it sends has every field listed here, so both sides agree on one definition.
"""

# No ``from __future__ import annotations`` here: TypedDict must see ``NotRequired`` at class
# creation for ``__optional_keys__`` to be right at runtime (the fidelity tests read it).
from typing import Any, Literal, NotRequired, TypedDict

# -- GitHub (X-GitHub-Event) ---------------------------------------------------------------


class GitHubUser(TypedDict):
    login: str
    id: int
    type: str


class GitHubRepository(TypedDict):
    """In ``push`` payloads ``url`` is the HTML URL and times are unix integers."""

    id: int
    name: str
    full_name: str
    owner: GitHubUser
    private: bool
    default_branch: str
    url: str
    html_url: str


class GitHubCommitPerson(TypedDict):
    name: str
    email: str


class GitHubPushCommit(TypedDict):
    id: str
    tree_id: str
    distinct: bool
    message: str
    timestamp: str
    url: str
    author: GitHubCommitPerson
    committer: GitHubCommitPerson
    added: list[str]
    removed: list[str]
    modified: list[str]


class GitHubPushPayload(TypedDict):
    """``push``; ``after`` is 40 zeros and ``head_commit`` null when a branch is deleted."""

    ref: str
    before: str
    after: str
    created: bool
    deleted: bool
    forced: bool
    base_ref: str | None
    compare: str
    commits: list[GitHubPushCommit]
    head_commit: GitHubPushCommit | None
    repository: GitHubRepository
    pusher: GitHubCommitPerson
    sender: GitHubUser


class GitHubBranchEnd(TypedDict):
    label: str
    ref: str
    sha: str
    user: GitHubUser
    repo: GitHubRepository


class GitHubSimplePullRequest(TypedDict):
    """The pull request in ``pull_request_review`` payloads (no ``merged``/``mergeable``)."""

    url: str
    id: int
    number: int
    state: Literal["open", "closed"]
    title: str
    body: str | None
    user: GitHubUser
    html_url: str
    issue_url: str
    head: GitHubBranchEnd
    base: GitHubBranchEnd
    draft: bool
    merged_at: str | None
    merge_commit_sha: str | None


class GitHubPullRequest(GitHubSimplePullRequest):
    merged: bool
    mergeable: bool | None


class GitHubPullRequestPayload(TypedDict):
    """``pull_request``: actions opened, synchronize (with before/after), edited, closed
    (``pull_request.merged`` tells merged from closed), reopened, …"""

    action: str
    number: int
    pull_request: GitHubPullRequest
    repository: GitHubRepository
    sender: GitHubUser
    before: NotRequired[str]
    after: NotRequired[str]
    changes: NotRequired[dict[str, Any]]


class GitHubReview(TypedDict):
    """``state`` is lower-case here (``approved``), upper-case in the REST API."""

    id: int
    node_id: str
    user: GitHubUser
    body: str | None
    commit_id: str
    submitted_at: str | None
    state: str
    html_url: str
    pull_request_url: str
    author_association: str


class GitHubReviewPayload(TypedDict):
    """``pull_request_review``: actions submitted, edited, dismissed."""

    action: str
    review: GitHubReview
    pull_request: GitHubSimplePullRequest
    repository: GitHubRepository
    sender: GitHubUser


class GitHubIssuePullRequestLink(TypedDict):
    url: str
    html_url: str
    diff_url: str
    patch_url: str


class GitHubIssue(TypedDict):
    """A comment is on a pull request iff ``pull_request`` is present (no head sha here)."""

    number: int
    title: str
    state: str
    user: GitHubUser
    labels: list[Any]
    html_url: str
    url: str
    pull_request: NotRequired[GitHubIssuePullRequestLink]


class GitHubComment(TypedDict):
    id: int
    url: str
    html_url: str
    issue_url: str
    body: str
    user: GitHubUser
    created_at: str
    updated_at: str
    author_association: str


class GitHubIssueCommentPayload(TypedDict):
    """``issue_comment``: actions created, edited (with ``changes.body.from``), deleted."""

    action: str
    issue: GitHubIssue
    comment: GitHubComment
    repository: GitHubRepository
    sender: GitHubUser
    changes: NotRequired[dict[str, Any]]


# -- GitLab (X-Gitlab-Event) ---------------------------------------------------------------


class GitLabHookUser(TypedDict):
    """``email`` is ``[REDACTED]`` unless the user made it public."""

    id: int
    name: str
    username: str
    avatar_url: str | None
    email: str


class GitLabHookProject(TypedDict):
    id: int
    name: str
    description: str | None
    web_url: str
    git_ssh_url: str
    git_http_url: str
    namespace: str
    visibility_level: int
    path_with_namespace: str
    default_branch: str
    homepage: str
    url: str
    ssh_url: str
    http_url: str


class GitLabHookRepository(TypedDict):
    name: str
    url: str
    description: str | None
    homepage: str
    git_http_url: str
    git_ssh_url: str
    visibility_level: int


class GitLabCommitAuthor(TypedDict):
    name: str
    email: str


class GitLabHookCommit(TypedDict):
    id: str
    message: str
    title: str
    timestamp: str
    url: str
    author: GitLabCommitAuthor
    added: list[str]
    modified: list[str]
    removed: list[str]


class GitLabPushPayload(TypedDict):
    """``Push Hook``: at most the 20 newest ``commits``; the count is ``total_commits_count``."""

    object_kind: Literal["push"]
    event_name: str
    before: str
    after: str
    ref: str
    ref_protected: bool
    checkout_sha: str | None
    user_id: int
    user_name: str
    user_username: str
    user_email: str
    user_avatar: str | None
    project_id: int
    project: GitLabHookProject
    repository: GitLabHookRepository
    commits: list[GitLabHookCommit]
    total_commits_count: int


class GitLabLastCommit(TypedDict):
    id: str
    message: str
    title: str
    timestamp: str
    url: str
    author: GitLabCommitAuthor


class GitLabMergeRequestAttributes(TypedDict):
    """``action``: open, close, reopen, update (``oldrev`` when commits were pushed), merge,
    approved/unapproved (CE, and EE when the approval state flips), approval/unapproval (EE).
    The head sha is ``last_commit.id``."""

    id: int
    iid: int
    target_branch: str
    source_branch: str
    source_project_id: int
    target_project_id: int
    author_id: int
    assignee_ids: list[int]
    reviewer_ids: list[int]
    title: str
    description: str | None
    created_at: str
    updated_at: str
    last_edited_at: str | None
    state: Literal["opened", "closed", "merged", "locked"]
    state_id: int
    merge_status: str
    detailed_merge_status: str
    draft: bool
    work_in_progress: bool
    blocking_discussions_resolved: bool
    first_contribution: bool
    url: str
    source: GitLabHookProject
    target: GitLabHookProject
    last_commit: GitLabLastCommit
    labels: list[Any]
    action: str
    oldrev: NotRequired[str]
    prepared_at: str | None


class GitLabMergeRequestPayload(TypedDict):
    """``Merge Request Hook``; ``user`` is the actor (e.g. the approver)."""

    object_kind: Literal["merge_request"]
    event_type: str
    user: GitLabHookUser
    project: GitLabHookProject
    repository: GitLabHookRepository
    object_attributes: GitLabMergeRequestAttributes
    labels: list[Any]
    changes: dict[str, Any]


class GitLabNoteAttributes(TypedDict):
    """The text is ``note`` here (``body`` in REST); times look like ``2015-05-17 18:21:36 UTC``."""

    id: int
    note: str
    noteable_type: str
    author_id: int
    created_at: str
    updated_at: str
    project_id: int
    attachment: str | None
    line_code: str | None
    commit_id: str | None
    noteable_id: int
    system: bool
    st_diff: Any
    action: Literal["create", "update"]
    url: str


class GitLabNoteMergeRequest(TypedDict):
    id: int
    iid: int
    source_branch: str
    target_branch: str
    source_project_id: int
    target_project_id: int
    author_id: int
    title: str
    state: str
    merge_status: str
    detailed_merge_status: str
    description: str | None
    labels: list[Any]
    source: GitLabHookProject
    target: GitLabHookProject
    last_commit: GitLabLastCommit
    draft: bool
    work_in_progress: bool
    created_at: str
    updated_at: str


class GitLabNotePayload(TypedDict):
    """``Note Hook``; ``merge_request`` is present for notes on merge requests."""

    object_kind: Literal["note"]
    event_type: str
    user: GitLabHookUser
    project_id: int
    project: GitLabHookProject
    repository: GitLabHookRepository
    object_attributes: GitLabNoteAttributes
    merge_request: NotRequired[GitLabNoteMergeRequest]
