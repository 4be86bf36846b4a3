"""Comment commands: ``/schemagate confirm-drop <plan-id>``, ``/schemagate plan``,
``/schemagate apply``.

A command is a line of its own that starts with ``/schemagate``; quoted text (``> …``) and
code blocks are not commands, so quoting someone's command in a reply does not repeat it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.schema.plan import SHORT_ID_LENGTH

PREFIX = "/schemagate"
HELP = (
    "schemagate commands: `/schemagate confirm-drop <plan-id>` (acknowledge the destructive "
    "statements of that plan), `/schemagate plan` (plan again now), `/schemagate apply` "
    "(check the approvals again and apply if they suffice)."
)


class CommandKind(StrEnum):
    CONFIRM_DROP = "confirm-drop"
    PLAN = "plan"
    APPLY = "apply"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Command:
    kind: CommandKind
    argument: str = ""
    text: str = ""  # the line as written, for replies

    def names_plan(self, plan_id: str) -> bool:
        """Whether a confirm-drop names ``plan_id`` (its full id, or at least its short id)."""
        given = self.argument.lower()
        return len(given) >= SHORT_ID_LENGTH and plan_id.lower().startswith(given)


def parse_commands(body: str) -> list[Command]:
    """Every command line of a comment, in order."""
    commands: list[Command] = []
    in_code_block = False
    for raw_line in body.splitlines():
        line = raw_line.strip()
        if line.startswith("```"):
            in_code_block = not in_code_block
            continue
        if in_code_block or not line.startswith(PREFIX):
            continue
        words = line.split()
        if words[0] != PREFIX:
            continue  # e.g. "/schemagateway"
        commands.append(_command(words[1:], line))
    return commands


def _command(words: list[str], line: str) -> Command:
    name = words[0].lower() if words else ""
    argument = words[1] if len(words) > 1 else ""
    if name == CommandKind.CONFIRM_DROP and argument and len(words) == 2:
        return Command(CommandKind.CONFIRM_DROP, argument.strip("`"), line)
    if name in (CommandKind.PLAN, CommandKind.APPLY) and len(words) == 1:
        return Command(CommandKind(name), "", line)
    return Command(CommandKind.UNKNOWN, " ".join(words), line)
