"""One day's room sessions, summarised from a stream in one pass (pure).

The rule: a session belongs to the local day in which it *started*. Its time is its
duration: `duration` when the provider gives one, else end - start; a session still in
progress (status "in-progress", or neither an end nor a duration) counts up to `now`.
Never negative: a start after `now` counts zero.

Memory grows with rooms, never with sessions: per-room counters, one counter per hour slot,
and one difference-array cell per second of the day (about 350 kB) for the peak.

Concurrency is over half-open [start, start + duration), in whole seconds: a session that
ends at 10:00:00 and one that starts then never overlap. A session occupies at least the
second it started in, and is cut off at the day's end: no session of the day starts later,
so the day's peak lies inside the day. Only the day's own sessions are counted, so one
carried over from the evening before does not add to the peak.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from zoneinfo import ZoneInfo

from bot.digest.days import day_window, hour_slots
from bot.providers.models import RoomSession

BUSIEST = 5
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RoomTotal:
    """A room's day. `key` is its room_id, or the session name for rooms without an id."""

    key: str
    name: str | None
    display_name: str | None
    sessions: int
    seconds: float


@dataclass(frozen=True)
class LongestSession:
    session_id: str | None
    room_name: str | None
    display_name: str | None
    start: datetime
    seconds: float
    in_progress: bool


@dataclass(frozen=True)
class DaySummary:
    day: date
    zone: str  # IANA name
    sessions: int
    seconds: float
    distinct_rooms: int
    busiest: tuple[RoomTotal, ...]  # top 5 by seconds, then sessions, then name
    longest: LongestSession | None
    peak_concurrent: int
    peak_at: datetime | None  # UTC, the first second the peak was reached
    in_progress: int
    cost: Decimal | None  # None when no session of the day reported a cost
    hours: tuple[tuple[str, int], ...]  # (slot label, sessions started in it)
    counted_until: datetime  # the `now` that in-progress sessions were counted up to

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)

    @property
    def empty(self) -> bool:
        return self.sessions == 0


@dataclass(frozen=True)
class DigestReport:
    summary: DaySummary
    previous: DaySummary  # the day before, for the changes
    provider: str  # as people write it, e.g. "SignalWire"


@dataclass
class _Room:
    name: str | None
    display_name: str | None
    sessions: int = 0
    seconds: float = 0.0


class DaySummariser:
    """Feed it sessions in any order with `add`; `result` gives the day's summary."""

    def __init__(self, day: date, zone: ZoneInfo, *, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.day = day
        self.zone = zone
        self.now = now.astimezone(UTC)
        self.start, self.end = day_window(day, zone)
        self._length = int((self.end - self.start).total_seconds())
        self._labels = tuple(slot.label for slot in hour_slots(day, zone))
        self._hours = array("l", [0]) * len(self._labels)
        # +1 at a session's first second, -1 just after its last: running sums are the
        # sessions in progress at each second.
        self._delta = array("i", [0]) * (self._length + 1)
        self._rooms: dict[str, _Room] = {}
        self._sessions = 0
        self._seconds = 0.0
        self._in_progress = 0
        self._cost: Decimal | None = None
        self._longest: LongestSession | None = None

    def add(self, session: RoomSession) -> bool:
        """Count `session` if it started on this day; False (and nothing counted) if not."""
        if session.start_time is None:
            return False
        start = _utc(session.start_time)
        if not self.start <= start < self.end:
            return False
        live = is_in_progress(session)
        seconds = session_seconds(session, start, live=live, now=self.now)
        self._sessions += 1
        self._seconds += seconds
        self._in_progress += live
        self._count_room(session, seconds)
        self._count_cost(session.cost_in_dollars)
        self._count_time(start, seconds)
        candidate = LongestSession(
            session.id, session.name, session.display_name, start, seconds, live
        )
        if self._longest is None or _longer(candidate, self._longest):
            self._longest = candidate
        return True

    def result(self) -> DaySummary:
        peak, peak_second = 0, None
        for second, level in enumerate(accumulate(self._delta)):
            if level > peak:
                peak, peak_second = level, second
        totals = [
            RoomTotal(key, room.name, room.display_name, room.sessions, room.seconds)
            for key, room in self._rooms.items()
        ]
        totals.sort(key=_busiest_order)
        return DaySummary(
            day=self.day,
            zone=self.zone.key,
            sessions=self._sessions,
            seconds=self._seconds,
            distinct_rooms=len(self._rooms),
            busiest=tuple(totals[:BUSIEST]),
            longest=self._longest,
            peak_concurrent=peak,
            peak_at=None if peak_second is None else self.start + timedelta(seconds=peak_second),
            in_progress=self._in_progress,
            cost=None if self._cost is None else self._cost.quantize(CENT, ROUND_HALF_UP),
            hours=tuple(zip(self._labels, self._hours, strict=True)),
            counted_until=self.now,
        )

    def _count_room(self, session: RoomSession, seconds: float) -> None:
        key = session.room_id or session.name or ""
        room = self._rooms.get(key)
        if room is None:
            room = self._rooms[key] = _Room(session.name, session.display_name)
        # Keep the first name seen (newest first from the provider: the current one).
        room.name = room.name or session.name
        room.display_name = room.display_name or session.display_name
        room.sessions += 1
        room.seconds += seconds

    def _count_cost(self, cost: float | None) -> None:
        if cost is None or not math.isfinite(cost):
            return
        # Through str: the dollars as the provider wrote them, not the float's binary value.
        self._cost = (self._cost or Decimal(0)) + Decimal(str(cost))

    def _count_time(self, start: datetime, seconds: float) -> None:
        offset = (start - self.start).total_seconds()
        self._hours[int(offset // 3600)] += 1
        first = math.floor(offset)
        last = max(first + 1, math.ceil(offset + seconds))
        self._delta[first] += 1
        self._delta[min(last, self._length)] -= 1


def is_in_progress(session: RoomSession) -> bool:
    if session.status == "in-progress":
        return True
    return session.end_time is None and session.duration is None


def session_seconds(session: RoomSession, start: datetime, *, live: bool, now: datetime) -> float:
    """The session's time: up to `now` while in progress, else its duration; never < 0."""
    if live:
        seconds = (now - start).total_seconds()
    elif session.duration is not None:
        seconds = float(session.duration)
    elif session.end_time is not None:
        seconds = (_utc(session.end_time) - start).total_seconds()
    else:  # unreachable: no end and no duration is in progress
        seconds = 0.0
    return max(0.0, seconds)


def _longer(a: LongestSession, b: LongestSession) -> bool:
    """Longer wins; on a tie the earlier start, then the smaller id, so order never matters."""
    return (-a.seconds, a.start, a.session_id or "") < (-b.seconds, b.start, b.session_id or "")


def _busiest_order(room: RoomTotal) -> tuple[float, int, str, str]:
    shown = room.display_name or room.name or room.key
    return (-room.seconds, -room.sessions, shown.casefold(), room.key)


def _utc(moment: datetime) -> datetime:
    # Providers write UTC; a time without an offset is read as UTC, as everywhere else.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
