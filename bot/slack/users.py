"""Each user's time zone from `users.info`, cached so a list costs no extra Slack call."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cachetools import TTLCache
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("bot.slack.users")
UTC_ZONE = ZoneInfo("UTC")


class UserZones:
    def __init__(
        self, client: AsyncWebClient, *, ttl_seconds: float = 3600, max_entries: int = 5000
    ) -> None:
        self._client = client
        self._cache: TTLCache[str, ZoneInfo] = TTLCache(maxsize=max_entries, ttl=ttl_seconds)
        # A burst of first commands from one user asks Slack once.
        self._pending: dict[str, asyncio.Task[ZoneInfo]] = {}

    async def zone(self, user_id: str | None) -> ZoneInfo:
        if not user_id:
            return UTC_ZONE
        cached = self._cache.get(user_id)
        if cached is not None:
            return cached
        task = self._pending.get(user_id)
        if task is None:
            task = asyncio.create_task(self._lookup(user_id))
            self._pending[user_id] = task
            task.add_done_callback(lambda _: self._pending.pop(user_id, None))
        # Shielded: one caller giving up must not cancel the lookup the others wait for.
        zone = await asyncio.shield(task)
        self._cache[user_id] = zone
        return zone

    async def _lookup(self, user_id: str) -> ZoneInfo:
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info failed for a user: %s", exc.response.get("error"))
            return UTC_ZONE
        except Exception as exc:  # a missing zone must never fail the command
            log.warning("users.info unreachable: %s", type(exc).__name__)
            return UTC_ZONE
        user = response.get("user") or {}
        try:
            return ZoneInfo(str(user.get("tz") or "UTC"))
        except (ZoneInfoNotFoundError, ValueError):
            return UTC_ZONE
