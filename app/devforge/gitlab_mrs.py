"""GitLab merge requests, notes, approvals and diff versions for the fake (routes on
``gitlab_routes.router``; importing this module registers them), plus the Commits API.

Approvals follow the instance's edition: CE and EE shape ``/approvals`` differently and only
EE serves ``/approval_state`` (CE answers 404, as a route GitLab CE does not have).
"""

from __future__ import annotations

from typing import Any

from app.devforge import conversation
from app.devforge.gitlab_routes import (
    Context,
    commit_files,
    decode_content,
    message,
    router,
)
from app.devforge.http import ApiError, Reply
from app.devforge.model import ChangeRequest, Note, Rejected, Repository, Role

_STATE_FILTERS = {"opened": "open", "closed": "closed", "merged": "merged"}


def _mr(repo: Repository, iid: str) -> ChangeRequest:
    cr = repo.crs.get(int(iid)) if iid.isdigit() else None
    if cr is None:
        raise message(404, "404 Merge Request Not Found")
    return cr


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1")


@router.route("POST", "projects/{id}/repository/commits")
def create_commit(ctx: Context, params: dict[str, str]) -> Reply:
    """The Commits API: several file actions in one commit, optionally on a new branch."""
    repo = ctx.project(params, Role.WRITE)
    branch = ctx.required("branch")
    actions = ctx.request.body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise ApiError(400, {"error": "actions is missing"})
    start = ctx.request.param("start_sha") or ctx.request.param("start_branch")
    if branch not in repo.branches and start is None:
        start = branch  # GitLab: start_branch defaults to branch; it must then exist
    base_ref = branch if branch in repo.branches else start
    tree = (
        dict(ctx.store.commits[repo.branches[base_ref]].tree) if base_ref in repo.branches else {}
    )
    changes: dict[str, bytes | None] = {}
    for action in actions:
        _apply_action(action, tree, changes)
    commit = commit_files(ctx, repo, branch=branch, changes=changes, start=start)
    stats = {"additions": 0, "deletions": 0, "total": 0}
    return Reply(ctx.views.commit(repo, commit) | {"stats": stats}, status=201)


def _apply_action(
    action: dict[str, Any], tree: dict[str, str], changes: dict[str, bytes | None]
) -> None:
    kind, path = action.get("action"), str(action.get("file_path") or "")
    if not path:
        raise ApiError(400, {"error": "actions[file_path] is missing"})
    exists = path in tree or changes.get(path) is not None
    if kind == "create" and exists:
        raise message(400, f"A file with this name already exists: {path}")
    if kind in ("update", "delete") and not exists:
        raise message(400, f"A file with this name doesn't exist: {path}")
    if kind == "delete":
        changes[path] = None
    elif kind in ("create", "update"):
        content = str(action.get("content") or "")
        changes[path] = decode_content(content, action.get("encoding"))
    else:
        raise ApiError(400, {"error": "actions[action] does not have a valid value"})


@router.route("POST", "projects/{id}/merge_requests")
def create_mr(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params, Role.WRITE)
    source, target = ctx.required("source_branch"), ctx.required("target_branch")
    try:
        cr = ctx.store.open_cr(
            repo,
            source=source,
            target=target,
            title=ctx.required("title"),
            body=ctx.request.param("description") or "",
            author=ctx.user,
        )
    except Rejected as exc:
        if exc.code == "duplicate_cr":
            text = (
                f"Another open merge request already exists for this source branch: !{exc.detail}"
            )
            raise message(409, [text]) from None
        if exc.code == "no_branch":
            side = "Source" if exc.detail == source else "Target"
            raise message(400, [f'{side} branch "{exc.detail}" does not exist']) from None
        if exc.code == "same_branch":
            raise message(
                400, ["You can't use same project/branch for source and target"]
            ) from None
        raise
    return Reply(ctx.views.merge_request(repo, cr), status=201)


