"""The fake forge's HTTP server: one Starlette app on uvicorn, 127.0.0.1, a free port.

It serves GitHub at the root (``http://127.0.0.1:PORT``) and again under ``/api/v3`` (the
GitHub Enterprise Server layout), and GitLab under ``/api/v4``. :class:`DevForge` starts and
stops it from Python (tests, ``schemagate demo``) and owns the two in-memory forges, their
drivers, and the webhook outbox.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import Route

from app.devforge import github_pulls, github_routes, gitlab_mrs, gitlab_routes
from app.devforge.delivery import Outbox
from app.devforge.driver import Driver
from app.devforge.github_hooks import GitHubHooks
from app.devforge.gitlab_hooks import GitLabHooks
from app.devforge.http import ApiError, Reply, Request
from app.devforge.state import Edition, Store

# These modules add their routes to github_routes.router / gitlab_routes.router on import.
_ROUTES_REGISTERED_ON_IMPORT = (github_pulls, gitlab_mrs)
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class DevForge:
    """A local GitHub + GitLab. ``with DevForge() as forge: forge.github_url …``"""

    def __init__(self, *, gitlab_edition: Edition = "ce") -> None:
        self.github_store = Store("github")
        self.gitlab_store = Store("gitlab", edition=gitlab_edition)
        self.outbox = Outbox()
        self.github = Driver(self.github_store, self.outbox)
        self.gitlab = Driver(self.gitlab_store, self.outbox)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    @property
    def base_url(self) -> str:
        if not self._port:
            raise RuntimeError("the fake forge is not running: call start() first")
        return f"http://127.0.0.1:{self._port}"

    @property
    def github_url(self) -> str:
        """Base URL for PyGithub / ``GitHubSettings.base_url``."""
        return self.base_url

    @property
    def github_enterprise_url(self) -> str:
        """The same GitHub, addressed like a GitHub Enterprise Server (``…/api/v3``)."""
        return f"{self.base_url}/api/v3"

    @property
    def gitlab_url(self) -> str:
        """Base URL for python-gitlab / ``GitLabSettings.url`` (it appends ``/api/v4``)."""
        return self.base_url

    def start(self) -> None:
        """Listen on 127.0.0.1 at a free port and return once requests are answered."""
        if self._server is not None:
            return
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Accepted connections inherit this; without it, keep-alive replies written in two
        # parts wait out the client's delayed ACK (40 ms per request).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        origin = self.base_url
        # Payload URLs depend on the port, so the webhook builders are (re)made on each start.
        self.github_store.listeners[:] = [GitHubHooks(self.github_store, origin, self.outbox)]
        self.gitlab_store.listeners[:] = [GitLabHooks(self.gitlab_store, origin, self.outbox)]
        config = uvicorn.Config(
            self._app(),
            log_config=None,  # leave the host application's logging alone
            log_level="warning",
            lifespan="off",
            ws="none",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="devforge", daemon=True
        )
        self._thread.start()
        self.outbox.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake forge did not start within 10 seconds")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving and delivering; the state stays readable."""
        self.outbox.stop()
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> DevForge:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _app(self) -> Starlette:
        async def endpoint(request: StarletteRequest) -> Response:
            return await self._answer(request)

        return Starlette(routes=[Route("/{rest:path}", endpoint, methods=_METHODS)])

    async def _answer(self, request: StarletteRequest) -> Response:
        raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        raw_path = raw_path.split("?", 1)[0]
        try:
            body = _json_body(await request.body())
            reply = self._dispatch(request, raw_path, body)
        except ApiError as exc:
            reply = Reply(exc.body, status=exc.status)
        return Response(
            reply.content(),
            status_code=reply.status,
            headers=reply.headers,
            media_type=reply.media_type if reply.body is not None else None,
        )

    def _dispatch(self, request: StarletteRequest, raw_path: str, body: dict[str, Any]) -> Reply:
        origin = f"{request.url.scheme}://{request.headers.get('host', '127.0.0.1')}"
        for prefix, store, handle in (
            ("/api/v4", self.gitlab_store, gitlab_routes.handle),
            ("/api/v3", self.github_store, github_routes.handle),
            ("", self.github_store, github_routes.handle),
        ):
            if raw_path.startswith(prefix + "/"):
                api_request = Request(
                    method=request.method,
                    origin=origin,
                    prefix=prefix,
                    path=raw_path[len(prefix) :],
                    query=list(request.query_params.multi_items()),
                    body=body,
                    headers=request.headers,
                )
                return handle(store, api_request)
        raise ApiError(404, {"message": "Not Found"})


def _json_body(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise ApiError(400, {"message": "Problems parsing JSON"}) from None
    if not isinstance(parsed, dict):
        raise ApiError(400, {"message": "Body should be a JSON object"})
    return parsed
