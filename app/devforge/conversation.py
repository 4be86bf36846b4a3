"""What people say on a change request: comments, GitHub reviews, GitLab approvals.

Functions over a :class:`Store`, used by the HTTP routes and the driver alike, so a comment
or an approval has the same rules and webhooks whoever makes it.
"""

from __future__ import annotations

from app.devforge.model import (
    ApprovalEvent,
    ChangeRequest,
    CommentEvent,
    FakeUser,
    MrApproval,
    Note,
    Rejected,
    Repository,
    Review,
    ReviewEvent,
    Role,
)
from app.devforge.state import Store


def comment(
    store: Store, repo: Repository, cr: ChangeRequest, *, author: FakeUser, body: str
) -> Note:
    with store.lock:
        store.require(repo, author, Role.READ)
        if not body.strip():
            raise Rejected("empty_body")
        note = store.add_note(repo, cr, author, body, False)
        store.emit(CommentEvent(repo, cr, note, author, "created"))
        return note


def edit_comment(store: Store, repo: Repository, note: Note, *, actor: FakeUser, body: str) -> Note:
    with store.lock:
        if note.author_id != actor.id or note.system:
            raise Rejected("forbidden", "only the author can edit a comment")
        previous, note.body, note.updated_at = note.body, body, store.now()
        cr = store.find_cr(repo, note.number)
        store.emit(CommentEvent(repo, cr, note, actor, "edited", previous_body=previous))
        return note


def review(
    store: Store,
    repo: Repository,
    cr: ChangeRequest,
    *,
    user: FakeUser,
    state: str,
    body: str = "",
    commit_id: str | None = None,
) -> Review:
    """A GitHub review (APPROVED, CHANGES_REQUESTED or COMMENTED), on the head by default.
    Anyone who can read may review; authors may only comment on their own PR."""
    with store.lock:
        store.require(repo, user, Role.READ)
        if cr.state != "open":
            raise Rejected("not_open", str(cr.number))
        if state != "COMMENTED" and user.id == cr.author_id:
            raise Rejected("own_cr", state)
        submitted = Review(
            store.next_id(), user.id, state, commit_id or cr.head_sha, body, store.now()
        )
        cr.reviews.append(submitted)
        store.emit(ReviewEvent(repo, cr, submitted, user))
        return submitted


def dismiss_review(store: Store, repo: Repository, cr: ChangeRequest, *, user: FakeUser) -> Review:
    """Dismiss ``user``'s latest approving review (GitHub has no "unapprove")."""
    with store.lock:
        approving = [r for r in cr.reviews if r.user_id == user.id and r.state == "APPROVED"]
        if not approving:
            raise Rejected("not_found", f"approving review by {user.username}")
        dismissed = approving[-1]
        dismissed.state = "DISMISSED"
        store.emit(ReviewEvent(repo, cr, dismissed, user))
        return dismissed


def approve(
    store: Store, repo: Repository, cr: ChangeRequest, *, user: FakeUser, sha: str | None = None
) -> None:
    """A GitLab approval: Developers and up, not the author, not twice, on the head."""
    with store.lock:
        if sha is not None and sha != cr.head_sha:
            raise Rejected("stale_head", sha)
        allowed = store.role(repo, user) >= Role.WRITE and user.id != cr.author_id
        if not allowed or user.id in cr.approvals or cr.state != "open":
            raise Rejected("cannot_approve", user.username)
        before = len(cr.approvals)
        cr.approvals[user.id] = MrApproval(user.id, store.now())
        store.add_note(repo, cr, user, "approved this merge request", True)
        store.emit(ApprovalEvent(repo, cr, user, True, before, len(cr.approvals)))


def unapprove(store: Store, repo: Repository, cr: ChangeRequest, *, user: FakeUser) -> None:
    with store.lock:
        if user.id not in cr.approvals:
            raise Rejected("not_found", f"approval by {user.username}")
        before = len(cr.approvals)
        del cr.approvals[user.id]
        store.add_note(repo, cr, user, "unapproved this merge request", True)
        store.emit(ApprovalEvent(repo, cr, user, False, before, len(cr.approvals)))
