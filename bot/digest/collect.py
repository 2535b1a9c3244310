"""One walk over the provider's sessions for a day and the day before (I/O at the edge).

The window is [start of the day before, end of the day), asked of the provider in pages of
`MAX_PAGE_SIZE`; the provider stops paging once its newest-first pages have passed the
window's start, so the calls grow with the sessions in the window, not the history. Each
session goes to the one summariser whose day it started on; memory stays per room. The walk
is bounded (`limits`); one cut short raises DigestIncomplete instead of a partial report.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digest.days import day_window
from bot.digest.errors import DigestIncomplete
from bot.digest.summary import DaySummariser, DigestReport
from bot.providers.base import MAX_PAGE_SIZE, SessionQuery, VideoProvider
from bot.providers.walks import DIGEST_WALK, WalkCutShort, WalkLimits


async def collect_report(
    provider: VideoProvider,
    day: date,
    zone: ZoneInfo,
    *,
    now: datetime,
    limits: WalkLimits = DIGEST_WALK,
) -> DigestReport:
    before = day - timedelta(days=1)
    summary = DaySummariser(day, zone, now=now)
    previous = DaySummariser(before, zone, now=now)
    query = SessionQuery(
        started_after=day_window(before, zone)[0], started_before=day_window(day, zone)[1]
    )
    try:
        async for session in provider.room_sessions(query, page_size=MAX_PAGE_SIZE, limits=limits):
            if not summary.add(session):
                previous.add(session)
    except WalkCutShort as cut_short:
        raise DigestIncomplete(day, cut_short.cut) from None
    return DigestReport(summary.result(), previous.result(), provider.label)
