"""A day's summary from hand-made sessions: the start-day rule, minutes, in-progress sessions,
cost, busiest rooms, exact peak concurrency, DST days; and properties against brute force."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from random import Random
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest.summary import DaySummariser, DaySummary, LongestSession, RoomTotal
from bot.providers.models import RoomSession

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TUESDAY = date(2026, 11, 17)  # Berlin is UTC+1: the day is 2026-11-16 23:00Z .. 11-17 23:00Z
MORNING_AFTER = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)
_ids = itertools.count(1)
AUTO = "auto"  # a room id made from the room's name


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def session(
    start: datetime | None,
    *,
    minutes: float | None = None,
    end: datetime | None = None,
    status: str | None = "completed",
    room: str = "standup",
    room_id: str | None = AUTO,
    display_name: str | None = None,
    cost: float | None = None,
    session_id: str | None = None,
) -> RoomSession:
    return RoomSession(
        id=session_id or f"s{next(_ids):04d}",
        room_id=f"id-{room}" if room_id == AUTO else room_id,
        name=room,
        display_name=display_name,
        start_time=start,
        end_time=end,
        duration=None if minutes is None else round(minutes * 60),
        status=status,
        cost_in_dollars=cost,
    )


def summarise(
    sessions: list[RoomSession],
    day: date = TUESDAY,
    zone: ZoneInfo = BERLIN,
    now: datetime = MORNING_AFTER,
) -> DaySummary:
    summariser = DaySummariser(day, zone, now=now)
    for item in sessions:
        summariser.add(item)
    return summariser.result()


def hours(summary: DaySummary) -> dict[str, int]:
    return {label: count for label, count in summary.hours if count}


def test_an_empty_day() -> None:
    summary = summarise([])
    assert summary.empty and summary.sessions == 0 and summary.minutes == 0
    assert (summary.peak_concurrent, summary.peak_at) == (0, None)
    assert (summary.cost, summary.longest, summary.busiest) == (None, None, ())
    assert summary.distinct_rooms == 0 and summary.in_progress == 0
    assert [label for label, _ in summary.hours] == [f"{h:02d}" for h in range(24)]
    assert sum(count for _, count in summary.hours) == 0
    assert (summary.day, summary.zone, summary.counted_until) == (
        TUESDAY,
        "Europe/Berlin",
        MORNING_AFTER,
    )


def test_a_session_belongs_to_the_day_it_started_and_keeps_all_its_minutes() -> None:
    late = session(utc(2026, 11, 17, 22, 30), minutes=90)  # 23:30 Tuesday, runs into Wednesday
    later = session(utc(2026, 11, 17, 22, 45), minutes=30)  # 23:45 Tuesday
    next_day = session(utc(2026, 11, 17, 23, 10), minutes=20)  # 00:10 Wednesday
    # 23:00 Monday, three hours: it runs well into Tuesday, but it is Monday's.
    from_monday = session(utc(2026, 11, 16, 22, 0), minutes=180)
    tuesday = DaySummariser(TUESDAY, BERLIN, now=MORNING_AFTER)
    wednesday = DaySummariser(date(2026, 11, 18), BERLIN, now=MORNING_AFTER)
    assert [tuesday.add(s) for s in (late, later, next_day, from_monday)] == [
        True,
        True,
        False,
        False,
    ]
    assert [wednesday.add(s) for s in (late, later, next_day, from_monday)] == [
        False,
        False,
        True,
        False,
    ]
    summary = tuesday.result()
    assert summary.sessions == 2
    assert summary.minutes == 120  # all of the 90 minutes, though 60 fall on Wednesday
    assert hours(summary) == {"23": 2}
    # Both run at 23:45; Monday's session, still running then on Tuesday, is not counted.
    assert summary.peak_concurrent == 2
    assert summary.peak_at == utc(2026, 11, 17, 22, 45)
    assert wednesday.result().minutes == 20


def test_a_session_in_the_last_second_of_the_day_is_cut_off_at_midnight() -> None:
    last_second = utc(2026, 11, 17, 22, 59, 59)
    summary = summarise(
        [session(last_second, minutes=600), session(last_second, minutes=5, room="b")]
    )
    assert (summary.peak_concurrent, summary.peak_at) == (2, last_second)
    assert summary.minutes == 605


def test_peak_concurrency_is_half_open_and_exact_to_the_second() -> None:
    ten = utc(2026, 11, 17, 9, 0)  # 10:00 in Berlin
    a = session(ten, minutes=30)  # [10:00, 10:30)
    b = session(ten + timedelta(minutes=30), minutes=30)  # [10:30, 11:00): touches a only
    assert summarise([a, b]).peak_concurrent == 1
    assert summarise([a, b]).peak_at == ten
    # Starting one second before a ends overlaps it for exactly that second.
    c = session(ten + timedelta(minutes=29, seconds=59), minutes=15)
    summary = summarise([a, b, c])
    assert (summary.peak_concurrent, summary.peak_at) == (2, ten + timedelta(seconds=1799))
    d = session(ten + timedelta(minutes=30), minutes=1)
    summary = summarise([a, b, c, d])
    assert (summary.peak_concurrent, summary.peak_at) == (3, ten + timedelta(minutes=30))


def test_a_zero_length_session_still_occupies_its_first_second() -> None:
    ten = utc(2026, 11, 17, 9, 0)
    summary = summarise([session(ten, minutes=0), session(ten, minutes=0, room="b")])
    assert (summary.peak_concurrent, summary.peak_at, summary.minutes) == (2, ten, 0)


def test_minutes_come_from_duration_then_end_minus_start_and_are_never_negative() -> None:
    start = utc(2026, 11, 17, 9, 0)
    by_duration = session(start, minutes=10, end=start + timedelta(hours=5))
    by_end = session(start, end=start + timedelta(minutes=25))
    backwards = session(start, end=start - timedelta(minutes=5), room="odd")
    summary = summarise([by_duration, by_end, backwards])
    assert summary.seconds == 35 * 60
    assert summary.longest is not None and summary.longest.seconds == 25 * 60


def test_sessions_in_progress_count_up_to_now_and_are_counted() -> None:
    now = utc(2026, 11, 18, 8, 0)
    live = session(utc(2026, 11, 17, 22, 0), status="in-progress", room="incident")
    # No status, no end and no duration: still going, as far as anyone can tell.
    unknown = session(utc(2026, 11, 17, 20, 0), status=None, room="pairing")
    # A start after `now` (a clock ahead of ours) counts zero, not minus.
    ahead = DaySummariser(date(2026, 11, 18), BERLIN, now=now)
    assert ahead.add(session(utc(2026, 11, 18, 9, 0), status="in-progress"))
    assert ahead.result().seconds == 0
    done = session(utc(2026, 11, 17, 8, 0), minutes=30)
    # The status says it is still running: a duration so far does not end it.
    running = session(utc(2026, 11, 17, 19, 0), minutes=5, status="in-progress", room="x")
    summary = summarise([live, unknown, done, running], now=now)
    assert summary.in_progress == 3
    assert summary.seconds == (10 * 3600) + (12 * 3600) + 30 * 60 + 13 * 3600
    assert summary.longest == LongestSession(
        running.id, "x", None, utc(2026, 11, 17, 19, 0), 13 * 3600, True
    )
    assert summary.counted_until == now


def test_sessions_without_a_start_are_ignored() -> None:
    summariser = DaySummariser(TUESDAY, BERLIN, now=MORNING_AFTER)
    assert not summariser.add(session(None, minutes=10))
    assert summariser.result().empty


def test_cost_is_none_unless_reported_and_summed_exactly_in_cents() -> None:
    start = utc(2026, 11, 17, 9, 0)
    assert summarise([session(start, minutes=5)]).cost is None
    assert summarise([session(start, minutes=5, cost=0.0)]).cost == Decimal("0.00")
    # As floats 0.1 + 0.2 is 0.30000000000000004; as the dollars written, 0.30.
    costs = [0.1, 0.2, None, 0.0049]
    summary = summarise([session(start, minutes=5, cost=c) for c in costs])
    assert summary.cost == Decimal("0.30")
    assert str(summary.cost) == "0.30"
    # Half a cent rounds up: 0.125 + 1.0 = 1.125 -> 1.13.
    assert summarise([session(start, cost=0.125), session(start, cost=1.0)]).cost == Decimal("1.13")


def test_busiest_rooms_are_the_top_five_by_minutes_then_sessions_then_name() -> None:
    start = utc(2026, 11, 17, 9, 0)

    def room(name: str, *minutes: float, room_id: str | None = "id") -> list[RoomSession]:
        rid = None if room_id is None else f"{room_id}-{name}"
        return [session(start, minutes=m, room=name, room_id=rid) for m in minutes]

    sessions = [
        *room("alpha", 30),  # 30 min, 1 session
        *room("bravo", 10, 20),  # 30 min, 2 sessions: before alpha
        *room("charlie", 100),
        *room("Delta", 30),  # ties with alpha on both: by name, alpha < Delta
        *room("echo", 5),
        *room("foxtrot", 1),  # sixth: left out
        *room("interview-7f3a", 20, 20, room_id=None),  # no room id: grouped by name
    ]
    summary = summarise(sessions)
    assert summary.distinct_rooms == 7
    assert [(r.name, r.sessions, r.seconds / 60) for r in summary.busiest] == [
        ("charlie", 1, 100),
        ("interview-7f3a", 2, 40),
        ("bravo", 2, 30),
        ("alpha", 1, 30),
        ("Delta", 1, 30),
    ]
    assert summary.busiest[1] == RoomTotal("interview-7f3a", "interview-7f3a", None, 2, 2400.0)


def test_the_longest_session_prefers_the_earlier_start_on_a_tie() -> None:
    early = session(utc(2026, 11, 17, 8, 0), minutes=45, room="early")
    late = session(utc(2026, 11, 17, 12, 0), minutes=45, room="late")
    for order in ([early, late], [late, early]):
        longest = summarise(order).longest
        assert longest is not None and longest.room_name == "early"


def test_berlin_spring_forward_day() -> None:
    day = date(2026, 3, 29)
    # 01:30 CET is 00:30 UTC; 03:30 CEST is 01:30 UTC: one real hour apart.
    before_gap = session(utc(2026, 3, 29, 0, 30), minutes=60)
    after_gap = session(utc(2026, 3, 29, 1, 30), minutes=30, room="b")
    last = session(utc(2026, 3, 29, 21, 59), minutes=120, room="c")  # 23:59 CEST
    too_late = session(utc(2026, 3, 29, 22, 0), minutes=5)  # 00:00 CEST on the 30th
    summary = summarise([before_gap, after_gap, last, too_late], day=day, now=utc(2026, 3, 30, 8))
    assert len(summary.hours) == 23
    assert hours(summary) == {"01": 1, "03": 1, "23": 1}
    assert summary.sessions == 3
    # They touch at 01:30 UTC, across the gap, and are not concurrent.
    assert (summary.peak_concurrent, summary.peak_at) == (1, utc(2026, 3, 29, 0, 30))


def test_berlin_fall_back_day() -> None:
    day = date(2026, 10, 25)
    first_two = session(utc(2026, 10, 25, 0, 15), minutes=60)  # 02:15 CEST
    second_two = session(utc(2026, 10, 25, 1, 15), minutes=60, room="b")  # 02:15 CET
    late = session(utc(2026, 10, 25, 22, 30), minutes=10, room="c")  # 23:30 CET
    summary = summarise([first_two, second_two, late], day=day, now=utc(2026, 10, 26, 8))
    assert len(summary.hours) == 25
    assert hours(summary) == {"02": 1, "02²": 1, "23": 1}
    # Same wall time, an hour apart in fact: they overlap by nothing.
    assert summary.peak_concurrent == 1
    assert summary.minutes == 130


def test_new_york_change_days() -> None:
    spring = summarise(
        [
            session(utc(2026, 3, 8, 6, 30), minutes=60),  # 01:30 EST
            session(utc(2026, 3, 8, 7, 15), minutes=10, room="b"),  # 03:15 EDT
        ],
        day=date(2026, 3, 8),
        zone=NEW_YORK,
        now=utc(2026, 3, 9, 14),
    )
    assert len(spring.hours) == 23
    assert hours(spring) == {"01": 1, "03": 1}
    # 07:15 UTC falls inside 06:30 + 60 min: they overlap.
    assert (spring.peak_concurrent, spring.peak_at) == (2, utc(2026, 3, 8, 7, 15))

    fall = DaySummariser(date(2026, 11, 1), NEW_YORK, now=utc(2026, 11, 2, 14))
    assert fall.add(session(utc(2026, 11, 1, 5, 20), minutes=5))  # 01:20 EDT
    assert fall.add(session(utc(2026, 11, 1, 6, 20), minutes=5))  # 01:20 EST
    assert fall.add(session(utc(2026, 11, 2, 4, 30), minutes=5))  # 23:30 EST
    assert not fall.add(session(utc(2026, 11, 2, 5, 0), minutes=5))  # 00:00 on the 2nd
    assert not fall.add(session(utc(2026, 11, 1, 3, 59), minutes=5))  # 23:59 on Oct 31
    summary = fall.result()
    assert len(summary.hours) == 25
    assert hours(summary) == {"01": 1, "01²": 1, "23": 1}


# -- properties ------------------------------------------------------------------------------

FALL_DAY = date(2026, 10, 25)
FALL_START = utc(2026, 10, 24, 22)
FALL_SECONDS = 25 * 3600
FALL_NOW = FALL_START + timedelta(seconds=FALL_SECONDS + 3600)

SESSIONS = st.lists(
    st.tuples(
        st.integers(-3600, FALL_SECONDS + 3600),  # start, seconds into the day (some outside)
        st.integers(0, 6 * 3600),  # duration
        st.booleans(),  # in progress
        st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]),
        st.one_of(st.none(), st.integers(0, 500).map(lambda cents: cents / 100)),
    ),
    max_size=40,
)


def _sessions(raw: list[tuple[int, int, bool, str, float | None]]) -> list[RoomSession]:
    return [
        RoomSession(
            id=f"p{i}",
            room_id=f"id-{room}",
            name=room,
            start_time=FALL_START + timedelta(seconds=start),
            duration=None if live else duration,
            end_time=None if live else FALL_START + timedelta(seconds=start + duration),
            status="in-progress" if live else "completed",
            cost_in_dollars=cost,
        )
        for i, (start, duration, live, room, cost) in enumerate(raw)
    ]


# Each example sweeps two 25-hour days second by second (about 10 ms): half the profile's
# examples keep this file quick in CI, and HYPOTHESIS_PROFILE=explore still searches long.
@settings(max_examples=max(20, settings().max_examples // 2))
@given(SESSIONS, st.randoms(use_true_random=False))
def test_peak_matches_a_brute_force_sweep_and_order_does_not_matter(
    raw: list[tuple[int, int, bool, str, float | None]], rng: Random
) -> None:
    sessions = _sessions(raw)
    summary = summarise(sessions, day=FALL_DAY, now=FALL_NOW)
    # Brute force: the day's sessions as [start, end) in seconds, at least one second long,
    # cut at the day's end; the peak is reached at some session's start.
    now_offset = FALL_SECONDS + 3600
    spans = []
    for start, duration, live, _, _ in raw:
        if 0 <= start < FALL_SECONDS:
            length = max(0, now_offset - start) if live else duration
            spans.append((start, min(FALL_SECONDS, max(start + 1, start + length))))
    counts = {t: sum(s <= t < e for s, e in spans) for t, _ in spans}
    peak = max(counts.values(), default=0)
    first = min((t for t, n in counts.items() if n == peak), default=None)
    assert summary.sessions == len(spans)
    assert summary.peak_concurrent == peak
    assert summary.peak_at == (None if first is None else FALL_START + timedelta(seconds=first))

    shuffled = list(sessions)
    rng.shuffle(shuffled)
    assert summarise(shuffled, day=FALL_DAY, now=FALL_NOW) == summary


def test_memory_does_not_grow_with_sessions() -> None:
    """Ten thousand sessions in three rooms: the summariser keeps three room counters."""
    summariser = DaySummariser(TUESDAY, BERLIN, now=MORNING_AFTER)
    start = utc(2026, 11, 17, 0, 0)
    for i in range(10_000):
        summariser.add(session(start + timedelta(seconds=i), minutes=1, room=f"r{i % 3}"))
    assert len(summariser._rooms) == 3
    assert len(summariser._delta) == 24 * 3600 + 1
    summary = summariser.result()
    # Each lasts 60 s and one starts every second: 60 at once from the 60th second on.
    assert (summary.sessions, summary.peak_concurrent) == (10_000, 60)
    assert summary.peak_at == start + timedelta(seconds=59)


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK, ZoneInfo("Asia/Kolkata")])
def test_hour_slots_count_each_start_once(zone: ZoneInfo) -> None:
    summariser = DaySummariser(TUESDAY, zone, now=MORNING_AFTER)
    day_start = datetime(2026, 11, 17, tzinfo=zone).astimezone(UTC)
    for minute in range(0, 24 * 60, 7):
        summariser.add(session(day_start + timedelta(minutes=minute), minutes=1))
    summary = summariser.result()
    counted = dict(summary.hours)
    for minute in range(0, 24 * 60, 7):
        assert counted[f"{minute // 60:02d}"] > 0
    assert sum(counted.values()) == summary.sessions == len(range(0, 24 * 60, 7))
    assert counted["00"] == len(range(0, 60, 7))
