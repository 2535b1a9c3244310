"""Single-flight and a short TTL cache for provider reads (and any other read keyed by a
hashable: a digest's report, a Slack user's time zone).

A busy channel asks for the same listing many times within seconds (several people
pressing the same button, the digest and a command at once). Identical reads in flight
share one provider call, and a finished read is served again for a few seconds, so a
burst costs the provider one request instead of hundreds.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from cachetools import TTLCache

ReadKey = tuple[str, str, tuple[tuple[str, str], ...]]

# Bounds memory whatever the traffic.
MAX_CACHED_READS: Final = 256
# A list page with more items than this is shared in flight but not kept: walks (the digest,
# a filtered scan) read each page once, and a kept page of 1000 sessions is about 2 MB
# decoded, so keeping them made memory grow with the sessions walked.
MAX_KEPT_ITEMS: Final = 100
_MISS: Final = object()


def read_key(method: str, path: str, params: Mapping[str, str | int] | None) -> ReadKey:
    """Equal for requests that would be equal on the wire, whatever the params' order."""
    items = tuple(sorted((str(k), str(v)) for k, v in (params or {}).items()))
    return (method.upper(), path, items)


@dataclass(eq=False)
class _Flight:
    task: asyncio.Task[Any]
    waiters: int = 0


class ReadFlights:
    """Coalesces identical reads and remembers their answers for `ttl_seconds` (0 = never).

    Answers are shared between callers as they are: treat them as read-only.
    Failures are never remembered: the next caller tries again. A read whose callers
    have all given up is cancelled: no more retries for nobody, and the next caller starts
    afresh instead of joining it.
    """

    def __init__(
        self,
        ttl_seconds: float,
        *,
        max_entries: int = MAX_CACHED_READS,
        label: str = "provider read",
    ) -> None:
        self._cache: TTLCache[Hashable, Any] | None = (
            TTLCache(maxsize=max_entries, ttl=ttl_seconds) if ttl_seconds > 0 else None
        )
        self._flights: dict[Hashable, _Flight] = {}
        self._label = label  # names the shared tasks
        # Bumped by every write, so a read that started before it never fills the cache.
        self._generation = 0

    async def get(self, key: Hashable, fetch: Callable[[], Awaitable[Any]]) -> Any:
        if self._cache is not None:
            cached = self._cache.get(key, _MISS)
            if cached is not _MISS:
                return cached
        flight = self._flights.get(key)
        if flight is None:
            task = asyncio.get_running_loop().create_task(
                self._fly(key, fetch, self._generation), name=f"{self._label} {_name(key)}"
            )
            flight = self._flights[key] = _Flight(task)
            task.add_done_callback(functools.partial(self._landed, key, flight))
        flight.waiters += 1
        try:
            # The shared call belongs to no single caller: one that gives up (a cancelled
            # Slack handler, even the one that started it) must not cancel it for others.
            return await asyncio.shield(flight.task)
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.task.done():
                # The last caller gave up: nobody wants this answer or its retries.
                self._forget(key, flight)
                flight.task.cancel()

    def invalidate(self) -> None:
        """Forget every answer and detach reads in flight (their callers still get them)."""
        self._generation += 1
        if self._cache is not None:
            self._cache.clear()
        self._flights.clear()

    def cancel_all(self) -> None:
        for flight in list(self._flights.values()):
            flight.task.cancel()
        self.invalidate()

    async def _fly(
        self, key: Hashable, fetch: Callable[[], Awaitable[Any]], generation: int
    ) -> Any:
        value = await fetch()
        if self._cache is not None and generation == self._generation and _small(value):
            self._cache[key] = value
        return value

    def _forget(self, key: Hashable, flight: _Flight) -> None:
        # Only this flight: after a write, a newer one may hold the key.
        if self._flights.get(key) is flight:
            del self._flights[key]

    def _landed(self, key: Hashable, flight: _Flight, task: asyncio.Task[Any]) -> None:
        self._forget(key, flight)
        if not task.cancelled():
            # Every caller may have gone; reading the exception here keeps asyncio from
            # logging "exception was never retrieved" for a failure nobody waited for.
            task.exception()


def _small(value: Any) -> bool:
    """Whether an answer is worth keeping: anything but a long list page (`data: [...]`)."""
    if isinstance(value, dict):
        items = value.get("data")
        return not (isinstance(items, list) and len(items) > MAX_KEPT_ITEMS)
    return True


def _name(key: Hashable) -> str:
    """A provider read by its path (a ReadKey's second part); any other key as it is."""
    return str(key[1]) if isinstance(key, tuple) and len(key) > 1 else str(key)
