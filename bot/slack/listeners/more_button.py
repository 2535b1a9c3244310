"""The "More" button: the next page, from the state its value carries."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.slack.delivery_claim import claim_delivery
from bot.slack.failures import replying_errors
from bot.slack.services import Services


async def more_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    roomops: Services,
) -> None:
    await ack()
    async with replying_errors(body, context):
        await claim_delivery(context)
        state = roomops.more.decode(action.get("value"))
        paging = roomops.more.paging(state)
        reply = await paging.next_page(state, roomops, (body.get("user") or {}).get("id"))
        await roomops.responder.send(body["response_url"], reply)
