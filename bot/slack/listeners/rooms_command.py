"""`/rooms ...`: acknowledge at once, then answer through the response_url."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.commands.grammar import parse
from bot.commands.words import from_slack
from bot.slack.answers import answer
from bot.slack.approval_commands import APPROVAL_COMMANDS, answer_approval_command
from bot.slack.delivery_claim import claim_delivery
from bot.slack.digest_commands import DIGEST_COMMANDS, answer_digest_command
from bot.slack.failures import replying_errors
from bot.slack.services import services_from


async def rooms_command(ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    async with replying_errors(command, context):
        await claim_delivery(context)
        services = services_from(context)
        text = from_slack(command.get("text") or "")
        parsed = parse(text, catalogue=services.catalogue)
        if isinstance(parsed, APPROVAL_COMMANDS):
            # Updates, approvals and the audit use the store; an update may open a form.
            reply = await answer_approval_command(parsed, services, command)
        elif isinstance(parsed, DIGEST_COMMANDS):
            reply = await answer_digest_command(parsed, services, command)
        else:
            reply = await answer(parsed, services, command.get("user_id"))
        if reply is not None:
            await services.responder.send(command["response_url"], reply)
