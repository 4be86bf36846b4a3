"""GitHub REST representations of the fake's records (shapes from docs.github.com and
PyGithub's recorded replays; field lists in FORGE_API.md §1.3 and §3.2).

Every absolute URL is built from ``api`` (the base URL the client used, e.g.
``http://127.0.0.1:PORT`` or ``…/api/v3``), because PyGithub refuses to follow URLs on another
host, port or prefix. HTML URLs live at the server's root, like github.com's.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from app.devforge import git
from app.devforge.git import Commit
from app.devforge.model import ChangeRequest, FakeUser, Note, Repository, Review, Role, Status
from app.devforge.state import Store

JsonDict = dict[str, Any]


def timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class GitHubViews:
    store: Store
    api: str
    html: str

    def user(self, user: FakeUser) -> JsonDict:
        return {
            "login": user.username,
            "id": user.id,
            "node_id": f"U_{user.id}",
            "avatar_url": f"{self.html}/avatars/{user.id}",
            "gravatar_id": "",
            "url": f"{self.api}/users/{user.username}",
            "html_url": f"{self.html}/{user.username}",
            "type": "User",
            "site_admin": False,
        }

    def user_id(self, user_id: int) -> JsonDict:
        return self.user(self.store.users[user_id])

    def owner(self, repo: Repository) -> JsonDict:
        """Repository owners are organizations here; ids derive stably from the name."""
        oid = sum(repo.owner.encode()) + 1_000_000
        return {
            "login": repo.owner,
            "id": oid,
            "node_id": f"O_{oid}",
            "url": f"{self.api}/users/{repo.owner}",
            "html_url": f"{self.html}/{repo.owner}",
            "type": "Organization",
            "site_admin": False,
        }

    def repo_url(self, repo: Repository) -> str:
        return f"{self.api}/repos/{repo.full_name}"

    def repo(self, repo: Repository) -> JsonDict:
        url = self.repo_url(repo)
        return {
            "id": repo.id,
            "node_id": f"R_{repo.id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "private": True,
            "owner": self.owner(repo),
            "html_url": f"{self.html}/{repo.full_name}",
            "description": None,
            "fork": False,
            "url": url,
            "pulls_url": f"{url}/pulls{{/number}}",
            "issues_url": f"{url}/issues{{/number}}",
            "statuses_url": f"{url}/statuses/{{sha}}",
            "clone_url": f"{self.html}/{repo.full_name}.git",
            "created_at": timestamp(repo.created_at),
            "updated_at": timestamp(repo.created_at),
            "pushed_at": timestamp(repo.created_at),
            "default_branch": repo.default_branch,
            "visibility": "private",
            "archived": False,
            "disabled": False,
        }

    def association(self, repo: Repository, user_id: int) -> str:
        role = repo.members.get(user_id, Role.NONE)
        if role >= Role.ADMIN:
            return "OWNER"
        return "COLLABORATOR" if role >= Role.READ else "NONE"

    def branch_end(self, repo: Repository, branch: str, sha: str) -> JsonDict:
        return {
            "label": f"{repo.owner}:{branch}",
            "ref": branch,
            "sha": sha,
            "user": self.owner(repo),
            "repo": self.repo(repo),
        }

    def pull(self, repo: Repository, cr: ChangeRequest, *, simple: bool = False) -> JsonDict:
        """The full PR object; ``simple`` drops what webhooks' simple PR lacks."""
        url = f"{self.repo_url(repo)}/pulls/{cr.number}"
        html = f"{self.html}/{repo.full_name}/pull/{cr.number}"
        data: JsonDict = {
            "url": url,
            "id": cr.id,
            "node_id": f"PR_{cr.id}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": f"{self.repo_url(repo)}/issues/{cr.number}",
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "comments_url": f"{self.repo_url(repo)}/issues/{cr.number}/comments",
            "statuses_url": f"{self.repo_url(repo)}/statuses/{cr.head_sha}",
            "number": cr.number,
            "state": "open" if cr.state == "open" else "closed",
            "locked": False,
            "title": cr.title,
            "user": self.user_id(cr.author_id),
            "body": cr.body or None,
            "labels": [],
            "milestone": None,
            "created_at": timestamp(cr.created_at),
            "updated_at": timestamp(cr.updated_at),
            "closed_at": timestamp(cr.closed_at),
            "merged_at": timestamp(cr.merged_at),
            "merge_commit_sha": cr.merge_commit_sha,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "draft": False,
            "head": self.branch_end(repo, cr.source, cr.head_sha),
            "base": self.branch_end(repo, cr.target, repo.branches.get(cr.target, cr.base_sha)),
            "author_association": self.association(repo, cr.author_id),
            "auto_merge": None,
        }
        if simple:
            return data
        mergeable = self.store.mergeable(repo, cr) if cr.state == "open" else None
        state = {True: "clean", False: "dirty", None: "unknown"}[mergeable]
        merged_by = self.user_id(cr.closed_by) if cr.state == "merged" and cr.closed_by else None
        return data | {
            "merged": cr.state == "merged",
            "mergeable": mergeable,
            "rebaseable": mergeable,
            "mergeable_state": state,
            "merged_by": merged_by,
            "comments": sum(1 for n in repo.notes.values() if n.number == cr.number),
            "review_comments": 0,
            "maintainer_can_modify": False,
            "commits": 1,
            "additions": 0,
            "deletions": 0,
            "changed_files": 0,
        }

    def issue(self, repo: Repository, cr: ChangeRequest) -> JsonDict:
        """The PR seen as an issue; ``pull_request`` marks it as a PR (no head sha here)."""
        pull = self.pull(repo, cr)
        return {
            "url": pull["issue_url"],
            "repository_url": self.repo_url(repo),
            "comments_url": pull["comments_url"],
            "html_url": pull["html_url"],
            "id": cr.id,
            "node_id": f"I_{cr.id}",
            "number": cr.number,
            "title": cr.title,
            "user": pull["user"],
            "labels": [],
            "state": pull["state"],
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": pull["comments"],
            "created_at": pull["created_at"],
            "updated_at": pull["updated_at"],
            "closed_at": pull["closed_at"],
            "author_association": pull["author_association"],
            "body": pull["body"],
            "pull_request": {
                "url": pull["url"],
                "html_url": pull["html_url"],
                "diff_url": pull["diff_url"],
                "patch_url": pull["patch_url"],
                "merged_at": timestamp(cr.merged_at),
            },
        }

    def comment(self, repo: Repository, note: Note) -> JsonDict:
        url = f"{self.repo_url(repo)}/issues/comments/{note.id}"
        return {
            "id": note.id,
            "node_id": f"IC_{note.id}",
            "url": url,
            "html_url": f"{self.html}/{repo.full_name}/pull/{note.number}#issuecomment-{note.id}",
            "issue_url": f"{self.repo_url(repo)}/issues/{note.number}",
            "body": note.body,
            "user": self.user_id(note.author_id),
            "created_at": timestamp(note.created_at),
            "updated_at": timestamp(note.updated_at),
            "author_association": self.association(repo, note.author_id),
        }

    def review(self, repo: Repository, cr: ChangeRequest, review: Review) -> JsonDict:
        pr_url = f"{self.repo_url(repo)}/pulls/{cr.number}"
        html = f"{self.html}/{repo.full_name}/pull/{cr.number}#pullrequestreview-{review.id}"
        return {
            "id": review.id,
            "node_id": f"PRR_{review.id}",
            "user": self.user_id(review.user_id),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": pr_url,
            "author_association": self.association(repo, review.user_id),
            "submitted_at": timestamp(review.submitted_at),
            "commit_id": review.commit_id,
            "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
        }

    def git_person(self, commit: Commit) -> JsonDict:
        author = self.store.users[commit.author_id]
        return {"name": author.name, "email": author.email, "date": timestamp(commit.timestamp)}

    def git_commit(self, repo: Repository, commit: Commit) -> JsonDict:
        """The git-data commit (as in contents-API answers)."""
        url = f"{self.repo_url(repo)}/git/commits/{commit.sha}"
        return {
            "sha": commit.sha,
            "node_id": f"C_{commit.sha}",
            "url": url,
            "html_url": f"{self.html}/{repo.full_name}/commit/{commit.sha}",
            "author": self.git_person(commit),
            "committer": self.git_person(commit),
            "message": commit.message,
            "tree": {"sha": git.tree_sha(commit.tree), "url": f"{url}/tree"},
            "parents": [
                {"sha": p, "url": f"{self.repo_url(repo)}/git/commits/{p}"} for p in commit.parents
            ],
        }

    def commit(self, repo: Repository, commit: Commit) -> JsonDict:
        """The REST commit (``GET /repos/{o}/{r}/commits/{sha}``)."""
        url = f"{self.repo_url(repo)}/commits/{commit.sha}"
        author = self.user_id(commit.author_id)
        return {
            "sha": commit.sha,
            "node_id": f"C_{commit.sha}",
            "url": url,
            "html_url": f"{self.html}/{repo.full_name}/commit/{commit.sha}",
            "commit": self.git_commit(repo, commit),
            "author": author,
            "committer": author,
            "parents": [
                {"sha": p, "url": f"{self.repo_url(repo)}/commits/{p}"} for p in commit.parents
            ],
            "files": [{"filename": p, "status": s} for p, s in commit.changes.items()],
        }

    def content_item(self, repo: Repository, path: str, blob: str | None, ref: str) -> JsonDict:
        """A directory-listing entry (``blob`` None for a directory)."""
        url = f"{self.repo_url(repo)}/contents/{quote(path)}?ref={quote(ref, safe='')}"
        size = len(self.store.blobs[blob]) if blob else 0
        kind = "file" if blob else "dir"
        return {
            "type": kind,
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": blob or git.tree_sha({path: ""}),
            "size": size,
            "url": url,
            "html_url": f"{self.html}/{repo.full_name}/blob/{ref}/{path}",
            "git_url": f"{self.repo_url(repo)}/git/{'blobs' if blob else 'trees'}/{blob}",
            "download_url": f"{self.html}/raw/{repo.full_name}/{ref}/{path}" if blob else None,
            "_links": {"self": url},
        }

    def content_file(self, repo: Repository, path: str, blob: str, ref: str) -> JsonDict:
        """A file with content; like GitHub, base64 wrapped at 60 characters, and no content
        (encoding "none") over 1 MB."""
        data = self.store.blobs[blob]
        item = self.content_item(repo, path, blob, ref)
        if len(data) > 1024 * 1024:
            return item | {"encoding": "none", "content": ""}
        encoded = base64.b64encode(data).decode()
        wrapped = "".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60))
        return item | {"encoding": "base64", "content": wrapped}

    def status(self, repo: Repository, status: Status) -> JsonDict:
        return {
            "url": f"{self.repo_url(repo)}/statuses/{status.sha}",
            "id": status.id,
            "node_id": f"SC_{status.id}",
            "state": status.state,
            "description": status.description,
            "target_url": status.target_url,
            "context": status.context,
            "created_at": timestamp(status.created_at),
            "updated_at": timestamp(status.created_at),
            "creator": self.user_id(status.creator_id),
        }
