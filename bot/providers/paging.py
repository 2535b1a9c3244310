"""Walking paginated lists, whatever the provider's paging style."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from bot.providers.models import Page

T = TypeVar("T")


async def iterate_pages(
    fetch: Callable[[str | None], Awaitable[Page[T]]],
) -> AsyncIterator[T]:
    """Yield every item, page after page, until there is no next cursor or it repeats.

    A repeated cursor would loop forever on a provider bug; stopping is the safe answer.
    """
    seen: set[str] = set()
    cursor: str | None = None
    while True:
        page = await fetch(cursor)
        for item in page.items:
            yield item
        cursor = page.next_cursor
        if cursor is None or cursor in seen:
            return
        seen.add(cursor)


def relative_link(link: str | None) -> str | None:
    """Reduce a `links.next` value (absolute or relative) to its path and query.

    Requests always go to the configured base URL, so a link naming another host can never
    carry our credentials there, and a proxy set in the base URL keeps working.
    """
    if not link:
        return None
    parts = urlsplit(link)
    path = parts.path or "/"
    if not path.startswith("/"):
        path = "/" + path
    return urlunsplit(("", "", path, parts.query, ""))
