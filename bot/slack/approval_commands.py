"""`/rooms update`, `/rooms approvals` and `/rooms audit`: from the parsed command to the
caller's reply (the form, for an update without fields)."""

from __future__ import annotations

from typing import Any

from bot.approvals.service import Requested
from bot.commands.model import ApprovalsCommand, AuditCommand, UpdateCommand
from bot.slack.answers import render_context
from bot.slack.approval_messages import approval_service
from bot.slack.blocks.approvals import (
    render_approvals,
    render_audit,
    render_requested,
    render_unposted,
)
from bot.slack.blocks.kit import Reply
from bot.slack.services import Services
from bot.slack.update_modal import open_update_modal

ApprovalCommand = UpdateCommand | ApprovalsCommand | AuditCommand
APPROVAL_COMMANDS = (UpdateCommand, ApprovalsCommand, AuditCommand)


async def answer_approval_command(
    command: ApprovalCommand, services: Services, body: dict[str, Any]
) -> Reply | None:
    """The reply for the caller; None when a form was opened instead."""
    user = body.get("user_id")
    service = approval_service(services)
    if isinstance(command, UpdateCommand):
        service.check_can_request(user)
        if not command.fields:
            await open_update_modal(service, services, command.ref, body)
            return None
        assert isinstance(user, str)  # the edge admits only commands with a user
        return requested_reply(await service.request(user, command.ref, dict(command.fields)))
    ctx = await render_context(services, user)
    if isinstance(command, ApprovalsCommand):
        pending = await service.pending()
        return render_approvals(pending, ctx, can_decide=service.policy.is_approver(user))
    events = await service.audit(command.room, command.limit)
    return render_audit(events, ctx, room=command.room)


def requested_reply(requested: Requested) -> Reply:
    if not requested.posted:
        return render_unposted(requested.request, requested.problem or "unknown error")
    return render_requested(requested.request, channel=requested.channel, link=requested.link)
