"""`/rooms members SESSION [limit=N]`: who was (or is) in a session, in the order they
joined, paged on with the provider's cursor."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.errors import Usage
from bot.commands.options import DEFAULT_LIMIT, limit_words, session_and_limit
from bot.render.kit import Reply
from bot.slack.answers import render_context, reply_deadline
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.members import render_member_list
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, MoreState, Paging, Subcommand, by_provider

USAGE = Usage("members", "/rooms members SESSION [limit=N]")


@dataclass(frozen=True)
class MembersCommand:
    session_id: str
    limit: int = DEFAULT_LIMIT


def parse(args: list[str], _grammar: Grammar) -> MembersCommand:
    return MembersCommand(*session_and_limit(USAGE, args))


def unparse(command: MembersCommand) -> list[str]:
    return [command.session_id, *limit_words(command.limit)]


async def answer(command: MembersCommand, services: Services, caller: Caller) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, caller.user_id)
        return await members_reply(services, command, ctx)


async def next_page(state: MoreState, services: Services, user_id: str | None) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, user_id)
        return await members_reply(
            services, state.command, ctx, cursor=state.cursor, shown=state.shown
        )


async def members_reply(
    services: Services,
    command: MembersCommand,
    ctx: RenderContext,
    *,
    cursor: str | None = None,
    shown: int = 0,
) -> Reply:
    page = await services.reads.members(command.session_id, limit=command.limit, cursor=cursor)
    more = None
    if page.next_cursor:
        more = services.more.encode(MoreState(command, shown + len(page.items), page.next_cursor))
    return render_member_list(
        page.items,
        ctx,
        session_id=command.session_id,
        first_number=shown + 1,
        more_value=more,
        cut=page.cut,
    )


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider(
        "who was (or is) in a session: name, joined, left, time in it, cost; More pages on",
        telnyx="who was (or is) in a session: each participant's context, joined, left, "
        "time in it; More pages on",
    ),
    examples=by_provider(()),
    parse=parse,
    answer=answer,
    forms=(MembersCommand,),
    paging=Paging(takes="cursor", unparse=unparse, next_page=next_page),
)
