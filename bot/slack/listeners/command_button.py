"""Buttons whose signed value becomes a `/rooms` command: the value is untrusted on return.

It is unsigned with its own button's purpose (a value made for another button is refused)
and the command it names goes through the registry again, exactly as typed text would.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.commands.errors import UsageError
from bot.slack.buttons import ButtonRefused, ButtonSigner
from bot.slack.delivery_claim import claim_delivery
from bot.slack.failures import replying_errors
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller
from bot.slack.subcommands.registry import REGISTRY

Words = Callable[[str], list[str]]
Listener = Callable[..., Awaitable[None]]


def button_command(signer: ButtonSigner, purpose: str, value: object, words: Words) -> Any:
    """The command a button's value stands for, or ButtonRefused."""
    data = signer.unsign(purpose, value)
    if not isinstance(data, str):
        raise ButtonRefused()
    try:
        return REGISTRY.parse_words(words(data))
    except UsageError:
        raise ButtonRefused() from None


def command_button(purpose: str, words: Words) -> Listener:
    """A listener that answers a click the way `/rooms <words(value)>` would be answered."""

    # Bolt passes arguments by these parameter names (`roomops`: the services' context key).
    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        roomops: Services,
    ) -> None:
        await ack()
        async with replying_errors(body, context):
            await claim_delivery(context)
            command = button_command(roomops.buttons, purpose, action.get("value"), words)
            user = (body.get("user") or {}).get("id")
            caller = Caller(user_id=user, channel_id=None, payload=body, registry=REGISTRY)
            reply = await REGISTRY.unit_of(command).answer(command, roomops, caller)
            if reply is not None:
                await roomops.responder.send(body["response_url"], reply)

    listener.__name__ = f"{purpose}_button"
    return listener
