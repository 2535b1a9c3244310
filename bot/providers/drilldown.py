"""Reading drill-down values out of provider JSON (pure): what both clients share.

Each client maps its own provider's field names; the rules for the values are here, once:
a time that does not parse, a negative or non-finite quantity, a boolean where a number
belongs, and a leaving before the joining are all None (unknown), never a fact. Pages are
put in the order the product promises (members by joining, events oldest first,
recordings newest first), since neither provider says how its lists are sorted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from bot.providers.errors import NotFound
from bot.providers.models import Member, Recording, SessionEvent

T = TypeVar("T")
# Sorts unknown times after every known one, whichever way the list runs.
_LAST = datetime.max.replace(tzinfo=UTC)
_FIRST = datetime.min.replace(tzinfo=UTC)


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def instant(value: Any) -> datetime | None:
    """An RFC 3339 time as an aware UTC datetime (a naive one is taken as UTC); else None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def count(value: Any) -> int | None:
    """A whole, non-negative quantity (seconds, bytes); a whole-valued float is taken."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else None


def amount(value: Any) -> float | None:
    """A finite, non-negative number (dollars, megabytes)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else None


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None or end < start:
        return None
    return int((end - start).total_seconds())


def member(
    *,
    id: Any,
    session_id: Any,
    name: Any,
    joined: Any,
    left: Any,
    duration: Any = None,
    cost: Any = None,
) -> Member:
    """A Member from raw values. A leaving before the joining cannot be true: both the
    leaving and the duration are then unknown, and the member is not "still in" either."""
    joined_at, left_at = instant(joined), instant(left)
    impossible = joined_at is not None and left_at is not None and left_at < joined_at
    if impossible:
        left_at = None
    seconds = None if impossible else count(duration)
    if seconds is None and not impossible:
        seconds = seconds_between(joined_at, left_at)
    return Member(
        id=text(id),
        session_id=text(session_id),
        name=text(name),
        joined_at=joined_at,
        left_at=left_at,
        still_in=joined_at is not None and left is None,
        duration=seconds,
        cost_in_dollars=amount(cost),
    )


def by_joining(members: Sequence[Member]) -> list[Member]:
    return sorted(members, key=lambda m: m.joined_at or _LAST)


def oldest_first(events: Sequence[SessionEvent]) -> list[SessionEvent]:
    return sorted(events, key=lambda e: e.at or _LAST)


def newest_first(recordings: Sequence[Recording]) -> list[Recording]:
    return sorted(recordings, key=lambda r: r.started_at or r.created_at or _FIRST, reverse=True)


def parsed(items: Sequence[Any], parse: Callable[[dict[str, Any]], T]) -> list[T]:
    """Each object of a list through `parse`; anything that is not an object is skipped."""
    return [parse(item) for item in items if isinstance(item, dict)]


def nested_text(payload: Any, *paths: tuple[str, ...]) -> str | None:
    """The first string found at one of `paths` inside a free-form payload object."""
    for path in paths:
        node = payload
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        found = text(node)
        if found is not None:
            return found
    return None


@contextmanager
def unknown(provider: str, what: str, value: str) -> Iterator[None]:
    """A 404 from a drill-down read says which id the provider does not know (`value` is a
    checked UUID by then, so it is safe to repeat)."""
    try:
        yield
    except NotFound as exc:
        message = f"{provider} has no {what} {value}"
        raise NotFound(message, provider=provider, status=exc.status) from None


def web_address(url: str) -> bool:
    """Whether a link a provider sent is one a person can open (http or https, a host)."""
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.netloc)
