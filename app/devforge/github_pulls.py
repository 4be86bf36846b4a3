"""GitHub pull requests, reviews and issue comments for the fake (routes on
``github_routes.router``; importing this module registers them).
"""

from __future__ import annotations

from app.devforge import conversation, git
from app.devforge.github_routes import Context, error, invalid, router
from app.devforge.http import Reply
from app.devforge.model import ChangeRequest, Rejected, Repository, Role

_REVIEW_EVENTS = {
    "APPROVE": "APPROVED",
    "REQUEST_CHANGES": "CHANGES_REQUESTED",
    "COMMENT": "COMMENTED",
}


def _pull(repo: Repository, number: str) -> ChangeRequest:
    cr = repo.crs.get(int(number)) if number.isdigit() else None
    if cr is None:
        raise error(404, "Not Found")
    return cr


@router.route("POST", "repos/{owner}/{repo}/pulls")
def create_pull(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params, Role.WRITE)
    head = str(ctx.body("head") or "")
    owner, _, branch = head.rpartition(":")
    if owner and owner != repo.owner:
        raise invalid("PullRequest", "invalid", field="head")
    base = str(ctx.body("base") or "")
    if not ctx.body("title"):
        raise invalid("PullRequest", "missing_field", field="title")
    try:
        cr = ctx.store.open_cr(
            repo,
            source=branch,
            target=base,
            title=str(ctx.body("title")),
            body=str(ctx.body("body") or ""),
            author=ctx.user,
        )
    except Rejected as exc:
        if exc.code == "duplicate_cr":
            message = f"A pull request already exists for {repo.owner}:{branch}."
            raise invalid("PullRequest", "custom", message) from None
        if exc.code == "no_branch":
            field = "head" if exc.detail == branch else "base"
            raise invalid("PullRequest", "invalid", field=field) from None
        if exc.code == "same_branch":
            raise invalid(
                "PullRequest", "custom", f"No commits between {base} and {branch}"
            ) from None
        raise
    return Reply(ctx.views.pull(repo, cr), status=201)


@router.route("GET", "repos/{owner}/{repo}/pulls")
def list_pulls(ctx: Context, params: dict[str, str]) -> Reply:
    """Filters ``state`` (open by default), ``head`` (``owner:branch``), ``base``; newest first."""
    repo = ctx.repo(params)
    state = ctx.request.param("state", "open")
    head, base = ctx.request.param("head"), ctx.request.param("base")
    found = [
        cr
        for cr in sorted(repo.crs.values(), key=lambda c: -c.number)
        if state == "all" or (cr.state == "open") == (state == "open")
        if head is None or head == f"{repo.owner}:{cr.source}"
        if base is None or base == cr.target
    ]
    return ctx.page([ctx.views.pull(repo, cr, simple=True) for cr in found])


