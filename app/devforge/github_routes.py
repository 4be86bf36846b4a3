"""The GitHub REST v3 subset the fake serves (FORGE_API.md §1.3 and Appendix A): users,
repositories, refs, contents, commits and statuses here; pull requests, reviews and comments
in ``github_pulls``, which registers its routes on the same router.

Status codes and error bodies follow GitHub: 401 ``Bad credentials``, 404 ``Not Found`` (also
for repositories the user cannot see), 409 for a stale blob sha or merge sha, 422
``Validation Failed`` / ``Reference already exists`` for conflicts, 405 for unmergeable PRs.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from app.devforge.git import Commit
from app.devforge.github_json import GitHubViews
from app.devforge.http import ApiError, Reply, Request, Router, paginate
from app.devforge.model import FakeUser, Rejected, Repository, Role
from app.devforge.state import Store

_DOCS = "https://docs.github.com/rest"
_ROLE_NAMES = {
    Role.ADMIN: ("admin", "admin"),
    Role.MAINTAIN: ("write", "maintain"),
    Role.WRITE: ("write", "write"),
    Role.TRIAGE: ("read", "triage"),
    Role.READ: ("read", "read"),
    Role.NONE: ("none", "none"),
}
_STATUS_STATES = ("error", "failure", "pending", "success")
# The fake never limits; the headers let clients' rate-limit bookkeeping run as it would.
_RATE_LIMIT = {
    "X-RateLimit-Limit": "5000",
    "X-RateLimit-Remaining": "4999",
    "X-RateLimit-Reset": "4102444800",
    "X-RateLimit-Resource": "core",
}


class Context:
    """What a route needs: the store, the request, JSON views at the request's base URL."""

    def __init__(self, store: Store, request: Request) -> None:
        self.store = store
        self.request = request
        self.user = request.require_user()
        self.views = GitHubViews(store, request.base, request.origin)

    def repo(self, params: dict[str, str], needed: Role = Role.READ) -> Repository:
        repo = self.store.repos.get(f"{params['owner']}/{params['repo']}")
        if repo is None or self.store.role(repo, self.user) < Role.READ:
            raise error(404, "Not Found")  # GitHub hides private repositories
        if self.store.role(repo, self.user) < needed:
            raise error(403, f"Must have {needed.name.lower()} access to repository")
        return repo

    def body(self, name: str) -> Any:
        return self.request.body.get(name)

    def page(self, items: list[Any]) -> Reply:
        return paginate(self.request, items, default_per_page=30, gitlab_headers=False)


router: Router[Context] = Router()


def error(status: int, message: str, **extra: Any) -> ApiError:
    return ApiError(status, {"message": message, **extra, "documentation_url": _DOCS})


def invalid(resource: str, code: str, message: str | None = None, **fields: str) -> ApiError:
    detail: dict[str, str] = {"resource": resource, "code": code, **fields}
    if message:
        detail["message"] = message
    return error(422, "Validation Failed", errors=[detail])


def authenticate(store: Store, request: Request) -> FakeUser:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise error(401, "Requires authentication")
    user = store.user_by_token(token.strip()) if scheme.lower() in ("token", "bearer") else None
    if user is None:
        raise error(401, "Bad credentials")
    return user


def handle(store: Store, request: Request) -> Reply:
    """Answer one API request (``request.path`` is below the API prefix)."""
    found = router.match(request.method, request.path)
    if found is None:
        raise error(404, "Not Found")
    handler, params = found
    with store.lock:
        request.user = authenticate(store, request)
        try:
            reply = handler(Context(store, request), params)
        except Rejected as exc:
            raise _rejected(exc) from None
    reply.headers.update(_RATE_LIMIT)
    return reply


def _rejected(exc: Rejected) -> ApiError:
    """Rejections a route did not translate itself get GitHub's generic answers."""
    if exc.code == "not_found":
        return error(404, "Not Found")
    if exc.code == "forbidden":
        return error(403, "Resource not accessible by personal access token")
    return error(422, "Unprocessable Entity", errors=[exc.detail or exc.code])


# -- users and repositories ---------------------------------------------------------------


@router.route("GET", "user")
def get_me(ctx: Context, _: dict[str, str]) -> Reply:
    return Reply(ctx.views.user(ctx.user))


@router.route("GET", "users/{login}")
def get_user(ctx: Context, params: dict[str, str]) -> Reply:
    try:
        return Reply(ctx.views.user(ctx.store.user_named(params["login"])))
    except Rejected:
        raise error(404, "Not Found") from None


