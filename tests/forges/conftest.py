"""Fixtures for the forge tests: one fake forge per session, a fresh repository per test.

The contract suite runs every test three times (``github``, ``gitlab-ce``, ``gitlab-ee``)
with the real GitHubForge / GitLabForge clients over HTTP against the fake.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.devforge import DevForge, Driver, Role
from app.forges.base import Forge
from app.forges.github import GitHubForge
from app.forges.gitlab import GitLabForge

BOT = "schemagate-bot"
BOT_TOKEN = "bot-secret-token-0123456789"
# name -> (role on every test repository, token)
PEOPLE = {
    "alice": Role.WRITE,
    "bob": Role.READ,
    "carol": Role.MAINTAIN,
    "dave": Role.TRIAGE,
    "erin": Role.NONE,
}
SCHEMA_FILES = {
    "schema/001_users.sql": "CREATE TABLE users (id int PRIMARY KEY);\n",
    "schema/002_orders.sql": "CREATE TABLE orders (id int PRIMARY KEY);\n",
    "schema/extra/ignored.sql": "-- in a subdirectory\n",
    "README.md": "# shop\n",
}
FLAVORS = ["github", "gitlab-ce", "gitlab-ee"]
_numbers = itertools.count(1)


def token_of(name: str) -> str:
    return f"{name}-token-abcdef"


@pytest.fixture(scope="session")
def devforge() -> Iterator[DevForge]:
    with DevForge() as forge:
        for driver in (forge.github, forge.gitlab):
            driver.add_user(BOT, token=BOT_TOKEN)
            for name in PEOPLE:
                driver.add_user(name, token=token_of(name))
        yield forge


@dataclass
class Received:
    """Requests the webhook receiver got: (path, headers, raw body)."""

    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture(scope="session")
def receiver() -> Iterator[tuple[str, Received]]:
    """A local HTTP endpoint standing in for schemagate's webhook route."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with received.lock:
                received.requests.append((self.path, dict(self.headers.items()), body))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


@dataclass
class Env:
    """One test's world: a forge client (as the bot), the driver, and a fresh repository."""

    flavor: str
    forge: Forge
    driver: Driver
    repo: str
    devforge: DevForge

    @property
    def is_github(self) -> bool:
        return self.flavor == "github"

    def client_as(self, name: str) -> Forge:
        return make_forge(self.devforge, self.flavor, token_of(name))


def make_forge(devforge: DevForge, flavor: str, token: str) -> Forge:
    if flavor == "github":
        return GitHubForge(base_url=devforge.github_url, token=token, throttle=False)
    return GitLabForge(url=devforge.gitlab_url, token=token, throttle=False)


def new_repo(devforge: DevForge, flavor: str) -> tuple[Driver, str]:
    """A repository only this test uses; GitLab ones sit in a subgroup (``%2F`` in paths)."""
    number = next(_numbers)
    if flavor == "github":
        driver, name = devforge.github, f"acme/shop-{number}"
    else:
        driver, name = devforge.gitlab, f"acme/dbs/shop-{number}"
        driver.set_edition(flavor.removeprefix("gitlab-"))
    driver.create_repo(name, owner=BOT, files=SCHEMA_FILES)
    for person, role in PEOPLE.items():
        driver.set_permission(name, person, role)
    return driver, name


@pytest.fixture(params=FLAVORS)
def env(request: pytest.FixtureRequest, devforge: DevForge) -> Env:
    flavor = str(request.param)
    driver, name = new_repo(devforge, flavor)
    return Env(flavor, make_forge(devforge, flavor, BOT_TOKEN), driver, name, devforge)
