"""In-memory state of one fake forge (a GitHub or a GitLab instance) and the actions on it.

Both the HTTP routes and the driver change state only through :class:`Store` methods (and the
functions of ``conversation``, which build on them), so an action has the same rules and emits
the same webhooks whether our service or a "person" did it. Each method checks what the real
forge would check and raises :class:`Rejected` otherwise; listeners (the webhook builders) are
called with an event for every change, under the lock.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Literal

from app.devforge import git
from app.devforge.git import Commit
from app.devforge.model import (
    ChangeRequest,
    ChangeRequestEvent,
    Event,
    FakeUser,
    Hook,
    Note,
    PushEvent,
    Rejected,
    Repository,
    Role,
    Status,
    Version,
)

Flavor = Literal["github", "gitlab"]
Edition = Literal["ce", "ee"]


class Store:
    """One forge instance. ``lock`` guards everything; take it to read consistently."""

    def __init__(self, flavor: Flavor, *, edition: Edition = "ce") -> None:
        self.flavor: Flavor = flavor
        self.edition: Edition = edition
        self.lock = threading.RLock()
        self.users: dict[int, FakeUser] = {}
        self.repos: dict[str, Repository] = {}
        self.commits: dict[str, Commit] = {}
        self.blobs: dict[str, bytes] = {}
        self.listeners: list[Callable[[Event], None]] = []
        self._ids = 1000
        self._last_time = datetime(2000, 1, 1, tzinfo=UTC)

    # -- identities and clock ------------------------------------------------------------

    def next_id(self) -> int:
        with self.lock:
            self._ids += 1
            return self._ids

    def now(self) -> datetime:
        """Strictly increasing millisecond timestamps, so "after" is never ambiguous."""
        with self.lock:
            now = datetime.now(UTC)
            now = now.replace(microsecond=now.microsecond // 1000 * 1000)
            self._last_time = max(now, self._last_time + timedelta(milliseconds=1))
            return self._last_time

    def add_user(self, username: str, *, token: str | None = None) -> FakeUser:
        with self.lock:
            if any(u.username == username for u in self.users.values()):
                raise Rejected("user_exists", username)
            user = FakeUser(
                id=self.next_id(),
                username=username,
                name=username.replace("-", " ").title(),
                email=f"{username}@example.test",
                token=token or f"devforge-{secrets.token_hex(12)}",
            )
            self.users[user.id] = user
            return user

    def user_by_token(self, token: str) -> FakeUser | None:
        return next(
            (u for u in self.users.values() if secrets.compare_digest(u.token, token)), None
        )

    def user_named(self, username: str) -> FakeUser:
        found = next((u for u in self.users.values() if u.username == username), None)
        if found is None:
            raise Rejected("not_found", f"user {username}")
        return found

    def role(self, repo: Repository, user: FakeUser) -> Role:
        return repo.members.get(user.id, Role.NONE)

    def require(self, repo: Repository, user: FakeUser, needed: Role) -> None:
        if self.role(repo, user) < needed:
            raise Rejected("forbidden", f"{user.username} needs {needed.name.lower()} access")

    def emit(self, event: Event) -> None:
        for listener in self.listeners:
            listener(event)

    # -- repositories, refs and commits --------------------------------------------------

    def create_repo(
        self, full_name: str, *, owner: FakeUser, files: Mapping[str, bytes], default_branch: str
    ) -> Repository:
        """A repository with one initial commit on its default branch; ``owner`` is admin."""
        with self.lock:
            if full_name in self.repos:
                raise Rejected("repo_exists", full_name)
            repo = Repository(
                id=self.next_id(),
                full_name=full_name,
                default_branch=default_branch,
                created_at=self.now(),
            )
            repo.members[owner.id] = Role.ADMIN
            tree, _ = git.apply_changes({}, {p: self._store_blob(c) for p, c in files.items()})
            root = self._new_commit(parents=(), tree=tree, message="Initial commit", author=owner)
            repo.branches[default_branch] = root.sha
            self.repos[full_name] = repo
            return repo

    def find_repo(self, key: str) -> Repository:
        """By full name, or by numeric id (GitLab accepts both)."""
        repo = self.repos.get(key)
        if repo is None and key.isdigit():
            repo = next((r for r in self.repos.values() if r.id == int(key)), None)
        if repo is None:
            raise Rejected("not_found", f"repository {key}")
        return repo

    def _store_blob(self, content: bytes) -> str:
        sha = git.blob_sha(content)
        self.blobs[sha] = content
        return sha

    def _new_commit(
        self,
        *,
        parents: tuple[str, ...],
        tree: Mapping[str, str],
        message: str,
        author: FakeUser,
        changes: Mapping[str, str] | None = None,
    ) -> Commit:
        sha = git.commit_sha(parents=parents, tree=tree, message=message, seq=self.next_id())
        commit = Commit(
            sha=sha,
            parents=parents,
            tree=dict(tree),
            message=message,
            author_id=author.id,
            timestamp=self.now(),
            changes=dict(changes or {}),
        )
        self.commits[sha] = commit
        return commit

    def resolve(self, repo: Repository, ref: str) -> Commit:
        """A branch name (also ``heads/x``/``refs/heads/x``) or a full commit sha."""
        branch = ref.removeprefix("refs/").removeprefix("heads/")
        sha = repo.branches.get(branch) or (ref if ref in self.commits else None)
        if sha is None or sha not in self._reachable(repo):
            raise Rejected("bad_ref", ref)
        return self.commits[sha]

    def _reachable(self, repo: Repository) -> set[str]:
        found: set[str] = set()
        for head in repo.branches.values():
            found.update(git.ancestors(self.commits, head))
        for cr in repo.crs.values():
            found.update(v.head_sha for v in cr.versions)
        return found

    def branch_containing(self, repo: Repository, sha: str) -> str | None:
        """The first branch whose history contains ``sha`` (GitLab's status ``ref`` default)."""
        names = sorted(repo.branches, key=lambda b: (b != repo.default_branch, b))
        return next(
            (b for b in names if git.is_ancestor(self.commits, sha, repo.branches[b])), None
        )

    def create_branch(self, repo: Repository, name: str, sha: str, *, actor: FakeUser) -> None:
        with self.lock:
            self.require(repo, actor, Role.WRITE)
            if name in repo.branches:
                raise Rejected("ref_exists", name)
            target = self.resolve(repo, sha)
            repo.branches[name] = target.sha
            self.emit(PushEvent(repo, name, git.ZERO_SHA, target.sha, (), actor))

    def delete_branch(self, repo: Repository, name: str, *, actor: FakeUser) -> None:
        with self.lock:
            self._require_push(repo, actor, name)
            if name == repo.default_branch:
                raise Rejected("forbidden", "the default branch cannot be deleted")
            if name not in repo.branches:
                raise Rejected("not_found", f"branch {name}")
            before = repo.branches.pop(name)
            self.emit(PushEvent(repo, name, before, git.ZERO_SHA, (), actor))

    def commit(
        self,
        repo: Repository,
        *,
        branch: str,
        changes: Mapping[str, bytes | None],
        message: str,
        author: FakeUser,
        start: str | None = None,
    ) -> Commit:
        """Commit file changes (None removes) on top of ``branch`` (or of ``start`` for a new
        branch), move the branch, emit the push and update open change requests."""
        with self.lock:
            self._require_push(repo, author, branch)
            before = repo.branches.get(branch)
            parent_ref = before or start
            if parent_ref is None:
                raise Rejected("bad_ref", branch)
            parent = self.resolve(repo, parent_ref)
            blobs = {p: (None if c is None else self._store_blob(c)) for p, c in changes.items()}
            tree, kinds = git.apply_changes(parent.tree, blobs)
            created = self._new_commit(
                parents=(parent.sha,), tree=tree, message=message, author=author, changes=kinds
            )
            self._move_branch(repo, branch, before, created, (created,), author)
            return created

    def _require_push(self, repo: Repository, user: FakeUser, branch: str) -> None:
        """GitLab protects the default branch: only Maintainers push (or merge) to it."""
        protected = self.flavor == "gitlab" and branch == repo.default_branch
        self.require(repo, user, Role.MAINTAIN if protected else Role.WRITE)

    def _move_branch(
        self,
        repo: Repository,
        branch: str,
        before: str | None,
        head: Commit,
        commits: tuple[Commit, ...],
        pusher: FakeUser,
    ) -> None:
        repo.branches[branch] = head.sha
        self.emit(PushEvent(repo, branch, before or git.ZERO_SHA, head.sha, commits, pusher))
        for cr in repo.crs.values():
            if cr.state == "open" and cr.source == branch:
                self._new_head(repo, cr, head, pusher)

    def _new_head(
        self, repo: Repository, cr: ChangeRequest, head: Commit, pusher: FakeUser
    ) -> None:
        previous = cr.head_sha
        cr.head_sha = head.sha
        cr.updated_at = self.now()
        cr.versions.append(Version(self.next_id(), head.sha, cr.base_sha, cr.updated_at))
        if self.flavor == "gitlab":
            if self.edition == "ee":  # EE's default "reset approvals on push"
                cr.approvals.clear()
            short = f"{head.sha[:8]} - {head.title}"
            self.add_note(repo, cr, pusher, f"added 1 commit\n\n<ul><li>{short}</li></ul>", True)
        self.emit(ChangeRequestEvent(repo, cr, "synchronize", pusher, before=previous))

    # -- change requests -----------------------------------------------------------------

    def open_cr(
        self,
        repo: Repository,
        *,
        source: str,
        target: str,
        title: str,
        body: str,
        author: FakeUser,
    ) -> ChangeRequest:
        with self.lock:
            self.require(repo, author, Role.WRITE)
            for name in (source, target):
                if name not in repo.branches:
                    raise Rejected("no_branch", name)
            if source == target:
                raise Rejected("same_branch", source)
            duplicate = next(
                (
                    c
                    for c in repo.crs.values()
                    if c.state == "open" and c.source == source and c.target == target
                ),
                None,
            )
            if duplicate is not None:
                raise Rejected("duplicate_cr", str(duplicate.number))
            now = self.now()
            head = repo.branches[source]
            base = git.merge_base(self.commits, repo.branches[target], head) or head
            cr = ChangeRequest(
                id=self.next_id(),
                number=repo.next_number,
                title=title,
                body=body,
                source=source,
                target=target,
                author_id=author.id,
                head_sha=head,
                base_sha=base,
                created_at=now,
                updated_at=now,
            )
            cr.versions.append(Version(self.next_id(), head, base, now))
            repo.next_number += 1
            repo.crs[cr.number] = cr
            self.emit(ChangeRequestEvent(repo, cr, "opened", author))
            return cr

    def find_cr(self, repo: Repository, number: int) -> ChangeRequest:
        cr = repo.crs.get(number)
        if cr is None:
            raise Rejected("not_found", f"change request {number}")
        return cr

    def edit_cr(
        self,
        repo: Repository,
        cr: ChangeRequest,
        *,
        actor: FakeUser,
        title: str | None = None,
        body: str | None = None,
    ) -> None:
        with self.lock:
            if actor.id != cr.author_id:
                self.require(repo, actor, Role.WRITE)
            changes: list[tuple[str, str, str]] = []
            if title is not None and title != cr.title:
                changes.append(("title", cr.title, title))
                cr.title = title
            if body is not None and body != cr.body:
                changes.append(("body", cr.body, body))
                cr.body = body
            if changes:
                cr.updated_at = self.now()
                self.emit(ChangeRequestEvent(repo, cr, "edited", actor, changes=tuple(changes)))

    def close_cr(self, repo: Repository, cr: ChangeRequest, *, actor: FakeUser) -> None:
        with self.lock:
            if actor.id != cr.author_id:
                self.require(repo, actor, Role.WRITE)
            if cr.state != "open":
                raise Rejected("not_open", str(cr.number))
            cr.state = "closed"
            cr.closed_at = cr.updated_at = self.now()
            cr.closed_by = actor.id
            self.emit(ChangeRequestEvent(repo, cr, "closed", actor))

    def mergeable(self, repo: Repository, cr: ChangeRequest) -> bool:
        try:
            git.merge_trees(self.commits, repo.branches[cr.target], cr.head_sha)
        except git.MergeConflict:
            return False
        return True

    def merge_cr(
        self,
        repo: Repository,
        cr: ChangeRequest,
        *,
        actor: FakeUser,
        sha: str | None,
        message: str | None,
        squash: bool = False,
    ) -> Commit:
        """Merge (merge commit, or one squashed commit) into the target, if the head is ``sha``."""
        with self.lock:
            self._require_push(repo, actor, cr.target)
            if cr.state != "open":
                raise Rejected("not_open", str(cr.number))
            if sha is not None and sha != cr.head_sha:
                raise Rejected("stale_head", sha)
            target_head = repo.branches[cr.target]
            try:
                tree = git.merge_trees(self.commits, target_head, cr.head_sha)
            except git.MergeConflict as exc:
                raise Rejected("not_mergeable", str(exc)) from None
            parents = (target_head,) if squash else (target_head, cr.head_sha)
            text = message or f"Merge branch '{cr.source}' into '{cr.target}'"
            merged = self._new_commit(parents=parents, tree=tree, message=text, author=actor)
            cr.state = "merged"
            cr.merged_at = cr.closed_at = cr.updated_at = self.now()
            cr.merge_commit_sha = merged.sha
            cr.closed_by = actor.id
            self._move_branch(repo, cr.target, target_head, merged, (merged,), actor)
            self.emit(ChangeRequestEvent(repo, cr, "merged", actor))
            return merged

    # -- notes, statuses and hooks -------------------------------------------------------

    def add_note(
        self, repo: Repository, cr: ChangeRequest, author: FakeUser, body: str, system: bool
    ) -> Note:
        now = self.now()
        note = Note(self.next_id(), cr.number, author.id, body, now, now, system)
        repo.notes[note.id] = note
        return note

    def add_status(
        self,
        repo: Repository,
        *,
        sha: str,
        context: str,
        state: str,
        description: str | None,
        target_url: str | None,
        creator: FakeUser,
        ref: str | None = None,
    ) -> Status:
        """A commit status; ``ref`` defaults to a branch containing ``sha`` (GitLab's rule)."""
        with self.lock:
            self.require(repo, creator, Role.WRITE)
            self.resolve(repo, sha)
            status = Status(
                id=self.next_id(),
                sha=sha,
                ref=ref or self.branch_containing(repo, sha),
                context=context,
                state=state,
                description=description,
                target_url=target_url,
                creator_id=creator.id,
                created_at=self.now(),
            )
            repo.statuses.append(status)
            return status

    def add_hook(self, repo: Repository, *, url: str, secret: str | None) -> Hook:
        with self.lock:
            hook = Hook(self.next_id(), url, secret)
            repo.hooks.append(hook)
            return hook
