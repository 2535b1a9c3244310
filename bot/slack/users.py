"""Each user's time zone from `users.info`, cached so a list costs no extra Slack call."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.providers.flight import ReadFlights

log = logging.getLogger("bot.slack.users")
UTC_ZONE = ZoneInfo("UTC")


class UserZones:
    def __init__(
        self, client: AsyncWebClient, *, ttl_seconds: float = 3600, max_entries: int = 5000
    ) -> None:
        self._client = client
        # A burst of first commands from one user asks Slack once; the answer is kept for
        # `ttl_seconds`.
        self._zones = ReadFlights(ttl_seconds, max_entries=max_entries, label="users.info")

    async def zone(self, user_id: str | None) -> ZoneInfo:
        if not user_id:
            return UTC_ZONE
        zone: ZoneInfo = await self._zones.get(user_id, lambda: self._lookup(user_id))
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
