"""Act as people on a fake forge: set up users and repositories, push, approve, comment.

Tests and ``schemagate demo`` use one :class:`Driver` per forge (``DevForge.github`` /
``DevForge.gitlab``). Every action goes through the same store methods as the HTTP API, so
it obeys the same rules (a Reporter cannot approve on GitLab, an author cannot approve their
own PR on GitHub) and emits the same webhooks. Refusals raise :class:`Rejected`.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.devforge import conversation
from app.devforge.delivery import Delivery, Outbox
from app.devforge.model import ChangeRequest, FakeUser, Note, Rejected, Repository, Role, Status
from app.devforge.state import Store

__all__ = ["Driver", "Rejected", "Role"]


class Driver:
    def __init__(self, store: Store, outbox: Outbox) -> None:
        self.store = store
        self._outbox = outbox

    @property
    def flavor(self) -> str:
        return self.store.flavor

    # -- setup ----------------------------------------------------------------------------

    def add_user(self, username: str, *, token: str | None = None) -> FakeUser:
        """A user; ``user.token`` authenticates API calls as them."""
        return self.store.add_user(username, token=token)

    def create_repo(
        self,
        full_name: str,
        *,
        owner: str,
        files: Mapping[str, str | bytes],
        default_branch: str = "main",
    ) -> Repository:
        """A repository whose default branch holds ``files``; ``owner`` is its admin."""
        return self.store.create_repo(
            full_name,
            owner=self.store.user_named(owner),
            files={path: _bytes(content) for path, content in files.items()},
            default_branch=default_branch,
        )

    def set_permission(self, repo: str, username: str, role: Role) -> None:
        """GitHub roles none/read/triage/write/maintain/admin = GitLab 0/10/20/30/40/50."""
        with self.store.lock:
            self._repo(repo).members[self.store.user_named(username).id] = role

    def set_approvals_required(self, repo: str, count: int) -> None:
        """GitLab EE's approval rule size (decides ``approval`` vs ``approved`` hooks)."""
        with self.store.lock:
            self._repo(repo).approvals_required = count

    def set_edition(self, edition: str) -> None:
        """Switch a GitLab between Community (``ce``) and Enterprise (``ee``) behaviour."""
        if edition not in ("ce", "ee"):
            raise ValueError(f"edition must be 'ce' or 'ee', not {edition!r}")
        self.store.edition = "ce" if edition == "ce" else "ee"

    def add_webhook(self, repo: str, url: str, *, secret: str | None = None) -> int:
        """Subscribe ``url`` to every event of ``repo``; returns the hook id."""
        return self.store.add_hook(self._repo(repo), url=url, secret=secret).id

    # -- acting as people ----------------------------------------------------------------

    def push(
        self,
        repo: str,
        *,
        user: str,
        branch: str,
        files: Mapping[str, str | bytes | None],
        message: str = "Update files",
        start: str | None = None,
    ) -> str:
        """Push one commit setting (or, with None, removing) ``files``; a new ``branch``
        starts at ``start`` (default: the default branch). Returns the new head sha."""
        r = self._repo(repo)
        commit = self.store.commit(
            r,
            branch=branch,
            changes={p: None if c is None else _bytes(c) for p, c in files.items()},
            message=message,
            author=self.store.user_named(user),
            start=start or (None if branch in r.branches else r.default_branch),
        )
        return commit.sha

    def edit_file(
        self,
        repo: str,
        *,
        user: str,
        branch: str,
        path: str,
        content: str | bytes,
        message: str | None = None,
    ) -> str:
        """What a reviewer does in the web editor: one commit changing one file."""
        text = message or f"Update {path}"
        return self.push(repo, user=user, branch=branch, files={path: content}, message=text)

    def open_change_request(
        self, repo: str, *, user: str, source: str, title: str, body: str = ""
    ) -> int:
        r = self._repo(repo)
        cr = self.store.open_cr(
            r,
            source=source,
            target=r.default_branch,
            title=title,
            body=body,
            author=self.store.user_named(user),
        )
        return cr.number

    def approve(self, repo: str, number: int, *, user: str) -> None:
        """GitHub: an APPROVE review on the current head. GitLab: an approval."""
        r, actor = self._repo(repo), self.store.user_named(user)
        cr = self.store.find_cr(r, number)
        if self.flavor == "github":
            conversation.review(self.store, r, cr, user=actor, state="APPROVED")
        else:
            conversation.approve(self.store, r, cr, user=actor)

    def unapprove(self, repo: str, number: int, *, user: str) -> None:
        """GitHub: dismiss the user's approving review. GitLab: revoke the approval."""
        r, actor = self._repo(repo), self.store.user_named(user)
        cr = self.store.find_cr(r, number)
        if self.flavor == "github":
            conversation.dismiss_review(self.store, r, cr, user=actor)
        else:
            conversation.unapprove(self.store, r, cr, user=actor)

    def request_changes(self, repo: str, number: int, *, user: str, body: str = "") -> None:
        """GitHub only: a CHANGES_REQUESTED review."""
        r, actor = self._repo(repo), self.store.user_named(user)
        conversation.review(
            self.store,
            r,
            self.store.find_cr(r, number),
            user=actor,
            state="CHANGES_REQUESTED",
            body=body,
        )

    def comment(self, repo: str, number: int, *, user: str, body: str) -> int:
        """Comment on the CR; returns the comment (note) id."""
        r = self._repo(repo)
        author = self.store.user_named(user)
        return conversation.comment(
            self.store, r, self.store.find_cr(r, number), author=author, body=body
        ).id

    def edit_comment(self, repo: str, comment_id: int, *, user: str, body: str) -> None:
        r = self._repo(repo)
        note = r.notes.get(comment_id)
        if note is None:
            raise Rejected("not_found", f"comment {comment_id}")
        conversation.edit_comment(self.store, r, note, actor=self.store.user_named(user), body=body)

    def close(self, repo: str, number: int, *, user: str) -> None:
        r = self._repo(repo)
        self.store.close_cr(r, self.store.find_cr(r, number), actor=self.store.user_named(user))

    def merge(self, repo: str, number: int, *, user: str) -> str:
        """Merge the CR as ``user``; returns the merge commit sha."""
        r = self._repo(repo)
        cr = self.store.find_cr(r, number)
        actor = self.store.user_named(user)
        return self.store.merge_cr(r, cr, actor=actor, sha=None, message=None).sha

    # -- looking ---------------------------------------------------------------------------

    def change_request(self, repo: str, number: int) -> ChangeRequest:
        return self.store.find_cr(self._repo(repo), number)

    def comments(self, repo: str, number: int) -> list[Note]:
        """Every comment of the CR in order, system notes included."""
        notes = self._repo(repo).notes.values()
        return sorted((n for n in notes if n.number == number), key=lambda n: n.id)

    def branch_head(self, repo: str, branch: str) -> str:
        return self._repo(repo).branches[branch]

    def read_file(self, repo: str, *, ref: str, path: str) -> bytes | None:
        with self.store.lock:
            blob = self.store.resolve(self._repo(repo), ref).tree.get(path)
            return None if blob is None else self.store.blobs[blob]

    def statuses(self, repo: str, sha: str) -> list[Status]:
        return [s for s in self._repo(repo).statuses if s.sha == sha]

    def deliveries(self, event: str | None = None) -> list[Delivery]:
        """Webhook deliveries of this forge so far (``event``: e.g. ``push``, ``Note Hook``)."""
        self._outbox.wait()
        return [
            d
            for d in self._outbox.deliveries
            if d.forge == self.flavor and (event is None or d.event == event)
        ]

    def redeliver(self, delivery_id: str) -> Delivery:
        """Send a delivery again with the same delivery id, body and signature."""
        return self._outbox.redeliver(delivery_id)

    def _repo(self, name: str) -> Repository:
        return self.store.find_repo(name)


def _bytes(content: str | bytes) -> bytes:
    return content.encode() if isinstance(content, str) else content
