"""Local calendar days as UTC instants, and when a daily digest falls due (pure, zoneinfo).

Every instant returned is aware and in UTC. Wall times are read with zoneinfo's `fold=0`
and then normalised through UTC, which settles the two hours a year that are not simple:

- a wall time in a spring-forward gap (02:30 in Berlin on 2026-03-29) takes the offset in
  force before the change, so it lands as far past the gap as it was into it (03:30 CEST);
- a wall time that occurs twice on a fall-back day is its first occurrence (CEST, not CET).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HOUR = timedelta(hours=1)
ONE_DAY = timedelta(days=1)
# Marks the second occurrence of a repeated hour on a fall-back day: "01", "02", "02²", "03".
REPEAT_MARK = "²"


@dataclass(frozen=True)
class HourSlot:
    """One real hour of a local day: where it starts (UTC) and how people call it."""

    start: datetime
    label: str


def local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """`wall` on `day` in `zone`, as a UTC instant (fold=0; see the module's docstring)."""
    naive = wall.replace(tzinfo=None, fold=0)
    return datetime.combine(day, naive, tzinfo=zone).astimezone(UTC)


def day_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC [start, end) of the local calendar day: 23, 24 or 25 hours long."""
    return local_instant(day, time(0), zone), local_instant(day + ONE_DAY, time(0), zone)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return _aware(moment).astimezone(zone).date()


def previous_day(now: datetime, zone: ZoneInfo) -> date:
    """The local date before now's local date."""
    return local_date(now, zone) - ONE_DAY


def latest_due(post_time: time, zone: ZoneInfo, now: datetime) -> datetime:
    """The latest moment <= now at which a digest posted daily at local `post_time` fell due.

    Due once a day: a repeated wall time at its first occurrence, a missing one just past
    the gap (see the module's docstring).
    """
    now = _aware(now).astimezone(UTC)
    today = local_date(now, zone)
    due = local_instant(today, post_time, zone)
    return due if due <= now else local_instant(today - ONE_DAY, post_time, zone)


def digest_day(due: datetime, zone: ZoneInfo) -> date:
    """The day a digest due at `due` reports on: the local day before."""
    return local_date(due, zone) - ONE_DAY


def hour_slots(day: date, zone: ZoneInfo) -> tuple[HourSlot, ...]:
    """One slot per real hour of the local day (23, 24 or 25), labelled by its local hour.

    A spring-forward day has no "02" in Berlin; a fall-back day has "02" and then "02²".
    Slots step through UTC from local midnight, so slot i starts i hours into the day and a
    moment's slot is its offset from the start in whole hours.
    """
    start, end = day_window(day, zone)
    slots: list[HourSlot] = []
    seen: set[str] = set()
    moment = start
    while moment < end:
        label = f"{moment.astimezone(zone):%H}"
        if label in seen:
            label += REPEAT_MARK
        seen.add(label)
        slots.append(HourSlot(moment, label))
        moment += HOUR
    return tuple(slots)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return moment
