"""`/rooms recordings [SESSION] [limit=N]`: recordings of one session or of all, newest
first, paged on with the provider's cursor; each completed one has a "Get link" button."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.errors import Usage
from bot.commands.options import DEFAULT_LIMIT, limit, limit_words, options
from bot.commands.words import tidy
from bot.providers.ids import is_uuid
from bot.render.kit import Reply
from bot.render.text import echo
from bot.slack.answers import render_context, reply_deadline
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.recordings import render_recording_list
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, MoreState, Paging, Subcommand, by_provider

USAGE = Usage("recordings", "/rooms recordings [SESSION] [limit=N]")


@dataclass(frozen=True)
class RecordingsCommand:
    session_id: str | None = None  # None: every session's
    limit: int = DEFAULT_LIMIT


def parse(args: list[str], _grammar: Grammar) -> RecordingsCommand:
    words = [tidy(arg) for arg in args]
    words = [word for word in words if word]
    named = [word for word in words if "=" not in word]
    if len(named) > 1:
        extra = " ".join(echo(word, 30) for word in named[1:])
        raise USAGE.refuse(f"`/rooms recordings` takes at most one session id; remove `{extra}`.")
    session_id = named[0] if named else None
    if session_id is not None and not is_uuid(session_id):
        raise USAGE.refuse(
            f"`{echo(session_id)}` is not a session id: type a session UUID, "
            "as `/rooms sessions` shows them, or nothing for every session's recordings."
        )
    given = options(USAGE, [word for word in words if "=" in word], allowed=("limit",))
    return RecordingsCommand(
        session_id.lower() if session_id else None, limit(USAGE, given.get("limit"))
    )


def unparse(command: RecordingsCommand) -> list[str]:
    return ([command.session_id] if command.session_id else []) + limit_words(command.limit)


async def answer(command: RecordingsCommand, services: Services, caller: Caller) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, caller.user_id)
        return await recordings_reply(services, command, ctx)


async def next_page(state: MoreState, services: Services, user_id: str | None) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, user_id)
        return await recordings_reply(
            services, state.command, ctx, cursor=state.cursor, shown=state.shown
        )


async def recordings_reply(
    services: Services,
    command: RecordingsCommand,
    ctx: RenderContext,
    *,
    cursor: str | None = None,
    shown: int = 0,
) -> Reply:
    page = await services.reads.recordings(command.session_id, limit=command.limit, cursor=cursor)
    more = None
    if page.next_cursor:
        more = services.more.encode(MoreState(command, shown + len(page.items), page.next_cursor))
    return render_recording_list(
        page.items,
        ctx,
        filters=f"session {command.session_id}" if command.session_id else "",
        first_number=shown + 1,
        more_value=more,
        cut=page.cut,
    )


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider(
        "recordings of a session (or of all), newest first, with a Get link button that "
        "shows a link only to you"
    ),
    examples=by_provider(
        ("/rooms recordings", "/rooms recordings 3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a limit=5")
    ),
    parse=parse,
    answer=answer,
    forms=(RecordingsCommand,),
    paging=Paging(takes="cursor", unparse=unparse, next_page=next_page),
)
