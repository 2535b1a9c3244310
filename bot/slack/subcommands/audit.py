"""`/rooms audit [UUID|NAME] [limit=N]`: recent requests, decisions and outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.errors import Usage
from bot.commands.options import DEFAULT_LIMIT, limit, options, ref
from bot.commands.words import tidy
from bot.render.kit import Reply
from bot.render.text import echo
from bot.slack.answers import render_context
from bot.slack.blocks.approvals import render_audit
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, Subcommand, by_provider

USAGE = Usage("audit", "/rooms audit [UUID|NAME] [limit=N]")


@dataclass(frozen=True)
class AuditCommand:
    room: str | None = None
    limit: int = DEFAULT_LIMIT


def parse(args: list[str], _grammar: Grammar) -> AuditCommand:
    rooms = [tidy(arg) for arg in args if "=" not in arg and tidy(arg)]
    if len(rooms) > 1:
        extra = echo(rooms[1], 30)
        raise USAGE.refuse(f"`/rooms audit` takes one room at most; remove `{extra}`.")
    given = options(USAGE, [arg for arg in args if "=" in arg], allowed=("limit",))
    room = ref(USAGE, rooms[0], noun="room") if rooms else None
    return AuditCommand(room=room, limit=limit(USAGE, given.get("limit")))


async def answer(command: AuditCommand, services: Services, caller: Caller) -> Reply:
    service = services.approvals
    ctx = await render_context(services, caller.user_id)
    events = await service.audit(command.room, command.limit)
    return render_audit(events, ctx, room=command.room)


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider("recent requests, decisions and outcomes, for one room or all"),
    examples=by_provider(()),
    parse=parse,
    answer=answer,
    forms=(AuditCommand,),
)
