"""The "More" button: the next page, from the state its value carries."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.slack.answers import answer_more
from bot.slack.delivery_claim import claim_delivery
from bot.slack.failures import replying_errors
from bot.slack.services import services_from


async def more_button(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    await ack()
    async with replying_errors(body, context):
        await claim_delivery(context)
        services = services_from(context)
        state = services.more.decode(action.get("value"))
        reply = await answer_more(state, services, (body.get("user") or {}).get("id"))
        await services.responder.send(body["response_url"], reply)