@router.route("GET", "repos/{owner}/{repo}")
def get_repo(ctx: Context, params: dict[str, str]) -> Reply:
    return Reply(ctx.views.repo(ctx.repo(params)))


@router.route("GET", "repos/{owner}/{repo}/collaborators/{username}/permission")
def get_permission(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    try:
        user = ctx.store.user_named(params["username"])
    except Rejected:
        raise error(404, f"{params['username']} is not a user") from None
    permission, role_name = _ROLE_NAMES[ctx.store.role(repo, user)]
    return Reply({"permission": permission, "role_name": role_name, "user": ctx.views.user(user)})


# -- branches and refs --------------------------------------------------------------------


@router.route("GET", "repos/{owner}/{repo}/branches/{branch+}")
def get_branch(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    sha = repo.branches.get(params["branch"])
    if sha is None:
        raise error(404, "Branch not found")
    commit = ctx.views.commit(repo, ctx.store.commits[sha])
    return Reply({"name": params["branch"], "commit": commit, "protected": False})


def _ref(ctx: Context, repo: Repository, branch: str) -> dict[str, Any]:
    sha = repo.branches[branch]
    url = f"{ctx.views.repo_url(repo)}/git/refs/heads/{branch}"
    commit_url = f"{ctx.views.repo_url(repo)}/git/commits/{sha}"
    return {
        "ref": f"refs/heads/{branch}",
        "node_id": f"REF_{repo.id}_{branch}",
        "url": url,
        "object": {"sha": sha, "type": "commit", "url": commit_url},
    }


@router.route("GET", "repos/{owner}/{repo}/git/ref/{ref+}")
@router.route("GET", "repos/{owner}/{repo}/git/refs/{ref+}")
def get_ref(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    branch = params["ref"].removeprefix("heads/")
    if not params["ref"].startswith("heads/") or branch not in repo.branches:
        raise error(404, "Not Found")
    return Reply(_ref(ctx, repo, branch))


@router.route("POST", "repos/{owner}/{repo}/git/refs")
def create_ref(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params, Role.WRITE)
    ref, sha = str(ctx.body("ref") or ""), str(ctx.body("sha") or "")
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise error(422, "Reference name must start with 'refs/' and have at least two slashes.")
    if not ref.startswith("refs/heads/"):
        raise error(422, "Only branch references (refs/heads/...) are supported by this forge.")
    if sha not in ctx.store.commits:
        raise error(422, "Object does not exist")
    branch = ref.removeprefix("refs/heads/")
    try:
        ctx.store.create_branch(repo, branch, sha, actor=ctx.user)
    except Rejected as exc:
        if exc.code == "ref_exists":
            raise error(422, "Reference already exists") from None
        raise
    return Reply(_ref(ctx, repo, branch), status=201)


@router.route("DELETE", "repos/{owner}/{repo}/git/refs/{ref+}")
def delete_ref(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params, Role.WRITE)
    branch = params["ref"].removeprefix("heads/")
    if branch not in repo.branches:
        raise error(422, "Reference does not exist")
    ctx.store.delete_branch(repo, branch, actor=ctx.user)
    return Reply(None, status=204)


@router.route("GET", "repos/{owner}/{repo}/git/blobs/{sha}")
def get_blob(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    data = ctx.store.blobs.get(params["sha"])
    if data is None:
        raise error(404, "Not Found")
    url = f"{ctx.views.repo_url(repo)}/git/blobs/{params['sha']}"
    content = base64.b64encode(data).decode()
    return Reply(
        {
            "sha": params["sha"],
            "size": len(data),
            "url": url,
            "content": content,
            "encoding": "base64",
        }
    )


# -- contents -----------------------------------------------------------------------------


@router.route("GET", "repos/{owner}/{repo}/contents/{path+}")
def get_contents(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    ref = ctx.request.param("ref") or repo.default_branch
    try:
        tree = ctx.store.resolve(repo, ref).tree
    except Rejected:
        raise error(404, f"No commit found for the ref {ref}") from None
    path = params["path"].strip("/")
    if path in tree:
        return Reply(ctx.views.content_file(repo, path, tree[path], ref))
    listing = _directory(tree, path)
    if not listing:
        raise error(404, "Not Found")
    return Reply([ctx.views.content_item(repo, p, blob, ref) for p, blob in listing])


def _directory(tree: Mapping[str, str], path: str) -> list[tuple[str, str | None]]:
    """Direct children of ``path``: files with their blob, subdirectories with None."""
    prefix = f"{path}/"
    children: dict[str, str | None] = {}
    for file_path, blob in tree.items():
        if file_path.startswith(prefix):
            head, sep, _ = file_path[len(prefix) :].partition("/")
            children[prefix + head] = None if sep else blob
    return sorted(children.items())


def _decoded_content(ctx: Context) -> bytes:
    try:
        return base64.b64decode(str(ctx.body("content") or ""), validate=True)
    except (binascii.Error, ValueError):
        raise invalid("Blob", "invalid", "content is not valid Base64", field="content") from None


def _commit_reply(ctx: Context, repo: Repository, path: str, head: Commit, status: int) -> Reply:
    blob = head.tree.get(path)
    content = None
    if blob is not None:
        content = ctx.views.content_item(repo, path, blob, head.sha)
    return Reply({"content": content, "commit": ctx.views.git_commit(repo, head)}, status=status)


def _write_target(ctx: Context, repo: Repository, path: str) -> tuple[str, str | None]:
    """The branch to commit to and the blob sha the file has there now (None: no file)."""
    if not ctx.body("message"):
        raise invalid("Commit", "missing_field", field="message")
    branch = str(ctx.body("branch") or repo.default_branch)
    if branch not in repo.branches:
        raise error(404, f"Branch {branch} not found")
    return branch, ctx.store.commits[repo.branches[branch]].tree.get(path)


@router.route("PUT", "repos/{owner}/{repo}/contents/{path+}")
def put_contents(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params, Role.WRITE)
    path = params["path"].strip("/")
    branch, current = _write_target(ctx, repo, path)
    given = ctx.body("sha")
    if current is not None and not given:
        raise error(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if current is not None and given != current:
        raise error(409, f"{path} does not match {given}")
    head = ctx.store.commit(
        repo,
        branch=branch,
        changes={path: _decoded_content(ctx)},
        message=str(ctx.body("message")),
        author=ctx.user,
    )
    return _commit_reply(ctx, repo, path, head, 201 if current is None else 200)


@router.route("DELETE", "repos/{owner}/{repo}/contents/{path+}")
def delete_contents(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params, Role.WRITE)
    path = params["path"].strip("/")
    branch, current = _write_target(ctx, repo, path)
    given = ctx.body("sha")
    if current is None:
        raise error(404, "Not Found")
    if not given:
        raise error(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if given != current:
        raise error(409, f"{path} does not match {given}")
    head = ctx.store.commit(
        repo, branch=branch, changes={path: None}, message=str(ctx.body("message")), author=ctx.user
    )
    return _commit_reply(ctx, repo, path, head, 200)


# -- commits and statuses -----------------------------------------------------------------


@router.route("GET", "repos/{owner}/{repo}/commits/{ref}")
def get_commit(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    try:
        commit = ctx.store.resolve(repo, params["ref"])
    except Rejected:
        raise error(422, f"No commit found for SHA: {params['ref']}") from None
    return Reply(ctx.views.commit(repo, commit))


@router.route("POST", "repos/{owner}/{repo}/statuses/{sha}")
def create_status(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params, Role.WRITE)
    state, description = ctx.body("state"), ctx.body("description")
    if state not in _STATUS_STATES:
        raise invalid("Status", "custom", f"state is not included in the list: {state}")
    if description is not None and len(str(description)) > 140:
        raise invalid("Status", "custom", "description is too long (maximum is 140 characters)")
    if params["sha"] not in ctx.store.commits:
        raise error(422, f"No commit found for SHA: {params['sha']}")
    status = ctx.store.add_status(
        repo,
        sha=params["sha"],
        context=str(ctx.body("context") or "default"),
        state=str(state),
        description=None if description is None else str(description),
        target_url=ctx.body("target_url"),
        creator=ctx.user,
    )
    return Reply(ctx.views.status(repo, status), status=201)


@router.route("GET", "repos/{owner}/{repo}/commits/{ref}/statuses")
def list_statuses(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    try:
        sha = ctx.store.resolve(repo, params["ref"]).sha
    except Rejected:
        raise error(404, "Not Found") from None
    found = [s for s in reversed(repo.statuses) if s.sha == sha]
    return ctx.page([ctx.views.status(repo, s) for s in found])
