"""What a case of the library expects beyond its SQL (``expect.json``), and the roles it needs.

``expect.json`` may hold:

- ``destructive``: whether the plan must (true) or must not (false) hold destructive
  statements;
- ``manage_privileges``: plan owners and privileges too, and compare the dumps with them;
- ``roles``: roles the case's SQL names (created on the server if missing; roles belong to
  the whole server, so their names start with ``sg_case_``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from psycopg import sql

from app.pg import connect

ROLE_PREFIX = "sg_case_"


@dataclass(frozen=True)
class CaseExpectations:
    destructive: bool | None = None
    manage_privileges: bool = False
    roles: tuple[str, ...] = ()

    @classmethod
    def of(cls, folder: Path) -> CaseExpectations:
        path = folder / "expect.json"
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text())
        roles = tuple(data.get("roles", ()))
        for role in roles:
            if not role.startswith(ROLE_PREFIX):
                raise ValueError(f"{path}: role {role!r} must start with {ROLE_PREFIX!r}")
        return cls(data.get("destructive"), bool(data.get("manage_privileges")), roles)


def ensure_roles(server_url: str, roles: tuple[str, ...]) -> None:
    """Create the roles that do not exist yet (concurrent creators are fine)."""
    with connect(server_url) as conn:
        for role in roles:
            statement = sql.SQL(
                "DO $$ BEGIN CREATE ROLE {} NOLOGIN; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            ).format(sql.Identifier(role))
            conn.execute(statement)