@router.route("GET", "repos/{owner}/{repo}/pulls/{number}")
def get_pull(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    return Reply(ctx.views.pull(repo, _pull(repo, params["number"])))


@router.route("PATCH", "repos/{owner}/{repo}/pulls/{number}")
def edit_pull(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    cr = _pull(repo, params["number"])
    title, body, state = ctx.body("title"), ctx.body("body"), ctx.body("state")
    ctx.store.edit_cr(
        repo,
        cr,
        actor=ctx.user,
        title=None if title is None else str(title),
        body=None if body is None else str(body),
    )
    if state == "closed" and cr.state == "open":
        ctx.store.close_cr(repo, cr, actor=ctx.user)
    elif state == "open" and cr.state != "open":
        raise invalid("PullRequest", "custom", "reopening is not supported by this forge")
    return Reply(ctx.views.pull(repo, cr))


@router.route("PUT", "repos/{owner}/{repo}/pulls/{number}/merge")
def merge_pull(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params, Role.WRITE)
    cr = _pull(repo, params["number"])
    method = str(ctx.body("merge_method") or "merge")
    if method not in ("merge", "squash", "rebase"):
        raise invalid("PullRequest", "invalid", field="merge_method")
    title = (
        ctx.body("commit_title") or f"Merge pull request #{cr.number} from {repo.owner}/{cr.source}"
    )
    message = f"{title}\n\n{ctx.body('commit_message') or cr.title}"
    sha = ctx.body("sha")
    try:
        merged = ctx.store.merge_cr(
            repo, cr, actor=ctx.user, sha=sha, message=message, squash=method != "merge"
        )
    except Rejected as exc:
        if exc.code == "stale_head":
            raise error(409, "Head branch was modified. Review and try the merge again.") from None
        if exc.code in ("not_mergeable", "not_open"):
            raise error(405, "Pull Request is not mergeable") from None
        raise
    return Reply({"sha": merged.sha, "merged": True, "message": "Pull Request successfully merged"})


@router.route("GET", "repos/{owner}/{repo}/pulls/{number}/commits")
def list_pull_commits(ctx: Context, params: dict[str, str]) -> Reply:
    """The PR's own commits (head's history since the merge base), oldest first."""
    repo = ctx.repo(params)
    cr = _pull(repo, params["number"])
    base = set(git.ancestors(ctx.store.commits, cr.base_sha))
    own = [c for c in git.ancestors(ctx.store.commits, cr.head_sha) if c not in base]
    commits = sorted((ctx.store.commits[c] for c in own), key=lambda c: c.timestamp)
    return ctx.page([ctx.views.commit(repo, c) for c in commits])


@router.route("GET", "repos/{owner}/{repo}/pulls/{number}/merge")
def is_merged(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    if _pull(repo, params["number"]).state != "merged":
        raise error(404, "Not Found")
    return Reply(None, status=204)


@router.route("GET", "repos/{owner}/{repo}/pulls/{number}/reviews")
def list_reviews(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    cr = _pull(repo, params["number"])
    return ctx.page([ctx.views.review(repo, cr, r) for r in cr.reviews])


@router.route("POST", "repos/{owner}/{repo}/pulls/{number}/reviews")
def create_review(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    cr = _pull(repo, params["number"])
    event = str(ctx.body("event") or "")
    if event not in _REVIEW_EVENTS:
        raise invalid("PullRequestReview", "invalid", field="event")
    commit_id = ctx.body("commit_id")
    if commit_id is not None and commit_id not in ctx.store.commits:
        raise error(422, "Unprocessable Entity", errors=["Commit not found"])
    try:
        review = conversation.review(
            ctx.store,
            repo,
            cr,
            user=ctx.user,
            state=_REVIEW_EVENTS[event],
            body=str(ctx.body("body") or ""),
            commit_id=None if commit_id is None else str(commit_id),
        )
    except Rejected as exc:
        if exc.code == "own_cr":
            verb = "approve" if event == "APPROVE" else "request changes on"
            raise error(
                422, "Unprocessable Entity", errors=[f"Review Can not {verb} your own pull request"]
            ) from None
        raise
    return Reply(ctx.views.review(repo, cr, review))


@router.route("GET", "repos/{owner}/{repo}/issues/{number}")
def get_issue(ctx: Context, params: dict[str, str]) -> Reply:
    """Pull requests are issues too (this fake has no other issues)."""
    repo = ctx.repo(params)
    return Reply(ctx.views.issue(repo, _pull(repo, params["number"])))


@router.route("GET", "repos/{owner}/{repo}/issues/{number}/comments")
def list_comments(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    cr = _pull(repo, params["number"])
    notes = sorted((n for n in repo.notes.values() if n.number == cr.number), key=lambda n: n.id)
    return ctx.page([ctx.views.comment(repo, n) for n in notes])


@router.route("POST", "repos/{owner}/{repo}/issues/{number}/comments")
def create_comment(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    cr = _pull(repo, params["number"])
    body = str(ctx.body("body") or "")
    if not body.strip():
        raise invalid("IssueComment", "missing_field", field="body")
    note = conversation.comment(ctx.store, repo, cr, author=ctx.user, body=body)
    return Reply(ctx.views.comment(repo, note), status=201)


@router.route("GET", "repos/{owner}/{repo}/issues/comments/{comment_id}")
def get_comment(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    note = repo.notes.get(int(params["comment_id"])) if params["comment_id"].isdigit() else None
    if note is None:
        raise error(404, "Not Found")
    return Reply(ctx.views.comment(repo, note))


@router.route("PATCH", "repos/{owner}/{repo}/issues/comments/{comment_id}")
def edit_comment(ctx: Context, params: dict[str, str]) -> Reply:
    repo = ctx.repo(params)
    note = repo.notes.get(int(params["comment_id"])) if params["comment_id"].isdigit() else None
    if note is None:
        raise error(404, "Not Found")
    body = str(ctx.body("body") or "")
    if not body.strip():
        raise invalid("IssueComment", "missing_field", field="body")
    conversation.edit_comment(ctx.store, repo, note, actor=ctx.user, body=body)
    return Reply(ctx.views.comment(repo, note))
