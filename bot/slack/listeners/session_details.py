"""A session's "Details" button: the same reply as `/rooms session UUID`."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.commands.grammar import parse_words
from bot.slack.answers import answer
from bot.slack.failures import replying_errors
from bot.slack.services import services_from


async def session_details(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    await ack()
    async with replying_errors(body, context):
        services = services_from(context)
        command = parse_words(["session", str(action.get("value") or "")])
        reply = await answer(command, services, (body.get("user") or {}).get("id"))
        await services.responder.send(body["response_url"], reply)
