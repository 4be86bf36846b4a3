"""The GitLab REST v4 subset the fake serves (FORGE_API.md §2.3 and Appendix A): user,
projects, repository tree/files/branches/commits, statuses, members here; merge requests,
notes and approvals in ``gitlab_mrs``, which registers its routes on the same router.

Projects are addressed by numeric id or by URL-encoded full path (``grp%2Fsub%2Fapp``).
Errors follow Grape: ``{"message": "404 Project Not Found"}``, ``{"error": "ref is missing"}``
for a missing parameter, 400 for file and branch conflicts, 409 for stale merge shas.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from app.devforge.git import Commit
from app.devforge.gitlab_json import GitLabViews
from app.devforge.http import ApiError, Reply, Request, Router, paginate
from app.devforge.model import FakeUser, Rejected, Repository, Role
from app.devforge.state import Store

_STATUS_STATES = ("pending", "running", "success", "failed", "canceled", "skipped")


class Context:
    """What a route needs: the store, the request, JSON views, the authenticated user."""

    def __init__(self, store: Store, request: Request) -> None:
        self.store = store
        self.request = request
        self.user = request.require_user()
        self.views = GitLabViews(store, request.origin)

    def project(self, params: dict[str, str], needed: Role = Role.READ) -> Repository:
        try:
            repo = self.store.find_repo(params["id"])
        except Rejected:
            raise message(404, "404 Project Not Found") from None
        if self.store.role(repo, self.user) < Role.READ:
            raise message(404, "404 Project Not Found")
        if self.store.role(repo, self.user) < needed:
            raise message(403, "403 Forbidden")
        return repo

    def required(self, name: str) -> str:
        value = self.request.param(name)
        if value is None or value == "":
            raise ApiError(400, {"error": f"{name} is missing"})
        return value

    def page(self, items: list[Any], *, per_page: int = 20) -> Reply:
        return paginate(self.request, items, default_per_page=per_page, gitlab_headers=True)


router: Router[Context] = Router()


def message(status: int, text: Any) -> ApiError:
    return ApiError(status, {"message": text})


def authenticate(store: Store, request: Request) -> FakeUser:
    token = request.headers.get("private-token", "")
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    if not token and scheme.lower() == "bearer":
        token = bearer.strip()
    user = store.user_by_token(token) if token else None
    if user is None:
        raise message(401, "401 Unauthorized")
    return user


def handle(store: Store, request: Request) -> Reply:
    """Answer one API request (``request.path`` is below ``/api/v4``)."""
    found = router.match(request.method, request.path)
    if found is None:
        raise ApiError(404, {"error": "404 Not Found"})
    handler, params = found
    with store.lock:
        request.user = authenticate(store, request)
        try:
            return handler(Context(store, request), params)
        except Rejected as exc:
            raise _rejected(exc) from None


def _rejected(exc: Rejected) -> ApiError:
    """Rejections a route did not translate itself get GitLab's generic answers."""
    if exc.code == "not_found":
        return message(404, "404 Not found")
    if exc.code == "forbidden":
        return message(403, "403 Forbidden")
    return message(400, exc.detail or exc.code)


def _resolve(ctx: Context, repo: Repository, ref: str) -> Commit:
    try:
        return ctx.store.resolve(repo, ref)
    except Rejected:
        raise message(404, "404 Commit Not Found") from None


# -- user, project, members ---------------------------------------------------------------


@router.route("GET", "user")
def get_me(ctx: Context, _: dict[str, str]) -> Reply:
    return Reply(
        ctx.views.user(ctx.user)
        | {"email": ctx.user.email, "public_email": None, "bot": False, "is_admin": False}
    )


@router.route("GET", "projects/{id}")
def get_project(ctx: Context, params: dict[str, str]) -> Reply:
    return Reply(ctx.views.project(ctx.project(params)))


def _members(ctx: Context, repo: Repository) -> list[dict[str, Any]]:
    return [
        ctx.views.member(ctx.store.users[uid], int(role), repo.created_at)
        for uid, role in sorted(repo.members.items())
        if role > Role.NONE
    ]


@router.route("GET", "projects/{id}/members/all")
def list_members(ctx: Context, params: dict[str, str]) -> Reply:
    query = (ctx.request.param("query") or "").lower()
    found = [
        m
        for m in _members(ctx, ctx.project(params))
        if query in m["username"].lower() or query in m["name"].lower()
    ]
    return ctx.page(found)


