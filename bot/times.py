"""Times of day and time zones as people type them (pure).

Shared by the settings (`DIGEST_TIME`, `DIGEST_TIMEZONE`) and `/rooms digest subscribe`, so a
value the one accepts the other accepts too.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import time
from functools import cache

from bot.suggest import closest

# ASCII digits only (`\d` would take fullwidth ones).
_HHMM = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
HHMM_RULE = "a 24-hour time HH:MM, e.g. 09:00"
ZONE_RULE = "an IANA time zone name, e.g. UTC or Europe/Berlin"


def parse_hhmm(text: str) -> time | None:
    """`09:00`, `9:00`, `23:59`; None for anything else."""
    match = _HHMM.match(text.strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def looks_like_hhmm(text: str) -> bool:
    """Whether `text` was meant as a time of day (digits and a colon), right or wrong."""
    return bool(re.fullmatch(r"[0-9]{1,2}:[0-9]{1,2}", text.strip()))


@cache
def _zone_names() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def find_zone(text: str) -> str | None:
    """The IANA name `text` stands for, any case (`europe/berlin` -> `Europe/Berlin`)."""
    wanted = text.strip()
    if not wanted:
        return None
    name = _zone_names().get(wanted.casefold())
    if name is None:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return name


def zone_guesses(text: str, limit: int = 3) -> list[str]:
    """Zone names close to `text`, for "did you mean": by the whole name, then by the city."""
    names = _zone_names()
    wanted = text.strip().casefold()
    found = [names[key] for key in closest(wanted, list(names), limit=limit)]
    if not found:
        cities = {key.rsplit("/", 1)[-1]: key for key in names}
        found = [names[cities[key]] for key in closest(wanted, list(cities), limit=limit)]
    return found
