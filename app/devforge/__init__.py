"""A local fake GitHub + GitLab for tests and ``schemagate demo``.

It speaks the REST subsets PyGithub and python-gitlab use (FORGE_API.md), keeps all state in
memory, emits signed webhooks, and has a driver to act as people::

    with DevForge() as forge:
        forge.github.add_user("bot", token="t0ken")
        forge.github.create_repo("acme/shop", owner="bot", files={"schema/001.sql": "..."})
        GitHubForge(base_url=forge.github_url, token="t0ken", throttle=False)
"""

from app.devforge.driver import Driver
from app.devforge.model import Rejected, Role
from app.devforge.server import DevForge

__all__ = ["DevForge", "Driver", "Rejected", "Role"]
