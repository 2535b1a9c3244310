"""`/rooms conferences [match=TEXT] [limit=N]`: conferences, newest first, paged on by how
many were shown (SignalWire; Telnyx has none)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.errors import Usage
from bot.commands.options import DEFAULT_LIMIT, limit, limit_words, options, require_match
from bot.render.kit import Reply
from bot.slack.answers import quote, render_context, reply_deadline
from bot.slack.blocks.conference_list import render_conference_list
from bot.slack.blocks.context import RenderContext
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, MoreState, Paging, Subcommand, by_provider
from bot.slack.subcommands.conference import NO_CONFERENCES

USAGE = Usage("conferences", "/rooms conferences [match=TEXT] [limit=N]")


@dataclass(frozen=True)
class ConferencesCommand:
    match: str | None = None
    limit: int = DEFAULT_LIMIT


def parse(args: list[str], _grammar: Grammar) -> ConferencesCommand:
    given = options(USAGE, args, allowed=("match", "limit"))
    match = given.get("match")
    if match is not None:
        require_match(USAGE, match)
    return ConferencesCommand(match=match, limit=limit(USAGE, given.get("limit")))


def unparse(command: ConferencesCommand) -> list[str]:
    words = [f"match={command.match}"] if command.match else []
    return words + limit_words(command.limit)


async def answer(command: ConferencesCommand, services: Services, caller: Caller) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, caller.user_id)
        return await conferences_reply(services, command, 0, ctx)


async def next_page(state: MoreState, services: Services, user_id: str | None) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, user_id)
        return await conferences_reply(services, state.command, state.shown, ctx)


async def conferences_reply(
    services: Services, command: ConferencesCommand, offset: int, ctx: RenderContext
) -> Reply:
    listing = await services.reads.conferences(command.match, limit=command.limit, offset=offset)
    more = None
    if listing.next_offset is not None:
        more = services.more.encode(MoreState(command, listing.next_offset))
    filters = f"match={quote(command.match)}" if command.match else ""
    return render_conference_list(
        listing.items,
        ctx,
        filters=filters,
        first_number=offset + 1,
        more_value=more,
        cut=listing.cut,
    )


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider("conferences, newest first", telnyx=NO_CONFERENCES),
    examples=by_provider(()),
    parse=parse,
    answer=answer,
    forms=(ConferencesCommand,),
    paging=Paging(takes="offset", unparse=unparse, next_page=next_page),
)