@router.route("GET", "projects/{id}/members/all/{user_id}")
def get_member(ctx: Context, params: dict[str, str]) -> Reply:
    found = [m for m in _members(ctx, ctx.project(params)) if str(m["id"]) == params["user_id"]]
    if not found:
        raise message(404, "404 Not found")
    return Reply(found[0])


# -- repository: tree, files --------------------------------------------------------------


@router.route("GET", "projects/{id}/repository/tree")
def get_tree(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    commit = _resolve(ctx, repo, ctx.request.param("ref") or repo.default_branch)
    path = (ctx.request.param("path") or "").strip("/")
    recursive = (ctx.request.param("recursive") or "false").lower() == "true"
    prefix = f"{path}/" if path else ""
    entries: dict[str, str | None] = {}
    for file_path, blob in commit.tree.items():
        if not file_path.startswith(prefix):
            continue
        parts = file_path[len(prefix) :].split("/")
        for depth in range(1, len(parts) if recursive else 1):
            entries[prefix + "/".join(parts[:depth])] = None
        if recursive or len(parts) == 1:
            entries[file_path] = blob
        else:
            entries[prefix + parts[0]] = None
    if path and not entries:
        raise message(404, "404 Tree Not Found")
    items = [
        {
            "id": blob or "0" * 40,
            "name": p.rsplit("/", 1)[-1],
            "type": "blob" if blob else "tree",
            "path": p,
            "mode": "100644" if blob else "040000",
        }
        for p, blob in sorted(entries.items(), key=lambda e: (e[1] is not None, e[0]))
    ]
    return ctx.page(items)


def _file_at(ctx: Context, repo: Repository, path: str) -> tuple[str, Commit]:
    ref = ctx.required("ref")
    commit = _resolve(ctx, repo, ref)
    if path not in commit.tree:
        raise message(404, "404 File Not Found")
    return ref, commit


@router.route("GET", "projects/{id}/repository/files/{file}")
def get_file(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    ref, commit = _file_at(ctx, repo, params["file"])
    return Reply(ctx.views.file(repo, params["file"], ref, commit))


@router.route("GET", "projects/{id}/repository/files/{file}/raw")
def get_raw_file(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    if ctx.request.param("ref") is None:
        ctx.request.query.append(("ref", repo.default_branch))
    _, commit = _file_at(ctx, repo, params["file"])
    data = ctx.store.blobs[commit.tree[params["file"]]]
    return Reply(data, media_type="text/plain; charset=utf-8")


def decode_content(content: str, encoding: str | None) -> bytes:
    if encoding == "base64":
        try:
            return base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise message(400, "content is not valid Base64") from None
    return content.encode()


def commit_files(
    ctx: Context,
    repo: Repository,
    *,
    branch: str,
    changes: dict[str, bytes | None],
    start: str | None = None,
) -> Commit:
    """Commit as ``ctx.user``; GitLab answers 400 for a branch it cannot commit to."""
    if branch not in repo.branches and start is None:
        raise message(400, "You can only create or edit files when you are on a branch")
    try:
        return ctx.store.commit(
            repo,
            branch=branch,
            changes=changes,
            message=ctx.required("commit_message"),
            author=ctx.user,
            start=start,
        )
    except Rejected as exc:
        if exc.code == "forbidden":
            raise message(403, "403 Forbidden") from None
        if exc.code == "bad_ref":
            raise message(400, f"Invalid reference name: {start or branch}") from None
        raise


def _current(ctx: Context, repo: Repository, branch: str) -> dict[str, str]:
    sha = repo.branches.get(branch)
    return dict(ctx.store.commits[sha].tree) if sha else {}


@router.route("POST", "projects/{id}/repository/files/{file}")
def create_file(ctx: Context, params: dict[str, str]) -> Reply:
    repo, path = ctx.project(params, Role.WRITE), params["file"]
    branch = ctx.required("branch")
    content = decode_content(ctx.required("content"), ctx.request.param("encoding"))
    start = ctx.request.param("start_branch")
    if path in _current(ctx, repo, branch if branch in repo.branches else start or branch):
        raise message(400, "A file with this name already exists")
    commit_files(ctx, repo, branch=branch, changes={path: content}, start=start)
    return Reply({"file_path": path, "branch": branch}, status=201)


@router.route("PUT", "projects/{id}/repository/files/{file}")
def update_file(ctx: Context, params: dict[str, str]) -> Reply:
    repo, path = ctx.project(params, Role.WRITE), params["file"]
    branch = ctx.required("branch")
    content = decode_content(ctx.required("content"), ctx.request.param("encoding"))
    tree = _current(ctx, repo, branch)
    if path not in tree:
        raise message(400, "A file with this name doesn't exist")
    _check_last_commit(ctx, repo, branch, path)
    commit_files(ctx, repo, branch=branch, changes={path: content})
    return Reply({"file_path": path, "branch": branch})


@router.route("DELETE", "projects/{id}/repository/files/{file}")
def delete_file(ctx: Context, params: dict[str, str]) -> Reply:
    repo, path = ctx.project(params, Role.WRITE), params["file"]
    branch = ctx.required("branch")
    if path not in _current(ctx, repo, branch):
        raise message(400, "A file with this name doesn't exist")
    _check_last_commit(ctx, repo, branch, path)
    commit_files(ctx, repo, branch=branch, changes={path: None})
    return Reply(None, status=204)


def _check_last_commit(ctx: Context, repo: Repository, branch: str, path: str) -> None:
    """GitLab's optimistic lock: ``last_commit_id`` must be the last commit touching ``path``."""
    expected = ctx.request.param("last_commit_id")
    if expected is None:
        return
    head = ctx.store.commits[repo.branches[branch]]
    if ctx.views.file(repo, path, branch, head)["last_commit_id"] != expected:
        raise message(
            400,
            "You are attempting to update a file that has changed since you started editing it.",
        )


# -- branches, commits, statuses ----------------------------------------------------------


@router.route("GET", "projects/{id}/repository/branches/{branch}")
def get_branch(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    if params["branch"] not in repo.branches:
        raise message(404, "404 Branch Not Found")
    return Reply(ctx.views.branch(repo, params["branch"]))


@router.route("POST", "projects/{id}/repository/branches")
def create_branch(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params, Role.WRITE)
    name, ref = ctx.required("branch"), ctx.required("ref")
    if name in repo.branches:
        raise message(400, "Branch already exists")
    try:
        sha = ctx.store.resolve(repo, ref).sha
    except Rejected:
        raise message(400, f"Invalid reference name: {ref}") from None
    ctx.store.create_branch(repo, name, sha, actor=ctx.user)
    return Reply(ctx.views.branch(repo, name), status=201)


@router.route("DELETE", "projects/{id}/repository/branches/{branch}")
def delete_branch(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params, Role.WRITE)
    if params["branch"] not in repo.branches:
        raise message(404, "404 Branch Not Found")
    ctx.store.delete_branch(repo, params["branch"], actor=ctx.user)
    return Reply(None, status=204)


@router.route("GET", "projects/{id}/repository/commits/{sha}")
def get_commit(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    return Reply(ctx.views.commit(repo, _resolve(ctx, repo, params["sha"])))


@router.route("POST", "projects/{id}/statuses/{sha}")
def create_status(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params, Role.WRITE)
    state = ctx.required("state")
    if state not in _STATUS_STATES:
        raise ApiError(400, {"error": "state does not have a valid value"})
    if params["sha"] not in ctx.store.commits:
        raise message(404, "404 Commit Not Found")
    ref = ctx.request.param("ref") or ctx.store.branch_containing(repo, params["sha"])
    if ref is None:
        raise message(404, "404 References for commit Not Found")
    status = ctx.store.add_status(
        repo,
        sha=params["sha"],
        context=ctx.request.param("name") or ctx.request.param("context") or "default",
        state=state,
        description=ctx.request.param("description"),
        target_url=ctx.request.param("target_url"),
        creator=ctx.user,
        ref=ref,
    )
    return Reply(ctx.views.status(status), status=201)


@router.route("GET", "projects/{id}/repository/commits/{sha}/statuses")
def list_statuses(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    sha = _resolve(ctx, repo, params["sha"]).sha
    return ctx.page([ctx.views.status(s) for s in repo.statuses if s.sha == sha])
