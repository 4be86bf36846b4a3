"""Webhook payloads turned into the few events the flows act on, for both forges.

The API already verified, filtered and stored the delivery; this module only reads the
fields each forge documents (FORGE_API.md) and names what happened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

BRANCH_PREFIX = "change-schema-"


class EventKind(StrEnum):
    PUSH_DEFAULT = "push to the default branch"
    PUSH_CHANGE_BRANCH = "push to a change request branch"
    CHANGE_REQUEST_UPDATED = "change request updated"
    CHANGE_REQUEST_CLOSED = "change request closed"
    CHANGE_REQUEST_MERGED = "change request merged"
    APPROVAL = "approval"
    COMMENT = "comment"
    OTHER = "other"


@dataclass(frozen=True)
class FlowEvent:
    kind: EventKind
    repository: str
    actor: str = ""
    number: int | None = None  # the change request, when the event is about one
    branch: str = ""
    body: str = ""  # comment text


def parse_event(forge: str, event: str, payload_json: str) -> FlowEvent:
    payload = json.loads(payload_json)
    if forge == "github":
        return _github(event, payload)
    return _gitlab(event, payload)


def _github(event: str, p: Any) -> FlowEvent:
    repository = p["repository"]["full_name"]
    actor = p.get("sender", {}).get("login", "")
    if event == "push":
        branch = p["ref"].removeprefix("refs/heads/")
        kind = (
            EventKind.PUSH_DEFAULT
            if branch == p["repository"]["default_branch"]
            else EventKind.PUSH_CHANGE_BRANCH
        )
        return FlowEvent(kind, repository, actor, branch=branch)
    if event == "pull_request":
        pr, action = p["pull_request"], p["action"]
        if action == "closed":
            kind = (
                EventKind.CHANGE_REQUEST_MERGED
                if pr.get("merged")
                else EventKind.CHANGE_REQUEST_CLOSED
            )
        elif action in ("synchronize", "opened", "reopened", "edited"):
            kind = EventKind.CHANGE_REQUEST_UPDATED
        else:
            kind = EventKind.OTHER
        return FlowEvent(kind, repository, actor, number=pr["number"], branch=pr["head"]["ref"])
    if event == "pull_request_review":
        state = str(p["review"].get("state", "")).lower()
        kind = EventKind.APPROVAL if state in ("approved", "dismissed") else EventKind.OTHER
        return FlowEvent(kind, repository, actor, number=p["pull_request"]["number"])
    if event == "issue_comment" and p.get("action") in ("created", "edited"):
        return FlowEvent(
            EventKind.COMMENT,
            repository,
            actor,
            number=p["issue"]["number"],
            body=p["comment"]["body"],
        )
    return FlowEvent(EventKind.OTHER, repository, actor)


_GITLAB_MR_ACTIONS = {
    "approved": EventKind.APPROVAL,
    "approval": EventKind.APPROVAL,
    "unapproved": EventKind.APPROVAL,
    "unapproval": EventKind.APPROVAL,
    "close": EventKind.CHANGE_REQUEST_CLOSED,
    "merge": EventKind.CHANGE_REQUEST_MERGED,
    "update": EventKind.CHANGE_REQUEST_UPDATED,
    "open": EventKind.CHANGE_REQUEST_UPDATED,
    "reopen": EventKind.CHANGE_REQUEST_UPDATED,
}


def _gitlab(event: str, p: Any) -> FlowEvent:
    repository = p["project"]["path_with_namespace"]
    if event == "Push Hook":
        branch = p["ref"].removeprefix("refs/heads/")
        kind = (
            EventKind.PUSH_DEFAULT
            if branch == p["project"]["default_branch"]
            else EventKind.PUSH_CHANGE_BRANCH
        )
        return FlowEvent(kind, repository, p.get("user_username", ""), branch=branch)
    actor = p.get("user", {}).get("username", "")
    if event == "Merge Request Hook":
        attributes = p["object_attributes"]
        kind = _GITLAB_MR_ACTIONS.get(attributes.get("action", ""), EventKind.OTHER)
        return FlowEvent(
            kind, repository, actor, number=attributes["iid"], branch=attributes["source_branch"]
        )
    if event == "Note Hook" and p["object_attributes"].get("noteable_type") == "MergeRequest":
        return FlowEvent(
            EventKind.COMMENT,
            repository,
            actor,
            number=p["merge_request"]["iid"],
            body=p["object_attributes"]["note"],
        )
    return FlowEvent(EventKind.OTHER, repository, actor)
