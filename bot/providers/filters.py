"""Filters applied here when a provider cannot apply them on the wire (pure).

Searching is what people see: names and display names, any case, with curly and straight
apostrophes alike, and with `-`, `_` and spaces alike (`match="all hands"` finds the
`all-hands` room and its display name "Company All-Hands").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise

from bot.providers.base import SessionQuery
from bot.providers.models import RoomSession

_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "-": " ", "_": " "})


def folded(text: str) -> str:
    return " ".join(text.translate(_FOLD).casefold().split())


def names_match(needle: str, *names: str | None) -> bool:
    wanted = folded(needle)
    return any(wanted in folded(name) for name in names if name)


def session_matches(session: RoomSession, query: SessionQuery) -> bool:
    """Whether a session passes the query's local filters (`matches` and the time window)."""
    if query.matches and not names_match(query.matches, session.name, session.display_name):
        return False
    if query.started_after is None and query.started_before is None:
        return True
    started = session.start_time
    if started is None:
        return False
    if query.started_after is not None and started < query.started_after:
        return False
    return query.started_before is None or started < query.started_before


def needs_local_filter(query: SessionQuery) -> bool:
    window = (query.started_after, query.started_before)
    return bool(query.matches) or window != (None, None)


def newest_first(sessions: Sequence[RoomSession], *, after: datetime | None = None) -> bool:
    """Whether the sessions' start times never increase, going on from `after` (the last
    start on the page before, if any). Sessions without a start time are skipped."""
    starts = [session.start_time for session in sessions if session.start_time is not None]
    chain = starts if after is None else [after, *starts]
    return all(a >= b for a, b in pairwise(chain))


def last_start(sessions: Sequence[RoomSession]) -> datetime | None:
    """The start time of the page's last session that has one."""
    return next((s.start_time for s in reversed(sessions) if s.start_time is not None), None)


def passed_window(sessions: Sequence[RoomSession], query: SessionQuery) -> bool:
    """On a newest-first page: whether its last session started before the window, so no
    later page can hold a session in it. An out-of-order page proves nothing."""
    if query.started_after is None or not sessions:
        return False
    if any(session.start_time is None for session in sessions) or not newest_first(sessions):
        return False
    last = sessions[-1].start_time
    return last is not None and last < query.started_after
