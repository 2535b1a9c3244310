"""The update form's submission: each changed field is checked before the form closes
(problems show under their field); a valid one takes the path typed fields take."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.slack.blocks.update_form import read_submission
from bot.slack.buttons import STALE_BUTTON, ButtonRefused
from bot.slack.delivery_claim import DuplicateDelivery, claim_delivery
from bot.slack.errors import describe_failure, log_failure
from bot.slack.services import Services
from bot.slack.subcommands.update import requested_reply
from bot.slack.update_modal import first_field, form_errors, read_target, tell


async def update_form_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    context: AsyncBoltContext,
    roomops: Services,
) -> None:
    user = (body.get("user") or {}).get("id")
    try:
        target = read_target(roomops.buttons, view.get("private_metadata"))
    except ButtonRefused:
        await ack(response_action="errors", errors={first_field(roomops.catalogue): STALE_BUTTON})
        return
    catalogue = roomops.catalogue
    values, errors = form_errors(read_submission(view, catalogue), catalogue)
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    if not isinstance(user, str):
        return
    await roomops.pacing.turn()
    try:
        # A submission replayed to another replica must not ask a second time.
        await claim_delivery(context)
    except DuplicateDelivery:
        return
    try:
        requested = await roomops.approvals.request(user, target.room_id, values)
        reply = requested_reply(requested)
    except Exception as error:  # the form has closed: the answer goes to the person instead
        failure = describe_failure(error)
        log_failure(failure, error, "update form")
        reply = failure.reply
    await tell(roomops, user, target.channel, reply)
