"""Global middleware: hand listeners their services, and enforce who may use RoomOps."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.slack.access import actor, refusal
from bot.slack.blocks.help import render_problem
from bot.slack.deliveries import SeenDeliveries, delivery_key
from bot.slack.services import CONTEXT_KEY, DELIVERY_KEY, Services

log = logging.getLogger("bot.slack.access")
Next = Callable[[], Awaitable[None]]


def provide_services(
    services: Services,
) -> Callable[[AsyncBoltContext, Next], Awaitable[None]]:
    async def middleware(context: AsyncBoltContext, next: Next) -> None:
        context[CONTEXT_KEY] = services
        await next()

    return middleware


def enforce_access(
    services: Services,
) -> Callable[[dict[str, Any], Next], Awaitable[BoltResponse | None]]:
    settings = services.settings

    async def middleware(body: dict[str, Any], next: Next) -> BoltResponse | None:
        user_id, channel_id, in_channel = actor(body)
        reason = refusal(
            user_id,
            channel_id,
            allowed_users=settings.allowed_users,
            allowed_channels=settings.allowed_channels,
            in_channel=in_channel,
        )
        if reason is None:
            await next()
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
            await services.responder.send(body["response_url"], reply)
        return BoltResponse(status=200, body="")

    return middleware


def drop_duplicates(
    seen: SeenDeliveries,
) -> Callable[[dict[str, Any], AsyncBoltContext, Next], Awaitable[BoltResponse | None]]:
    async def middleware(
        body: dict[str, Any], context: AsyncBoltContext, next: Next
    ) -> BoltResponse | None:
        signature = context.get(DELIVERY_KEY)
        key = delivery_key(body, signature if isinstance(signature, str) else None)
        if key is None or await seen.first_time(key):
            await next()
            return None
        # An empty 200 tells Slack the delivery arrived, so it stops retrying.
        log.info("duplicate delivery ignored (%s)", key.split(":", 1)[0])
        return BoltResponse(status=200, body="")

    return middleware
