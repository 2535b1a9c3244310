"""Each user's time zone from `users.info`, cached so a list costs no extra Slack call."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("bot.slack.users")
UTC_ZONE = ZoneInfo("UTC")


class UserZones:
    def __init__(
        self, client: AsyncWebClient, *, ttl_seconds: float = 3600, max_entries: int = 5000
    ) -> None:
        self._client = client
        self._ttl = ttl_seconds
        self._max = max_entries
        self._cache: OrderedDict[str, tuple[float, ZoneInfo]] = OrderedDict()

    async def zone(self, user_id: str | None) -> ZoneInfo:
        if not user_id:
            return UTC_ZONE
        hit = self._cache.get(user_id)
        now = time.monotonic()
        if hit and hit[0] > now:
            self._cache.move_to_end(user_id)
            return hit[1]
        zone = await self._lookup(user_id)
        self._cache[user_id] = (now + self._ttl, zone)
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._max:
            self._cache.popitem(last=False)
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
