"""Duplicate deliveries: Slack retries events, and a signed request can be replayed within
its five-minute window. Each delivery is served once."""

from __future__ import annotations

from typing import Any, Protocol

from cachetools import TTLCache

from bot.store.deliveries import REMEMBER_SECONDS

MAX_REMEMBERED = 200_000


class SeenDeliveries(Protocol):
    """Where delivery keys are remembered: this process now, the store across replicas."""

    async def first_time(self, key: str) -> bool:
        """Remember `key`; False when it was already seen."""
        ...


class MemoryDeliveries:
    def __init__(
        self, *, seconds: float = REMEMBER_SECONDS, max_entries: int = MAX_REMEMBERED
    ) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(maxsize=max_entries, ttl=seconds)

    async def first_time(self, key: str) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = True
        return True


def delivery_key(body: dict[str, Any], signature: str | None) -> str | None:
    """What identifies one delivery (pure): an event's id, else the request's signature.

    Slack's retries of an event are signed anew but keep the event_id; a replayed command
    or click repeats its signature exactly.
    """
    event_id = body.get("event_id")
    if body.get("type") == "event_callback" and isinstance(event_id, str) and event_id:
        return "event:" + event_id
    if signature:
        return "signature:" + signature
    return None
