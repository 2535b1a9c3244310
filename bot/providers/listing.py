"""What a provider client does locally to the pages of a listing (pure).

Providers filter on the wire what their APIs can; the rest (names in any case, exact
start and creation instants) is applied here, page by page, so a page may come back
short or empty with a next cursor. A newest-first listing of sessions stops early once a
page has passed the window's start, but only while its pages keep that order.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.providers.base import RoomQuery, SessionQuery
from bot.providers.filters import (
    last_start,
    names_match,
    needs_local_filter,
    newest_first,
    passed_window,
    session_matches,
)
from bot.providers.models import Page, Room, RoomSession
from bot.providers.walks import CutReason

log = logging.getLogger("bot.providers.listing")


def filter_sessions(
    page: Page[RoomSession], query: SessionQuery, *, may_stop: bool
) -> Page[RoomSession]:
    """Apply the query's local filters (names and the start-time window) to one page.

    Once a newest-first page has passed `since`, no later one can match, so the cursor is
    dropped (when `may_stop`; a listing that has seen pages out of order reads to the end),
    and so is a cut for a next link that leads back: no later page was needed.
    """
    if not needs_local_filter(query):
        return page
    if may_stop and passed_window(page.items, query):
        page.next_cursor = None
        if page.cut is not None and page.cut.reason is CutReason.REPEATED:
            page.cut = None
    page.items = [session for session in page.items if session_matches(session, query)]
    return page


class SessionWalk:
    """One listing of a session window, page after page: whether its pages keep coming
    newest first, across page boundaries too. The first page that does not is logged
    (once), and from then on the listing reads to the end instead of stopping early."""

    def __init__(self, query: SessionQuery) -> None:
        self._query = query
        self._pages = 0
        self._last: datetime | None = None
        self._in_order = True

    def take(self, page: Page[RoomSession]) -> Page[RoomSession]:
        self._pages += 1
        if self._in_order and self._query.started_after is not None:
            if not newest_first(page.items, after=self._last):
                self._in_order = False
                log.warning(
                    "page %d of room sessions is not newest first; reading to the end",
                    self._pages,
                )
            self._last = last_start(page.items) or self._last
        return filter_sessions(page, self._query, may_stop=self._in_order)


def room_matches(room: Room, query: RoomQuery) -> bool:
    """Whether a room passes the query: part of its name or display name, any case, and
    a creation instant in [created_after, created_before)."""
    if query.name_matches and not names_match(query.name_matches, room.name, room.display_name):
        return False
    created = room.created_at
    if query.created_after and (created is None or created < query.created_after):
        return False
    return not (query.created_before and (created is None or created >= query.created_before))
