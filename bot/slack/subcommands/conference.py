"""`/rooms conference UUID|NAME`: one conference, its theme and its active session
(SignalWire; Telnyx has none)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.errors import Usage
from bot.commands.options import positional, ref
from bot.render.kit import Reply
from bot.slack.answers import render_context, reply_deadline
from bot.slack.blocks.rooms import render_conference
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, Subcommand, by_provider

USAGE = Usage("conference", "/rooms conference UUID|NAME")
NO_CONFERENCES = "SignalWire only: Telnyx has no conferences"


@dataclass(frozen=True)
class ConferenceCommand:
    ref: str


def parse(args: list[str], _grammar: Grammar) -> ConferenceCommand:
    (value,) = positional(USAGE, args, "a conference UUID or name")
    return ConferenceCommand(ref=ref(USAGE, value))


async def answer(command: ConferenceCommand, services: Services, caller: Caller) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, caller.user_id)
        return render_conference(await services.reads.conference(command.ref), ctx)


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider("one conference, its theme and its active session", telnyx=NO_CONFERENCES),
    examples=by_provider(()),
    parse=parse,
    answer=answer,
    forms=(ConferenceCommand,),
)
