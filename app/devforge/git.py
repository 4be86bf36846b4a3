"""Just enough git for the fake forge: blobs, commits with flat trees, ancestry, 3-way merge.

Blob ids are real git blob shas (``sha1("blob <len>\\0" + content)``), so a blob sha the fake
reports is the one GitHub/GitLab would report for the same content. Commit ids are sha1s of
the commit's content and a sequence number (unique, but not git-compatible: nothing needs that).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

ZERO_SHA = "0" * 40


def blob_sha(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    tree: Mapping[str, str]  # path -> blob sha; directories are implied by paths
    message: str
    author_id: int
    timestamp: datetime
    changes: Mapping[str, str] = field(default_factory=dict)  # path -> added/modified/removed

    @property
    def title(self) -> str:
        return self.message.split("\n", 1)[0]


class MergeConflict(Exception):
    """Both sides changed the same file differently since their merge base."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        super().__init__(f"conflicting files: {', '.join(paths)}")


def commit_sha(*, parents: tuple[str, ...], tree: Mapping[str, str], message: str, seq: int) -> str:
    text = "\n".join([*parents, *(f"{p} {b}" for p, b in sorted(tree.items())), message, str(seq)])
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def apply_changes(
    tree: Mapping[str, str], changes: Mapping[str, str | None]
) -> tuple[dict[str, str], dict[str, str]]:
    """The new tree after setting (blob sha) or removing (None) paths, and what changed."""
    new = dict(tree)
    kinds: dict[str, str] = {}
    for path, blob in changes.items():
        if blob is None:
            if new.pop(path, None) is not None:
                kinds[path] = "removed"
        elif new.get(path) != blob:
            kinds[path] = "modified" if path in new else "added"
            new[path] = blob
    return new, kinds


def ancestors(commits: Mapping[str, Commit], sha: str) -> list[str]:
    """``sha`` and all its ancestors, nearest first (breadth-first)."""
    seen: list[str] = []
    queue = [sha]
    while queue:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.append(current)
        queue.extend(commits[current].parents)
    return seen


def merge_base(commits: Mapping[str, Commit], ours: str, theirs: str) -> str | None:
    theirs_ancestry = set(ancestors(commits, theirs))
    return next((c for c in ancestors(commits, ours) if c in theirs_ancestry), None)


def merge_trees(commits: Mapping[str, Commit], ours: str, theirs: str) -> dict[str, str]:
    """Three-way merge of two commits' trees, file by file; raises MergeConflict."""
    base_sha = merge_base(commits, ours, theirs)
    base = commits[base_sha].tree if base_sha else {}
    mine, other = commits[ours].tree, commits[theirs].tree
    merged: dict[str, str] = {}
    conflicts: list[str] = []
    for path in sorted(set(base) | set(mine) | set(other)):
        b, m, o = base.get(path), mine.get(path), other.get(path)
        if m != b and o != b and m != o:
            conflicts.append(path)
            continue
        result = o if m == b else m
        if result is not None:
            merged[path] = result
    if conflicts:
        raise MergeConflict(conflicts)
    return merged


def is_ancestor(commits: Mapping[str, Commit], maybe_ancestor: str, sha: str) -> bool:
    return maybe_ancestor in ancestors(commits, sha)


def tree_sha(tree: Mapping[str, str]) -> str:
    """A stable id for a tree (not git's: the fake never serves tree objects)."""
    text = "\n".join(f"{path} {blob}" for path, blob in sorted(tree.items()))
    return hashlib.sha1(b"tree\0" + text.encode(), usedforsecurity=False).hexdigest()
