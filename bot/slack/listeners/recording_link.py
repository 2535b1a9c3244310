"""A recording's "Get link" button: a link fetched at the press, shown only to the presser.

The link is a credential: it goes back through the click's response_url as an ephemeral
reply (never a channel message), and is kept nowhere and logged nowhere. The button's value
is untrusted on return: unsigned with its own purpose and checked to be a recording UUID
before any provider call.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.providers.errors import RecordingNotReady
from bot.providers.ids import is_uuid
from bot.render.kit import Reply
from bot.slack.answers import render_context, reply_deadline
from bot.slack.blocks.recordings import LINK_BUTTON, render_not_ready, render_recording_link
from bot.slack.buttons import ButtonRefused, ButtonSigner
from bot.slack.delivery_claim import claim_delivery
from bot.slack.failures import replying_errors
from bot.slack.services import Services


def recording_of_button(signer: ButtonSigner, value: object) -> str:
    """The recording id a "Get link" value carries, or ButtonRefused."""
    data = signer.unsign(LINK_BUTTON, value)
    if not isinstance(data, str) or not is_uuid(data):
        raise ButtonRefused()
    return data.lower()


async def recording_link(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    roomops: Services,
) -> None:
    await ack()
    async with replying_errors(body, context):
        await claim_delivery(context)
        recording_id = recording_of_button(roomops.buttons, action.get("value"))
        reply = await _link_reply(roomops, recording_id, (body.get("user") or {}).get("id"))
        # Ephemeral, and a new message: the listing it came from stays as it was.
        await roomops.responder.send(body["response_url"], reply, replace_original=False)


async def _link_reply(services: Services, recording_id: str, user_id: str | None) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, user_id)
        try:
            link = await services.reads.recording_link(
                recording_id, ttl_seconds=services.settings.recording_link_seconds
            )
        except RecordingNotReady:
            return render_not_ready(recording_id)
        return render_recording_link(recording_id, link, services.reads.provider_label, ctx)
