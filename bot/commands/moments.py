"""Dates and times as typed in options (`since=`, `created_after=`), pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.commands.errors import Usage

# A time as typed: a date, or a date and time with or without an offset. Dates and times
# without an offset are in the caller's zone, which only the reply knows.
Moment = date | datetime


def parse_when(value: str) -> datetime | None:
    """A date (meaning 00:00 UTC) or an RFC 3339 timestamp with an offset."""
    moment = parse_moment(value)
    if isinstance(moment, datetime):
        return moment if moment.tzinfo is not None else None
    if moment is None:
        return None
    return datetime.combine(moment, time(0), tzinfo=UTC)


def parse_moment(value: str) -> Moment | None:
    """A date, or a date and time with or without an offset (pure)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None


def session_window(
    since: Moment | None, until: Moment | None, zone: tzinfo, usage: Usage
) -> tuple[datetime | None, datetime | None]:
    """`since=`/`until=` as UTC instants [after, before) in the caller's zone (pure).

    A date means the whole day: `since=2026-11-01 until=2026-11-01` is that one day.
    """
    after = _instant("since", since, zone, usage, end_of_day=False) if since is not None else None
    before = _instant("until", until, zone, usage, end_of_day=True) if until is not None else None
    if after is not None and before is not None and after >= before:
        raise usage.refuse("since must be earlier than until.")
    return after, before


def _instant(key: str, moment: Moment, zone: tzinfo, usage: Usage, *, end_of_day: bool) -> datetime:
    try:
        if isinstance(moment, datetime):
            local = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
            return local.astimezone(UTC)
        day = moment + timedelta(days=1) if end_of_day else moment
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    except OverflowError:
        # Years 1 and 9999 end the calendar: the next day or another zone falls off it.
        raise usage.refuse(f"{key} must be between 0002-01-01 and 9998-12-31.") from None


def is_aware(moment: Moment) -> bool:
    return isinstance(moment, datetime) and moment.tzinfo is not None


def moment_text(moment: Moment | None) -> str | None:
    return moment.isoformat() if moment is not None else None
