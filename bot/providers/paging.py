"""Walking paginated lists, whatever the provider's paging style."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import SplitResult, parse_qsl, urlsplit

from bot.providers.models import Page
from bot.providers.walks import CutReason, WalkCutShort, WalkGuard

log = logging.getLogger("bot.providers.paging")

T = TypeVar("T")


async def iterate_pages(
    fetch: Callable[[str | None], Awaitable[Page[T]]], guard: WalkGuard
) -> AsyncIterator[T]:
    """Yield every item, page after page, until there is no next cursor.

    `fetch` reads each page under `guard` (bot/providers/walks.py), which bounds the walk;
    a page it cut ends the walk with WalkCutShort, after that page's items. A cursor that
    comes again does too, whatever `fetch` checked: it would loop forever.
    """
    seen: set[str] = set()
    cursor: str | None = None
    while True:
        page = await fetch(cursor)
        for item in page.items:
            yield item
        if page.cut is not None:
            raise WalkCutShort(page.cut)
        cursor = page.next_cursor
        if cursor is None:
            return
        if cursor in seen:
            raise WalkCutShort(guard.cut(CutReason.REPEATED))
        seen.add(cursor)


# A page cursor travels in a Slack button and comes back from whoever pressed it, so its
# shape is checked before anything of it reaches a request: an optional page number, a
# colon, and the provider's token in URL-safe characters.
MAX_CURSOR_LENGTH = 1024
_CURSOR = re.compile(r"(?:(?P<number>\d{1,9}):)?(?P<token>[A-Za-z0-9._~=-]+)")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class PageToken:
    """What a cursor stands for: the provider's page token and, if it uses one, a number."""

    token: str
    number: int | None = None

    def cursor(self) -> str:
        return self.token if self.number is None else f"{self.number}:{self.token}"

    @classmethod
    def from_cursor(cls, cursor: str) -> PageToken | None:
        """The cursor's token, or None when it is not a cursor this module made."""
        if len(cursor) > MAX_CURSOR_LENGTH:
            return None
        match = _CURSOR.fullmatch(cursor)
        if match is None:
            return None
        number = match.group("number")
        return cls(match.group("token"), int(number) if number is not None else None)


def next_page_token(
    link: object,
    *,
    base_url: str,
    endpoint: str,
    token_param: str = "page_token",
    number_param: str | None = "page_number",
) -> PageToken | None:
    """The page token of a `links.next` value, if the link is one we would follow.

    It must stay on the base URL's origin and on `endpoint` (under the base URL's path
    prefix, if any); anything else ends the listing with a warning, since following it
    could send credentials elsewhere. Only the token (and page number) is kept: requests
    are rebuilt from the caller's own query, never from what a link says.
    """
    if not isinstance(link, str) or not link:
        return None
    parts = urlsplit(link)
    path = parts.path if parts.path.startswith("/") else "/" + parts.path
    base = urlsplit(base_url)
    if parts.netloc and _origin(parts, default_scheme=base.scheme) != _origin(base):
        log.warning("ignoring a next-page link to another host (path %s)", path)
        return None
    if path not in (endpoint, base.path.rstrip("/") + endpoint):
        log.warning("ignoring a next-page link to another list (path %s)", path)
        return None
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    token = query.get(token_param)
    number = query.get(number_param) if number_param else None
    if not token:
        log.warning("ignoring a next-page link without %s (path %s)", token_param, path)
        return None
    found = PageToken.from_cursor(f"{number}:{token}" if number is not None else token)
    if found is None:
        log.warning("ignoring a next-page link with an unusable token (path %s)", path)
    return found


def _origin(
    parts: SplitResult, *, default_scheme: str = ""
) -> tuple[str, str | None, int | None] | None:
    scheme = (parts.scheme or default_scheme).lower()
    try:
        port = parts.port
    except ValueError:
        return None
    return (scheme, parts.hostname, port if port is not None else _DEFAULT_PORTS.get(scheme))
