"""Approve, Reject and Retry: a click carries only a signed request id, which is checked
(signature, purpose, shape) and then looked up; the workflow decides the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.approvals.errors import UnknownRequest
from bot.approvals.model import ApprovalRequest
from bot.providers.ids import is_uuid
from bot.services.approvals import ApprovalService
from bot.slack.answers import render_context
from bot.slack.blocks.approvals import render_decided
from bot.slack.buttons import ButtonRefused, ButtonSigner
from bot.slack.failures import replying_errors
from bot.slack.services import Services

Act = Callable[[ApprovalService, str, str | None], Awaitable[ApprovalRequest]]
Listener = Callable[
    [AsyncAck, dict[str, Any], dict[str, Any], AsyncBoltContext, Services], Awaitable[None]
]


def request_id_from(signer: ButtonSigner, purpose: str, value: object) -> str:
    """The request id a button stands for, or ButtonRefused (tampered, foreign, reshaped)."""
    data = signer.unsign(purpose, value)
    if not isinstance(data, str) or not is_uuid(data):
        raise ButtonRefused()
    return data.lower()


def approval_button(purpose: str, act: Act) -> Listener:
    # Bolt passes arguments by these parameter names (`roomops`: a context key).
    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        roomops: Services,
    ) -> None:
        await ack()
        async with replying_errors(body, context):
            request_id = request_id_from(roomops.buttons, purpose, action.get("value"))
            user = (body.get("user") or {}).get("id")
            try:
                request = await act(roomops.approvals, request_id, user)
            except UnknownRequest:
                # Signed by this app but unknown to this store: to the clicker, a button
                # that no longer works, like any other.
                raise ButtonRefused() from None
            ctx = await render_context(roomops, user)
            await roomops.responder.send(body["response_url"], render_decided(request, ctx))

    listener.__name__ = f"{purpose}_button"
    return listener
