"""`/rooms events SESSION [limit=N]`: a session's timeline, oldest first, paged on with the
provider's cursor; on a provider without one (Telnyx), its participants' joins and leaves."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.errors import Usage
from bot.commands.options import DEFAULT_LIMIT, limit_words, session_and_limit
from bot.render.kit import Reply
from bot.slack.answers import render_context, reply_deadline
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.events import render_event_list
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, MoreState, Paging, Subcommand, by_provider

USAGE = Usage("events", "/rooms events SESSION [limit=N]")


@dataclass(frozen=True)
class EventsCommand:
    session_id: str
    limit: int = DEFAULT_LIMIT


def parse(args: list[str], _grammar: Grammar) -> EventsCommand:
    return EventsCommand(*session_and_limit(USAGE, args))


def unparse(command: EventsCommand) -> list[str]:
    return [command.session_id, *limit_words(command.limit)]


async def answer(command: EventsCommand, services: Services, caller: Caller) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, caller.user_id)
        return await events_reply(services, command, ctx)


async def next_page(state: MoreState, services: Services, user_id: str | None) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, user_id)
        return await events_reply(
            services, state.command, ctx, cursor=state.cursor, shown=state.shown
        )


async def events_reply(
    services: Services,
    command: EventsCommand,
    ctx: RenderContext,
    *,
    cursor: str | None = None,
    shown: int = 0,
) -> Reply:
    provider = services.reads.provider
    page = await services.reads.events(command.session_id, limit=command.limit, cursor=cursor)
    more = None
    if page.next_cursor:
        more = services.more.encode(MoreState(command, shown + len(page.items), page.next_cursor))
    return render_event_list(
        page.items,
        ctx,
        session_id=command.session_id,
        first_number=shown + 1,
        more_value=more,
        cut=page.cut,
        built_from=None if provider.supports_session_events else provider.label,
    )


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider(
        "the session's timeline, oldest first: joins, leaves, recordings, layout changes; "
        "More pages on",
        telnyx="the joins and leaves of a session's participants, oldest first (Telnyx keeps "
        "no timeline); More pages on",
    ),
    examples=by_provider(()),
    parse=parse,
    answer=answer,
    forms=(EventsCommand,),
    paging=Paging(takes="cursor", unparse=unparse, next_page=next_page),
)
