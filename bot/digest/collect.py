"""One walk over the provider's sessions for a day and the day before (I/O at the edge).

The window is [start of the day before, end of the day), asked of the provider in pages of
`MAX_PAGE_SIZE`; the provider stops paging once its newest-first pages have passed the
window's start, so the calls grow with the sessions in the window, not the history. Each
session goes to the one summariser whose day it started on; memory stays per room.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digest.days import day_window
from bot.digest.summary import DaySummariser, DigestReport
from bot.providers.base import MAX_PAGE_SIZE, SessionQuery, VideoProvider


async def collect_report(
    provider: VideoProvider, day: date, zone: ZoneInfo, *, now: datetime
) -> DigestReport:
    before = day - timedelta(days=1)
    summary = DaySummariser(day, zone, now=now)
    previous = DaySummariser(before, zone, now=now)
    query = SessionQuery(
        started_after=day_window(before, zone)[0], started_before=day_window(day, zone)[1]
    )
    async for session in provider.room_sessions(query, page_size=MAX_PAGE_SIZE):
        if not summary.add(session):
            previous.add(session)
    return DigestReport(summary.result(), previous.result(), provider.label)
