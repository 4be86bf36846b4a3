"""GRANT and REVOKE statements that turn one set of privileges into another.

Both sets use the relative grantees of the catalog (``owner``, ``current_user``,
``public``, a named role); ``owner`` is written as the role that owns the object once the
plan's ``ALTER … OWNER TO`` ran. One statement per grantee and grant option, privileges
in a fixed order, so the same change always gives the same SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from app.schema.catalog.model import Grant, Grantee
from app.schema.corrections.sqlnames import ident


def role_sql(grantee: Grantee, owner: Grantee | None = None) -> str:
    """A grantee as SQL: a quoted role name, PUBLIC or CURRENT_USER (the role the plan
    runs as); ``owner`` resolves the owner-relative grantee."""
    if grantee.kind == "owner":
        if owner is None:
            raise ValueError("an owner-relative grantee needs the owner")
        return role_sql(owner)
    if grantee.kind == "public":
        return "PUBLIC"
    if grantee.kind == "current_user":
        return "CURRENT_USER"
    return ident(grantee.name)


def grant_changes(
    *,
    present: Iterable[Grant],
    wanted: Iterable[Grant],
    on: str,
    owner: Grantee,
    prefix: str = "",
    column: str | None = None,
) -> list[str]:
    """REVOKEs, then GRANTs, that turn ``present`` into ``wanted`` on the object ``on``
    (``ON TABLE "s"."t"``, …); ``prefix`` precedes each (``ALTER DEFAULT PRIVILEGES …``),
    ``column`` makes them column privileges."""
    have = {(g.grantee, g.privilege): g.grantable for g in present}
    want = {(g.grantee, g.privilege): g.grantable for g in wanted}
    revokes: list[tuple[Grantee, bool, str]] = []  # (grantee, grant option only, privilege)
    grants: list[tuple[Grantee, bool, str]] = []  # (grantee, with grant option, privilege)
    for key, grantable in sorted(have.items()):
        if key not in want:
            revokes.append((key[0], False, key[1]))
        elif grantable and not want[key]:
            revokes.append((key[0], True, key[1]))
    for key, grantable in sorted(want.items()):
        if key not in have or (grantable and not have[key]):
            grants.append((key[0], grantable, key[1]))
    statements = []
    for (grantee, option), group in groupby(sorted(revokes), key=lambda r: r[:2]):
        privileges = _privileges([p for *_, p in group], column)
        what = f"GRANT OPTION FOR {privileges}" if option else privileges
        statements.append(f"{prefix}REVOKE {what} {on} FROM {role_sql(grantee, owner)}")
    for (grantee, option), group in groupby(sorted(grants), key=lambda r: r[:2]):
        privileges = _privileges([p for *_, p in group], column)
        suffix = " WITH GRANT OPTION" if option else ""
        statements.append(f"{prefix}GRANT {privileges} {on} TO {role_sql(grantee, owner)}{suffix}")
    return statements


def _privileges(privileges: list[str], column: str | None) -> str:
    """``SELECT, UPDATE``, or for a column ``SELECT ("c"), UPDATE ("c")`` (a column list
    belongs to the one privilege it follows)."""
    if column is None:
        return ", ".join(sorted(privileges))
    return ", ".join(f"{p} ({ident(column)})" for p in sorted(privileges))
