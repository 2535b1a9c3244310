"""`/rooms room UUID|NAME`: one room and its active session."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.errors import Usage
from bot.commands.options import positional, ref
from bot.render.kit import Reply
from bot.slack.answers import render_context, reply_deadline
from bot.slack.blocks.rooms import render_room
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, Subcommand, by_provider

USAGE = Usage("room", "/rooms room UUID|NAME")


@dataclass(frozen=True)
class RoomCommand:
    ref: str


def parse(args: list[str], _grammar: Grammar) -> RoomCommand:
    (value,) = positional(USAGE, args, "a room UUID or name")
    return RoomCommand(ref=ref(USAGE, value))


async def answer(command: RoomCommand, services: Services, caller: Caller) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, caller.user_id)
        return render_room(await services.reads.room(command.ref), ctx)


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider("one room and its active session"),
    examples=by_provider(("/rooms room all-hands",)),
    parse=parse,
    answer=answer,
    forms=(RoomCommand,),
)
