"""From a parsed command (or a button's state) to the reply: ask the provider, render."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime

from bot.commands.grammar import session_window, unparse
from bot.commands.model import (
    Command,
    ConferenceCommand,
    ConferencesCommand,
    HelpCommand,
    ListRoomsCommand,
    RoomCommand,
    SessionCommand,
    SessionsCommand,
)
from bot.providers.base import RoomQuery, SessionQuery
from bot.providers.errors import ProviderUnavailable
from bot.render.kit import Reply
from bot.slack.blocks.conference_list import render_conference_list
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.help import render_help
from bot.slack.blocks.listing import LocalFilters
from bot.slack.blocks.provider_view import view_for
from bot.slack.blocks.rooms import render_conference, render_room, render_room_list
from bot.slack.blocks.sessions import render_session, render_session_list
from bot.slack.more import MoreState
from bot.slack.services import Services


async def render_context(services: Services, user_id: str | None) -> RenderContext:
    return RenderContext(
        now=services.clock(),
        tz=await services.zones.zone(user_id),
        buttons=services.buttons,
        view=view_for(services.reads.provider.name),
    )


async def answer(command: Command, services: Services, user_id: str | None) -> Reply:
    if isinstance(command, HelpCommand):
        return render_help(command.topic, view_for(services.reads.provider.name))
    async with reply_deadline(services):
        return await _answer(command, services, user_id)


async def answer_more(state: MoreState, services: Services, user_id: str | None) -> Reply:
    async with reply_deadline(services):
        return await _answer_more(state, services, user_id)


@asynccontextmanager
async def reply_deadline(services: Services) -> AsyncIterator[None]:
    """A read's reply is worth sending for `services.reply_seconds`: past that, its work
    (and every provider call it was waiting for) is cancelled, and the user told why."""
    seconds = services.reply_seconds
    try:
        async with asyncio.timeout(seconds) as deadline:
            yield
    except TimeoutError:
        if not deadline.expired():
            raise
        raise ProviderUnavailable(
            f"no answer within {seconds:g} s", provider=services.reads.provider_label
        ) from None


async def _answer(command: Command, services: Services, user_id: str | None) -> Reply:
    ctx = await render_context(services, user_id)
    reads = services.reads
    if isinstance(command, SessionsCommand):
        return await sessions_reply(services, command, ctx)
    if isinstance(command, SessionCommand):
        return render_session(await reads.session(command.session_id), ctx)
    if isinstance(command, ListRoomsCommand):
        return await rooms_reply(services, command, 0, ctx)
    if isinstance(command, RoomCommand):
        return render_room(await reads.room(command.ref), ctx)
    if isinstance(command, ConferenceCommand):
        return render_conference(await reads.conference(command.ref), ctx)
    if isinstance(command, ConferencesCommand):
        return await conferences_reply(services, command, 0, ctx)
    raise TypeError(f"no answer for {type(command).__name__}")


async def _answer_more(state: MoreState, services: Services, user_id: str | None) -> Reply:
    ctx = await render_context(services, user_id)
    command = state.command
    if isinstance(command, SessionsCommand):
        return await sessions_reply(services, command, ctx, cursor=state.cursor, shown=state.shown)
    if isinstance(command, ConferencesCommand):
        return await conferences_reply(services, command, state.shown, ctx)
    return await rooms_reply(services, command, state.shown, ctx)


async def sessions_reply(
    services: Services,
    command: SessionsCommand,
    ctx: RenderContext,
    *,
    cursor: str | None = None,
    shown: int = 0,
) -> Reply:
    # since=/until= are in the caller's zone, known only now.
    after, before = session_window(command.since, command.until, ctx.tz)
    query = replace(command.query, started_after=after, started_before=before)
    page = await services.reads.sessions(query, limit=command.limit, cursor=cursor)
    more = None
    if page.next_cursor:
        state = MoreState(command, shown + len(page.items), page.next_cursor)
        more = services.more.encode(state)
    return render_session_list(
        page.items,
        ctx,
        filters=session_filters(command),
        first_number=shown + 1,
        more_value=more,
        local=local_filters(services, query),
        cut=page.cut,
    )


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


async def conferences_reply(
    services: Services, command: ConferencesCommand, offset: int, ctx: RenderContext
) -> Reply:
    listing = await services.reads.conferences(command.match, limit=command.limit, offset=offset)
    more = None
    if listing.next_offset is not None:
        more = services.more.encode(MoreState(command, listing.next_offset))
    filters = f"match={_quote(command.match)}" if command.match else ""
    return render_conference_list(
        listing.items,
        ctx,
        filters=filters,
        first_number=offset + 1,
        more_value=more,
        cut=listing.cut,
    )


def local_filters(services: Services, query: SessionQuery | RoomQuery) -> LocalFilters:
    provider = services.reads.provider
    return LocalFilters(provider.local_filters(query), provider.label)


def session_filters(command: SessionsCommand) -> str:
    """The filters as the user typed them (the words a More button carries)."""
    return " ".join(_quote(word) for word in unparse(command)[1:] if not word.startswith("limit="))


def room_filters(query: RoomQuery) -> str:
    parts: list[tuple[str, str | None]] = [
        ("match", query.name_matches),
        ("created_after", _day(query.created_after)),
        ("created_before", _day(query.created_before)),
    ]
    return " ".join(f"{key}={_quote(value)}" for key, value in parts if value)


def _day(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.date().isoformat()
    return moment.isoformat()


def _quote(value: str) -> str:
    if " " not in value:
        return value
    key, sep, rest = value.partition("=")
    return f'{key}="{rest}"' if sep else f'"{value}"'
