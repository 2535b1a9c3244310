"""Times and durations for people: Slack date tokens in blocks, the user's zone in text."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def format_duration(seconds: float | None) -> str:
    """1h 30m, 45s, 2d 4h: the two largest units, which is all anyone reads."""
    if seconds is None:
        return "—"
    total = max(0, round(seconds))
    if total < 60:
        return f"{total}s"
    units = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
    parts: list[str] = []
    for suffix, size in units:
        amount, total = divmod(total, size)
        if amount or parts:
            parts.append(f"{amount}{suffix}")
        if len(parts) == 2:
            break
    return " ".join(p for p in parts if not p.startswith("0")) or "0s"


def plain_time(moment: datetime | None, tz: ZoneInfo) -> str:
    if moment is None:
        return "—"
    local = _aware(moment).astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or tz.key)


def slack_time(moment: datetime | None, tz: ZoneInfo) -> str:
    """A date token Slack shows in each reader's own zone, with a fallback in `tz`."""
    if moment is None:
        return "—"
    epoch = int(_aware(moment).timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{plain_time(moment, tz)}>"


def elapsed_seconds(start: datetime | None, now: datetime) -> float | None:
    if start is None:
        return None
    return max(0.0, (now - _aware(start)).total_seconds())


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
