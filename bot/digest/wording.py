"""The digest's words and numbers, as people read them (pure).

Nothing here depends on the reader's locale: day and month names are English, numbers use
a comma for thousands, money is in dollars as the providers bill it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.digest.days import REPEAT_MARK
from bot.render.text import clip

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
BARS = "▁▂▃▄▅▆▇█"
# Bidirectional overrides and isolates: they can make a name read backwards in a terminal.
_BIDI = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def day_title(day: date) -> str:
    """Tuesday 17 November 2026."""
    return f"{weekday(day)} {day.day} {MONTHS[day.month - 1]} {day.year}"


def number(value: int) -> str:
    return f"{value:,}"


def dollars(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def change(
    current: int | Decimal, previous: int | Decimal, *, before: str, money: bool = False
) -> str:
    """How `current` compares with the day before: "+12 (+8%) vs Monday", "same as Monday",
    and "new" when the day before had none (a percentage of nothing means nothing)."""
    if current == previous:
        return f"same as {before}"
    if previous == 0:
        return f"new (none on {before})"
    diff = Decimal(current) - Decimal(previous)
    sign = "+" if diff > 0 else "-"
    amount = dollars(abs(diff)) if money else number(int(abs(diff)))
    percent = round(abs(diff) * 100 / abs(Decimal(previous)))
    shown = f"{sign}{percent}%" if percent else f"{sign}<1%"
    return f"{sign}{amount} ({shown}) vs {before}"


def sparkline(counts: Sequence[int]) -> str:
    """One bar per count, scaled to the largest; any non-zero count shows above the floor."""
    top = max(counts, default=0)
    if top <= 0:
        return BARS[0] * len(counts)
    steps = len(BARS) - 1
    return "".join(BARS[math.ceil(c * steps / top) if c > 0 else 0] for c in counts)


def hour_name(label: str) -> str:
    """A slot label as an hour: "14" -> "14:00", "02²" -> "02:00 (the repeated hour)"."""
    if label.endswith(REPEAT_MARK):
        return f"{label.removesuffix(REPEAT_MARK)}:00 (the repeated hour)"
    return f"{label}:00"


def clock(moment: datetime, zone: ZoneInfo) -> str:
    """14:05 local; with the zone's abbreviation when that wall time occurs twice that day."""
    local = moment.astimezone(zone)
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() != local.utcoffset():
        return f"{local:%H:%M} {local.tzname()}"
    return f"{local:%H:%M}"


def printable(text: object, limit: int = 80) -> str:
    """A name for a terminal: clipped, control characters as spaces, no bidi overrides."""
    raw = clip("" if text is None else str(text), limit)
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in raw if ch not in _BIDI)
