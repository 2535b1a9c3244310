"""Local days, their hours and when a digest falls due, around the DST changes of 2026.

Europe/Berlin springs forward on 2026-03-29 (02:00 CET -> 03:00 CEST) and falls back on
2026-10-25 (03:00 CEST -> 02:00 CET); America/New_York on 2026-03-08 (02:00 EST -> 03:00
EDT) and 2026-11-01 (02:00 EDT -> 01:00 EST). Expected instants below are worked out by hand
from those offsets.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.digest.days import day_window, digest_day, hour_slots, latest_due, previous_day

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "start", "end", "hours"),
    [
        (BERLIN, date(2026, 11, 17), utc(2026, 11, 16, 23), utc(2026, 11, 17, 23), 24),
        (BERLIN, date(2026, 3, 29), utc(2026, 3, 28, 23), utc(2026, 3, 29, 22), 23),
        (BERLIN, date(2026, 10, 25), utc(2026, 10, 24, 22), utc(2026, 10, 25, 23), 25),
        (NEW_YORK, date(2026, 3, 8), utc(2026, 3, 8, 5), utc(2026, 3, 9, 4), 23),
        (NEW_YORK, date(2026, 11, 1), utc(2026, 11, 1, 4), utc(2026, 11, 2, 5), 25),
        (ZoneInfo("UTC"), date(2026, 11, 17), utc(2026, 11, 17), utc(2026, 11, 18), 24),
    ],
)
def test_day_window_is_the_local_day_in_utc(
    zone: ZoneInfo, day: date, start: datetime, end: datetime, hours: int
) -> None:
    window = day_window(day, zone)
    assert window == (start, end)
    assert all(moment.utcoffset() == timedelta(0) for moment in window)
    assert window[1] - window[0] == timedelta(hours=hours)


def test_previous_day_is_the_local_day_before() -> None:
    # 23:30 UTC is already tomorrow in Berlin and still today in New York.
    now = utc(2026, 11, 18, 23, 30)
    assert previous_day(now, BERLIN) == date(2026, 11, 18)
    assert previous_day(now, NEW_YORK) == date(2026, 11, 17)
    assert previous_day(utc(2026, 1, 1, 0, 0), ZoneInfo("UTC")) == date(2025, 12, 31)


def test_latest_due_on_an_ordinary_day() -> None:
    nine = time(9, 0)
    # 09:00 in Berlin in November is 08:00 UTC.
    assert latest_due(nine, BERLIN, utc(2026, 11, 18, 7, 59)) == utc(2026, 11, 17, 8)
    assert latest_due(nine, BERLIN, utc(2026, 11, 18, 8, 0)) == utc(2026, 11, 18, 8)
    assert latest_due(nine, BERLIN, utc(2026, 11, 18, 22, 59)) == utc(2026, 11, 18, 8)
    assert digest_day(utc(2026, 11, 18, 8), BERLIN) == date(2026, 11, 17)


def test_a_wall_time_in_the_spring_gap_is_due_just_past_it() -> None:
    # 02:30 does not exist in Berlin on 2026-03-29: read with the CET offset it is 01:30
    # UTC, which is 03:30 CEST.
    half_past_two = time(2, 30)
    due = utc(2026, 3, 29, 1, 30)
    assert latest_due(half_past_two, BERLIN, due) == due
    assert due.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"
    # At 03:00 CEST (the end of the gap) it is not due yet: the last one is the day before.
    assert latest_due(half_past_two, BERLIN, utc(2026, 3, 29, 1, 0)) == utc(2026, 3, 28, 1, 30)
    assert digest_day(due, BERLIN) == date(2026, 3, 28)
    # New York: 02:15 on 2026-03-08 is read as EST (07:15 UTC), 03:15 EDT.
    assert latest_due(time(2, 15), NEW_YORK, utc(2026, 3, 8, 12)) == utc(2026, 3, 8, 7, 15)


def test_a_repeated_wall_time_is_due_once_at_its_first_occurrence() -> None:
    # 02:30 happens twice in Berlin on 2026-10-25: 00:30 UTC (CEST), then 01:30 UTC (CET).
    half_past_two = time(2, 30)
    assert latest_due(half_past_two, BERLIN, utc(2026, 10, 25, 0, 29)) == utc(2026, 10, 24, 0, 30)
    assert latest_due(half_past_two, BERLIN, utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 25, 0, 30)
    assert latest_due(half_past_two, BERLIN, utc(2026, 10, 25, 1, 45)) == utc(2026, 10, 25, 0, 30)
    # New York: 01:30 on 2026-11-01 is 05:30 UTC (EDT), then 06:30 UTC (EST).
    assert latest_due(time(1, 30), NEW_YORK, utc(2026, 11, 1, 6, 45)) == utc(2026, 11, 1, 5, 30)


@pytest.mark.parametrize(
    ("zone", "wall", "first_day"),
    [
        (BERLIN, time(2, 30), date(2026, 3, 27)),
        (BERLIN, time(2, 30), date(2026, 10, 23)),
        (NEW_YORK, time(1, 30), date(2026, 10, 30)),
        (NEW_YORK, time(2, 0), date(2026, 3, 6)),
        (BERLIN, time(0, 0), date(2026, 10, 23)),
    ],
)
def test_latest_due_names_one_moment_per_day_across_a_change(
    zone: ZoneInfo, wall: time, first_day: date
) -> None:
    """Walk `now` through five days in 5-minute steps: one due moment per local day, never
    after `now`, and no later due moment was skipped."""
    start, _ = day_window(first_day, zone)
    nows = [start + timedelta(minutes=5 * step) for step in range(5 * 24 * 12)]
    dues = [latest_due(wall, zone, now) for now in nows]
    assert all(due <= now for due, now in zip(dues, nows, strict=True))
    distinct = sorted(set(dues))
    days = [digest_day(due, zone) for due in distinct]
    assert len(days) == len(set(days))
    # Every due moment after the first is reached by a `now` within 5 minutes of it.
    for due in distinct[1:]:
        assert any(timedelta(0) <= now - due < timedelta(minutes=5) for now in nows)
    # Consecutive days, none skipped: five walked, plus the day before unless the wall
    # time is the walk's very first moment.
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(days))
    assert len(days) == (5 if wall == time(0) else 6)


def test_hour_slots_on_an_ordinary_day() -> None:
    slots = hour_slots(date(2026, 11, 17), BERLIN)
    assert [s.label for s in slots] == [f"{h:02d}" for h in range(24)]
    assert slots[0].start == utc(2026, 11, 16, 23)
    assert slots[-1].start == utc(2026, 11, 17, 22)


def test_hour_slots_skip_the_missing_hour_in_spring() -> None:
    berlin = hour_slots(date(2026, 3, 29), BERLIN)
    assert [s.label for s in berlin] == ["00", "01", *(f"{h:02d}" for h in range(3, 24))]
    assert [s.start for s in berlin[1:3]] == [utc(2026, 3, 29, 0), utc(2026, 3, 29, 1)]
    new_york = hour_slots(date(2026, 3, 8), NEW_YORK)
    assert len(new_york) == 23 and "02" not in [s.label for s in new_york]


def test_hour_slots_mark_the_repeated_hour_in_autumn() -> None:
    berlin = hour_slots(date(2026, 10, 25), BERLIN)
    labels = [s.label for s in berlin]
    assert labels[:5] == ["00", "01", "02", "02²", "03"]
    assert len(labels) == 25 and len(set(labels)) == 25
    # 02 CEST is 00:00 UTC; 02 CET ("02²") is 01:00 UTC.
    assert (berlin[2].start, berlin[3].start) == (utc(2026, 10, 25, 0), utc(2026, 10, 25, 1))
    new_york = [s.label for s in hour_slots(date(2026, 11, 1), NEW_YORK)]
    assert new_york[:4] == ["00", "01", "01²", "02"]
    assert new_york[-1] == "23"


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        previous_day(datetime(2026, 11, 18, 9), BERLIN)
