"""The one global middleware: every request, in either mode, passes through it before a
listener runs. It drops duplicate deliveries, hands listeners their services, and
enforces who may use RoomOps.

It is one class-based middleware rather than three functions because Bolt inspects a
function middleware's signature on every request to inject its arguments; under a burst
that was a measurable share of the time before each acknowledgement (bench/README.md).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.access import actor, refusal
from bot.slack.blocks.help import render_problem
from bot.slack.deliveries import SeenDeliveries, delivery_key
from bot.slack.delivery_claim import DELIVERY_ID_KEY
from bot.slack.services import CONTEXT_KEY, DELIVERY_KEY, Services

log = logging.getLogger("bot.slack.access")
Next = Callable[[], Awaitable[BoltResponse]]


class RoomOpsMiddleware(AsyncMiddleware):
    def __init__(self, services: Services, seen: SeenDeliveries) -> None:
        self._services = services
        self._seen = seen

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next
    ) -> BoltResponse | None:
        services = self._services
        services.pacing.arrived()
        body: dict[str, Any] = req.body
        signature = req.context.get(DELIVERY_KEY)
        key = delivery_key(body, signature if isinstance(signature, str) else None)
        if key is not None and not await self._seen.first_time(key):
            # An empty 200 tells Slack the delivery arrived, so it stops retrying.
            log.info("duplicate delivery ignored (%s)", key.split(":", 1)[0])
            return BoltResponse(status=200, body="")
        req.context[CONTEXT_KEY] = services
        if key is not None:
            req.context[DELIVERY_ID_KEY] = key
        refused = await self._refuse(body)
        if refused is not None:
            return refused
        return await next()

    async def _refuse(self, body: dict[str, Any]) -> BoltResponse | None:
        settings = self._services.settings
        user_id, channel_id, in_channel = actor(body)
        allowed_channels = settings.allowed_channels
        if allowed_channels and settings.approval_channel:
            # The bot posts requests there itself, so their buttons must work there; who
            # may decide is still APPROVERS' business.
            allowed_channels = (*allowed_channels, settings.approval_channel)
        reason = refusal(
            user_id,
            channel_id,
            allowed_users=settings.allowed_users,
            allowed_channels=allowed_channels,
            in_channel=in_channel,
        )
        if reason is None:
            return None
        log.info("refused %s in %s", user_id, channel_id)
        reply = render_problem(reason)
        if "command" in body:
            # The acknowledgement itself carries the refusal: shown at once, to the caller only.
            payload = {"response_type": "ephemeral", **reply.payload()}
            return BoltResponse(
                status=200,
                body=json.dumps(payload),
                headers={"content-type": "application/json"},
            )
        if isinstance(body.get("response_url"), str):
            await self._services.responder.send(body["response_url"], reply)
        return BoltResponse(status=200, body="")