@router.route("GET", "projects/{id}/merge_requests")
def list_mrs(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    state = _STATE_FILTERS.get(ctx.request.param("state") or "all")
    wanted = {
        "source": ctx.request.param("source_branch"),
        "target": ctx.request.param("target_branch"),
    }
    author = ctx.request.param("author_username")
    ascending = ctx.request.param("sort") == "asc"
    found = [
        cr
        for cr in sorted(repo.crs.values(), key=lambda c: c.number, reverse=not ascending)
        if state is None or cr.state == state
        if all(v is None or getattr(cr, k) == v for k, v in wanted.items())
        if author is None or ctx.store.users[cr.author_id].username == author
    ]
    return ctx.page([ctx.views.merge_request(repo, cr) for cr in found])


@router.route("GET", "projects/{id}/merge_requests/{iid}")
def get_mr(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    return Reply(ctx.views.merge_request(repo, _mr(repo, params["iid"])))


@router.route("PUT", "projects/{id}/merge_requests/{iid}")
def update_mr(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    cr = _mr(repo, params["iid"])
    ctx.store.edit_cr(
        repo,
        cr,
        actor=ctx.user,
        title=ctx.request.param("title"),
        body=ctx.request.param("description"),
    )
    state_event = ctx.request.param("state_event")
    if state_event == "close" and cr.state == "open":
        ctx.store.close_cr(repo, cr, actor=ctx.user)
    elif state_event == "reopen":
        raise message(400, "reopening is not supported by this forge")
    return Reply(ctx.views.merge_request(repo, cr))


@router.route("PUT", "projects/{id}/merge_requests/{iid}/merge")
def merge_mr(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    cr = _mr(repo, params["iid"])
    sha = ctx.request.param("sha")
    try:
        ctx.store.merge_cr(
            repo,
            cr,
            actor=ctx.user,
            sha=sha,
            message=ctx.request.param("merge_commit_message"),
            squash=_flag(ctx.request.param("squash")),
        )
    except Rejected as exc:
        raise _merge_refusal(exc, sha) from None
    if _flag(ctx.request.param("should_remove_source_branch")) and cr.source in repo.branches:
        ctx.store.delete_branch(repo, cr.source, actor=ctx.user)
    return Reply(ctx.views.merge_request(repo, cr))


def _merge_refusal(exc: Rejected, sha: str | None) -> ApiError:
    if exc.code == "forbidden":
        return message(401, "401 Unauthorized")
    if exc.code == "not_open":
        return message(405, "405 Method Not Allowed")
    if exc.code == "stale_head":
        return message(409, f"SHA does not match HEAD of source branch: {sha}")
    return message(422, "Branch cannot be merged")


@router.route("GET", "projects/{id}/merge_requests/{iid}/versions")
def list_versions(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    cr = _mr(repo, params["iid"])
    return ctx.page([ctx.views.version(cr, v) for v in reversed(cr.versions)])


# -- notes --------------------------------------------------------------------------------


@router.route("GET", "projects/{id}/merge_requests/{iid}/notes")
def list_notes(ctx: Context, params: dict[str, str]) -> Reply:
    """Newest first by default, system notes included (GitLab's defaults)."""
    repo = ctx.project(params)
    cr = _mr(repo, params["iid"])
    field = "updated_at" if ctx.request.param("order_by") == "updated_at" else "created_at"
    notes = sorted(
        (n for n in repo.notes.values() if n.number == cr.number),
        key=lambda n: (getattr(n, field), n.id),
        reverse=ctx.request.param("sort") != "asc",
    )
    return ctx.page([ctx.views.note(repo, cr, n) for n in notes])


@router.route("POST", "projects/{id}/merge_requests/{iid}/notes")
def create_note(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    cr = _mr(repo, params["iid"])
    note = conversation.comment(ctx.store, repo, cr, author=ctx.user, body=ctx.required("body"))
    return Reply(ctx.views.note(repo, cr, note), status=201)


def _note(repo: Repository, cr: ChangeRequest, note_id: str) -> Note:
    note = repo.notes.get(int(note_id)) if note_id.isdigit() else None
    if note is None or note.number != cr.number:
        raise message(404, "404 Note Not Found")
    return note


@router.route("GET", "projects/{id}/merge_requests/{iid}/notes/{note_id}")
def get_note(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    cr = _mr(repo, params["iid"])
    return Reply(ctx.views.note(repo, cr, _note(repo, cr, params["note_id"])))


@router.route("PUT", "projects/{id}/merge_requests/{iid}/notes/{note_id}")
def update_note(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    cr = _mr(repo, params["iid"])
    note = _note(repo, cr, params["note_id"])
    conversation.edit_comment(ctx.store, repo, note, actor=ctx.user, body=ctx.required("body"))
    return Reply(ctx.views.note(repo, cr, note))


# -- approvals ----------------------------------------------------------------------------


@router.route("GET", "projects/{id}/merge_requests/{iid}/approvals")
def get_approvals(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    cr = _mr(repo, params["iid"])
    return Reply(ctx.views.approvals(repo, cr, ctx.user))


@router.route("GET", "projects/{id}/merge_requests/{iid}/approval_state")
def get_approval_state(ctx: Context, params: dict[str, str]) -> Reply:
    if ctx.store.edition != "ee":
        raise ApiError(404, {"error": "404 Not Found"})
    repo = ctx.project(params)
    return Reply(ctx.views.approval_state(repo, _mr(repo, params["iid"])))


@router.route("POST", "projects/{id}/merge_requests/{iid}/approve")
def approve(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    cr = _mr(repo, params["iid"])
    sha = ctx.request.param("sha")
    try:
        conversation.approve(ctx.store, repo, cr, user=ctx.user, sha=sha)
    except Rejected as exc:
        if exc.code == "stale_head":
            raise message(409, f"SHA does not match HEAD of source branch: {sha}") from None
        raise message(401, "401 Unauthorized") from None
    return Reply(ctx.views.approvals(repo, cr, ctx.user), status=201)


@router.route("POST", "projects/{id}/merge_requests/{iid}/unapprove")
def unapprove(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.project(params)
    cr = _mr(repo, params["iid"])
    try:
        conversation.unapprove(ctx.store, repo, cr, user=ctx.user)
    except Rejected:
        raise message(404, "404 Not found") from None
    return Reply(ctx.views.approvals(repo, cr, ctx.user), status=201)
