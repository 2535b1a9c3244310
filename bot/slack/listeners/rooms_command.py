"""`/rooms ...`: acknowledge at once, then answer through the response_url."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.commands.words import from_slack, split_words
from bot.slack.delivery_claim import claim_delivery
from bot.slack.failures import replying_errors
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller
from bot.slack.subcommands.registry import REGISTRY


async def rooms_command(
    ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext, roomops: Services
) -> None:
    """Bolt passes `roomops` from the context key the services middleware sets."""
    await ack()
    async with replying_errors(command, context):
        await claim_delivery(context)
        words = split_words(from_slack(command.get("text") or ""))
        parsed = REGISTRY.read(words, roomops.catalogue)
        caller = Caller(
            user_id=_text(command.get("user_id")),
            channel_id=_text(command.get("channel_id")),
            payload=command,
            registry=REGISTRY,
        )
        reply = await parsed.unit.answer(parsed.command, roomops, caller)
        if reply is not None:
            await roomops.responder.send(command["response_url"], reply)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
