"""Buttons whose signed value becomes a `/rooms` command: the value is untrusted on return.

It is unsigned with its own button's purpose (a value made for another button is refused)
and the command it names goes through the grammar again, exactly as typed text would.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.commands.grammar import parse_words
from bot.commands.model import Command, UsageError
from bot.slack.answers import answer
from bot.slack.buttons import ButtonRefused, ButtonSigner
from bot.slack.delivery_claim import claim_delivery
from bot.slack.failures import replying_errors
from bot.slack.services import services_from

Words = Callable[[str], list[str]]
Listener = Callable[[AsyncAck, dict[str, Any], dict[str, Any], AsyncBoltContext], Awaitable[None]]


def button_command(signer: ButtonSigner, purpose: str, value: object, words: Words) -> Command:
    """The command a button's value stands for, or ButtonRefused."""
    data = signer.unsign(purpose, value)
    if not isinstance(data, str):
        raise ButtonRefused()
    try:
        return parse_words(words(data))
    except UsageError:
        raise ButtonRefused() from None


def command_button(purpose: str, words: Words) -> Listener:
    """A listener that answers a click the way `/rooms <words(value)>` would be answered."""

    # Bolt passes arguments by these parameter names.
    async def listener(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        async with replying_errors(body, context):
            await claim_delivery(context)
            services = services_from(context)
            command = button_command(services.buttons, purpose, action.get("value"), words)
            reply = await answer(command, services, (body.get("user") or {}).get("id"))
            await services.responder.send(body["response_url"], reply)

    listener.__name__ = f"{purpose}_button"
    return listener
