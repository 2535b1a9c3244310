"""The digest's daily cron trigger under a controlled clock: every weekday (APScheduler 3
numbers them from Monday = 0), and across DST changes in Europe/Berlin and America/New_York,
agreeing with `latest_due`, which the catch-up uses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.digest.days import digest_day, latest_due
from bot.services.jobs import daily_trigger

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def fires(post_time: time, zone: ZoneInfo, start: datetime, count: int) -> list[datetime]:
    """The trigger's next `count` fire times from `start`, as the scheduler asks for them:
    each time with the previous fire and a `now` just after it (in UTC: arithmetic on a
    local time would land on the wrong side of a repeated hour)."""
    trigger = daily_trigger(post_time, zone)
    found: list[datetime] = []
    previous: datetime | None = None
    now = start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        found.append(fire.astimezone(UTC))
        previous, now = fire, fire.astimezone(UTC) + timedelta(seconds=1)
    return found


def test_it_fires_on_every_day_of_the_week_at_the_local_time() -> None:
    monday = datetime(2026, 11, 16, tzinfo=UTC)
    times = fires(time(9, 0), BERLIN, monday, 14)
    locals_ = [moment.astimezone(BERLIN) for moment in times]
    assert [m.date() for m in locals_] == [
        date(2026, 11, 16) + timedelta(days=n) for n in range(14)
    ]
    assert sorted({m.weekday() for m in locals_}) == list(range(7))  # Sunday included
    assert {(m.hour, m.minute) for m in locals_} == {(9, 0)}


@pytest.mark.parametrize(
    ("zone", "change", "before_utc", "after_utc"),
    [
        (BERLIN, date(2026, 3, 29), 8, 7),  # CET -> CEST
        (BERLIN, date(2026, 10, 25), 7, 8),  # CEST -> CET
        (NEW_YORK, date(2026, 3, 8), 14, 13),  # EST -> EDT
        (NEW_YORK, date(2026, 11, 1), 13, 14),  # EDT -> EST
    ],
)
def test_nine_oclock_stays_nine_oclock_across_a_dst_change(
    zone: ZoneInfo, change: date, before_utc: int, after_utc: int
) -> None:
    start = datetime.combine(change - timedelta(days=2), time(0), tzinfo=UTC)
    times = fires(time(9, 0), zone, start, 4)
    assert [m.hour for m in times] == [before_utc, before_utc, after_utc, after_utc]
    assert [m.astimezone(zone).date() for m in times] == [
        change - timedelta(days=2) + timedelta(days=n) for n in range(4)
    ]
    for moment in times:
        # The catch-up sees the same due moment the trigger fires at, and it reports on
        # the local day before.
        assert latest_due(time(9, 0), zone, moment) == moment
        assert latest_due(time(9, 0), zone, moment - timedelta(seconds=1)) < moment
        assert digest_day(moment, zone) == moment.astimezone(zone).date() - timedelta(days=1)


def test_a_time_in_the_skipped_hour_fires_once_and_catch_up_agrees() -> None:
    start = datetime(2026, 3, 28, 12, tzinfo=UTC)
    (fire, next_day) = fires(time(2, 30), BERLIN, start, 2)
    # 02:30 does not exist on 29 March in Berlin: both fire an hour after 01:30 CET.
    assert fire == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert latest_due(time(2, 30), BERLIN, fire + timedelta(minutes=5)) == fire
    assert digest_day(fire, BERLIN) == date(2026, 3, 28)
    assert next_day == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)


def test_a_time_in_the_repeated_hour_may_fire_twice_but_names_one_day() -> None:
    start = datetime(2026, 10, 24, 12, tzinfo=UTC)
    times = fires(time(2, 30), BERLIN, start, 3)
    # APScheduler 3 fires at both 02:30s of 25 October; the catch-up counts the first.
    assert times == [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        datetime(2026, 10, 26, 1, 30, tzinfo=UTC),
    ]
    assert latest_due(time(2, 30), BERLIN, times[1]) == times[0]
    # Both name the same (channel, day), so the store's claim lets one of them post.
    assert digest_day(times[0], BERLIN) == digest_day(times[1], BERLIN) == date(2026, 10, 24)
