"""The HTTP plumbing both fake APIs share: a router over raw path segments, requests and
replies, errors, and Link-header pagination.

Routing works on the *raw* path split at ``/`` with each segment percent-decoded afterwards:
GitLab's ``grp%2Fsub%2Fapp`` and ``schema%2F001.sql`` stay one segment (FORGE_API.md gotcha
10), while GitHub's ``contents/schema/001.sql`` spans several and is caught by ``{path+}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import unquote, urlencode

from app.devforge.model import FakeUser

JSON_TYPE = "application/json; charset=utf-8"


class ApiError(Exception):
    """An error reply: ``status`` and the JSON ``body`` the real API sends."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        self.status = status
        self.body = dict(body)
        super().__init__(f"{status} {body}")


@dataclass
class Request:
    method: str
    origin: str  # scheme://host:port as the client addressed us
    prefix: str  # "" or "/api/v3" (GitHub), "/api/v4" (GitLab)
    path: str  # raw path below the prefix, starting with "/"
    query: list[tuple[str, str]]
    body: dict[str, Any]
    headers: Mapping[str, str]
    user: FakeUser | None = None

    @property
    def base(self) -> str:
        """The API base URL every absolute URL in a reply must start with."""
        return self.origin + self.prefix

    def param(self, name: str, default: str | None = None) -> str | None:
        """A parameter from the query string or the JSON body (GitLab's Grape merges both)."""
        found = [v for k, v in self.query if k == name]
        if found:
            return found[-1]
        value = self.body.get(name)
        return default if value is None else str(value)

    def require_user(self) -> FakeUser:
        assert self.user is not None, "routes run only after authentication"
        return self.user


@dataclass
class Reply:
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = JSON_TYPE

    def content(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, separators=(",", ":")).encode()


C = TypeVar("C")
Handler = Callable[[C, dict[str, str]], Reply]


class Router(Generic[C]):
    """``@router.route("GET", "repos/{owner}/{repo}/contents/{path+}")``; ``{x+}`` takes the
    rest of the path and must come last. Handlers get a context object ``C`` and the params."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, list[str], Handler[C]]] = []

    def route(self, method: str, pattern: str) -> Callable[[Handler[C]], Handler[C]]:
        def register(handler: Handler[C]) -> Handler[C]:
            self._routes.append((method, pattern.strip("/").split("/"), handler))
            return handler

        return register

    def match(self, method: str, raw_path: str) -> tuple[Handler[C], dict[str, str]] | None:
        segments = [unquote(s) for s in raw_path.strip("/").split("/")]
        for route_method, pattern, handler in self._routes:
            if route_method != method:
                continue
            params = _match(pattern, segments)
            if params is not None:
                return handler, params
        return None


def _match(pattern: list[str], segments: list[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for index, part in enumerate(pattern):
        if part.startswith("{") and part.endswith("+}"):
            rest = segments[index:]
            if not rest or not all(rest):
                return None
            params[part[1:-2]] = "/".join(rest)
            return params
        if index >= len(segments):
            return None
        if part.startswith("{"):
            if not segments[index]:
                return None
            params[part[1:-1]] = segments[index]
        elif part != segments[index]:
            return None
    return params if len(segments) == len(pattern) else None


def paginate(
    request: Request, items: list[Any], *, default_per_page: int, gitlab_headers: bool
) -> Reply:
    """One page of ``items`` with a ``Link`` header in GitHub's exact format
    (``<url>; rel="next", <url>; rel="last"``), every filter kept in the URLs; GitLab also
    gets its ``X-Page``/``X-Total``/… headers."""
    per_page = min(max(_int(request.param("per_page"), default_per_page), 1), 100)
    page = max(_int(request.param("page"), 1), 1)
    last = max((len(items) + per_page - 1) // per_page, 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    rels: list[tuple[str, int]] = []
    if page > 1:
        rels.append(("prev", page - 1))
    if page < last:
        rels.append(("next", page + 1))
    if gitlab_headers or page > 1:  # GitHub sends first/last only where they differ from here
        rels.append(("first", 1))
    if gitlab_headers or page < last:
        rels.append(("last", last))
    links = [f'<{_page_url(request, number)}>; rel="{rel}"' for rel, number in rels]
    headers = {"Link": ", ".join(links)} if links else {}
    if gitlab_headers:
        headers.update(
            {
                "X-Page": str(page),
                "X-Per-Page": str(per_page),
                "X-Total": str(len(items)),
                "X-Total-Pages": str(last),
                "X-Next-Page": str(page + 1) if page < last else "",
                "X-Prev-Page": str(page - 1) if page > 1 else "",
            }
        )
    return Reply(chunk, headers=headers)


def _page_url(request: Request, page: int) -> str:
    query = [(k, v) for k, v in request.query if k != "page"] + [("page", str(page))]
    return f"{request.base}{request.path}?{urlencode(query)}"


def _int(value: str | None, default: int) -> int:
    return int(value) if value is not None and re.fullmatch(r"\d+", value) else default
