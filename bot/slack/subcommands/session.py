"""`/rooms session UUID`: one room session, every field."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.errors import Usage
from bot.commands.options import positional
from bot.providers.ids import is_uuid
from bot.render.kit import Reply
from bot.render.text import echo
from bot.slack.answers import render_context, reply_deadline
from bot.slack.blocks.sessions import render_session
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, Subcommand, by_provider

USAGE = Usage("session", "/rooms session UUID")


@dataclass(frozen=True)
class SessionCommand:
    session_id: str


def parse(args: list[str], _grammar: Grammar) -> SessionCommand:
    (value,) = positional(USAGE, args, "a session UUID")
    if not is_uuid(value):
        raise USAGE.refuse(
            f"`{echo(value)}` is not a session id: expected a UUID such as "
            "`3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a` (copy it from `/rooms sessions`)."
        )
    return SessionCommand(session_id=value.lower())


async def answer(command: SessionCommand, services: Services, caller: Caller) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, caller.user_id)
        return render_session(await services.reads.session(command.session_id), ctx)


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider("one room session, every field"),
    examples=by_provider(()),
    parse=parse,
    answer=answer,
    forms=(SessionCommand,),
)
