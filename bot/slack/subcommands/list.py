"""`/rooms list [match=TEXT] [created_after=DATE] [created_before=DATE] [limit=N]`: rooms,
newest first, paged on by how many were shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.commands.errors import Usage
from bot.commands.options import (
    DEFAULT_LIMIT,
    date_option,
    limit,
    limit_words,
    options,
    require_match,
)
from bot.providers.base import RoomQuery
from bot.render.kit import Reply
from bot.slack.answers import local_filters, quote, render_context, reply_deadline
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.rooms import render_room_list
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, MoreState, Paging, Subcommand, by_provider

USAGE = Usage(
    "list", "/rooms list [match=TEXT] [created_after=DATE] [created_before=DATE] [limit=N]"
)


@dataclass(frozen=True)
class ListRoomsCommand:
    query: RoomQuery
    limit: int = DEFAULT_LIMIT


def parse(args: list[str], _grammar: Grammar) -> ListRoomsCommand:
    given = options(USAGE, args, allowed=("match", "created_after", "created_before", "limit"))
    match = given.get("match")
    if match is not None:
        require_match(USAGE, match)
    after = date_option(USAGE, "created_after", given.get("created_after"))
    before = date_option(USAGE, "created_before", given.get("created_before"))
    if after and before and after >= before:
        raise USAGE.refuse("created_after must be earlier than created_before.")
    query = RoomQuery(name_matches=match, created_after=after, created_before=before)
    return ListRoomsCommand(query=query, limit=limit(USAGE, given.get("limit")))


def unparse(command: ListRoomsCommand) -> list[str]:
    rooms = command.query
    pairs: list[tuple[str, str | None]] = [
        ("match", rooms.name_matches),
        ("created_after", rooms.created_after.isoformat() if rooms.created_after else None),
        ("created_before", rooms.created_before.isoformat() if rooms.created_before else None),
    ]
    return [f"{key}={value}" for key, value in pairs if value] + limit_words(command.limit)


async def answer(command: ListRoomsCommand, services: Services, caller: Caller) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, caller.user_id)
        return await rooms_reply(services, command, 0, ctx)


async def next_page(state: MoreState, services: Services, user_id: str | None) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, user_id)
        return await rooms_reply(services, state.command, state.shown, ctx)


async def rooms_reply(
    services: Services, command: ListRoomsCommand, offset: int, ctx: RenderContext
) -> Reply:
    query = command.query
    listing = await services.reads.rooms(query, limit=command.limit, offset=offset)
    more = None
    if listing.next_offset is not None:
        more = services.more.encode(MoreState(command, listing.next_offset))
    return render_room_list(
        listing.items,
        ctx,
        filters=room_filters(query),
        first_number=offset + 1,
        more_value=more,
        local=local_filters(services, query),
        cut=listing.cut,
    )


def room_filters(query: RoomQuery) -> str:
    parts: list[tuple[str, str | None]] = [
        ("match", query.name_matches),
        ("created_after", _day(query.created_after)),
        ("created_before", _day(query.created_before)),
    ]
    return " ".join(f"{key}={quote(value)}" for key, value in parts if value)


def _day(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.date().isoformat()
    return moment.isoformat()


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider("rooms, newest first"),
    examples=by_provider(("/rooms list match=sales created_after=2026-01-01",)),
    parse=parse,
    answer=answer,
    forms=(ListRoomsCommand,),
    paging=Paging(takes="offset", unparse=unparse, next_page=next_page),
)
