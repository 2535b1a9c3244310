"""What the read subcommands share on the way from a command to its reply: the render
context, the reply's deadline, and how local filters and typed values are shown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.providers.base import RoomQuery, SessionQuery
from bot.providers.errors import ProviderUnavailable
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.listing import LocalFilters
from bot.slack.blocks.provider_view import view_for
from bot.slack.services import Services


async def render_context(services: Services, user_id: str | None) -> RenderContext:
    return RenderContext(
        now=services.clock(),
        tz=await services.zones.zone(user_id),
        buttons=services.buttons,
        view=view_for(services.reads.provider.name),
    )


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


def local_filters(services: Services, query: SessionQuery | RoomQuery) -> LocalFilters:
    provider = services.reads.provider
    return LocalFilters(provider.local_filters(query), provider.label)


def quote(value: str) -> str:
    """A typed word as the filters line shows it: quoted where it holds a space."""
    if " " not in value:
        return value
    key, sep, rest = value.partition("=")
    return f'{key}="{rest}"' if sep else f'"{value}"'
