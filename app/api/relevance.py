"""Which signed deliveries schemagate acts on, and why it ignores the others.

Relevant: pushes to a repository's default branch or to a ``change-schema-`` branch;
pull/merge request events, reviews and comments on change requests (GitHub
``pull_request``, ``pull_request_review``, ``issue_comment`` on a pull request; GitLab
``Merge Request Hook``, ``Note Hook`` on a merge request). Everything from schemagate's own
account is ignored: its own pushes and comments must never trigger anything. A repository
that is not configured is ignored whatever the event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.config import FileConfig, RepositoryConfig

BRANCH_PREFIX = "change-schema-"
DELETED = "0" * 40
BotName = Callable[[RepositoryConfig], str | None]
"""schemagate's username on the repository's forge (asked lazily; None if unknown)."""


class MalformedPayload(ValueError):
    """The JSON parsed but lacks a field the event must have."""


@dataclass(frozen=True)
class Verdict:
    repository: str | None
    ignored: str | None = None
    """Why the delivery is ignored; None when schemagate acts on it."""


def field(payload: Any, *path: str) -> Any:
    """``payload[path[0]][path[1]]…``; MalformedPayload naming the path if it is missing."""
    value = payload
    for key in path:
        if not isinstance(value, dict) or key not in value:
            raise MalformedPayload(f"the payload has no {'.'.join(path)}")
        value = value[key]
    return value


def judge_github(event: str, payload: Any, config: FileConfig, bot: BotName) -> Verdict:
    if event == "ping":
        return Verdict(None, "ping")
    repository = str(field(payload, "repository", "full_name"))
    configured = _configured(config, "github", repository)
    if configured is None:
        return Verdict(repository, f"repository {repository} is not configured")
    reason = _github_event_reason(event, payload)
    if reason is None and field(payload, "sender", "login") == bot(configured):
        reason = f"{event} by schemagate itself"
    return Verdict(repository, reason)


def _github_event_reason(event: str, payload: Any) -> str | None:
    if event == "push":
        if payload.get("deleted"):
            return "a branch was deleted"
        default = field(payload, "repository", "default_branch")
        return _push_reason(str(field(payload, "ref")), str(default))
    if event in ("pull_request", "pull_request_review"):
        return _branch_reason(str(field(payload, "pull_request", "head", "ref")))
    if event == "issue_comment":
        if "pull_request" not in field(payload, "issue"):
            return "a comment on an issue, not on a pull request"
        return None
    return f"event {event} is not used"


def judge_gitlab(event: str, payload: Any, config: FileConfig, bot: BotName) -> Verdict:
    repository = str(field(payload, "project", "path_with_namespace"))
    configured = _configured(config, "gitlab", repository)
    if configured is None:
        return Verdict(repository, f"repository {repository} is not configured")
    reason, actor = _gitlab_event_reason(event, payload)
    if reason is None and actor == bot(configured):
        reason = f"{event} by schemagate itself"
    return Verdict(repository, reason)


def _gitlab_event_reason(event: str, payload: Any) -> tuple[str | None, str | None]:
    """(why ignored or None, the acting username)."""
    if event == "Push Hook":
        if field(payload, "after") == DELETED:
            return "a branch was deleted", None
        default = str(field(payload, "project", "default_branch"))
        reason = _push_reason(str(field(payload, "ref")), default)
        return reason, str(field(payload, "user_username"))
    if event == "Merge Request Hook":
        branch = str(field(payload, "object_attributes", "source_branch"))
        return _branch_reason(branch), str(field(payload, "user", "username"))
    if event == "Note Hook":
        attributes = field(payload, "object_attributes")
        if field(attributes, "noteable_type") != "MergeRequest":
            return "a note on something other than a merge request", None
        if attributes.get("system"):
            return "a system note", None
        return None, str(field(payload, "user", "username"))
    return f"event {event} is not used", None


def _push_reason(ref: str, default_branch: str) -> str | None:
    if not ref.startswith("refs/heads/"):
        return f"a push to {ref}, not to a branch"
    branch = ref.removeprefix("refs/heads/")
    if branch == default_branch or branch.startswith(BRANCH_PREFIX):
        return None
    return f"a push to {branch}, neither the default branch nor a {BRANCH_PREFIX} branch"


def _branch_reason(branch: str) -> str | None:
    if branch.startswith(BRANCH_PREFIX):
        return None
    return f"branch {branch} is not a {BRANCH_PREFIX} branch"


def _configured(config: FileConfig, forge: str, repository: str) -> RepositoryConfig | None:
    return next((r for r in config.repositories if r.forge == forge and r.name == repository), None)
