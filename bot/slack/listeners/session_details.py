"""A session's "Details" button: the same reply as `/rooms session UUID`."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.commands.grammar import parse_words
from bot.commands.model import UsageError
from bot.slack.answers import answer
from bot.slack.blocks.sessions import SESSION_BUTTON
from bot.slack.buttons import ButtonRefused
from bot.slack.failures import replying_errors
from bot.slack.services import services_from


async def session_details(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    await ack()
    async with replying_errors(body, context):
        services = services_from(context)
        session_id = services.buttons.unsign(SESSION_BUTTON, action.get("value"))
        if not isinstance(session_id, str):
            raise ButtonRefused()
        try:
            command = parse_words(["session", session_id])
        except UsageError:
            raise ButtonRefused() from None
        reply = await answer(command, services, (body.get("user") or {}).get("id"))
        await services.responder.send(body["response_url"], reply)
