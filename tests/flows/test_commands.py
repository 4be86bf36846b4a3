"""Comment commands are parsed from lines of their own."""

from __future__ import annotations

import pytest

from app.flows.commands import CommandKind, parse_commands

PLAN_ID = "3f0c6b1d2a9e" + "7" * 52


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/schemagate confirm-drop 3f0c6b1d2a9e", [(CommandKind.CONFIRM_DROP, "3f0c6b1d2a9e")]),
        ("LGTM\n  /schemagate plan  \n", [(CommandKind.PLAN, "")]),
        ("/schemagate apply", [(CommandKind.APPLY, "")]),
        ("/schemagate confirm-drop `3f0c6b1d2a9e`", [(CommandKind.CONFIRM_DROP, "3f0c6b1d2a9e")]),
        ("/schemagate frobnicate now", [(CommandKind.UNKNOWN, "frobnicate now")]),
        ("/schemagate", [(CommandKind.UNKNOWN, "")]),
        ("please run /schemagate apply", []),
        ("> /schemagate apply", []),
        ("```\n/schemagate apply\n```", []),
        ("/schemagateway apply", []),
        ("/schemagate plan\n/schemagate apply", [(CommandKind.PLAN, ""), (CommandKind.APPLY, "")]),
        ("/schemagate confirm-drop", [(CommandKind.UNKNOWN, "confirm-drop")]),
    ],
)
def test_parse_commands(body: str, expected: list[tuple[CommandKind, str]]) -> None:
    assert [(c.kind, c.argument) for c in parse_commands(body)] == expected


@pytest.mark.parametrize(
    ("argument", "matches"),
    [
        ("3f0c6b1d2a9e", True),
        ("3F0C6B1D2A9E", True),
        (PLAN_ID, True),
        ("3f0c6b1d", False),
        ("3f0c6b1d2a9f", False),
        ("", False),
    ],
)
def test_confirm_drop_names_the_plan(argument: str, matches: bool) -> None:
    [command] = parse_commands(f"/schemagate confirm-drop {argument}".strip())
    assert command.names_plan(PLAN_ID) is matches
