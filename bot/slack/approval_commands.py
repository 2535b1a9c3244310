"""`/rooms update`, `/rooms approvals` and `/rooms audit`: from the parsed command to the
caller's reply (the form, for an update without fields)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.approvals.model import ApprovalRequest
from bot.approvals.owed import APPROVAL_NOTIFY, APPROVAL_POST, APPROVAL_UPDATE
from bot.commands.model import ApprovalsCommand, AuditCommand, UpdateCommand
from bot.ids import is_channel_id
from bot.render.kit import Reply, section
from bot.render.text import bold, code, plain
from bot.services.approvals import Requested
from bot.slack.answers import render_context
from bot.slack.approval_messages import approval_service
from bot.slack.blocks.approvals import (
    render_approvals,
    render_audit,
    render_requested,
    render_unposted,
)
from bot.slack.services import Services
from bot.slack.update_modal import open_update_modal
from bot.store.outbox import OutboxEntry

ApprovalCommand = UpdateCommand | ApprovalsCommand | AuditCommand
APPROVAL_COMMANDS = (UpdateCommand, ApprovalsCommand, AuditCommand)
MAX_UNDELIVERED = 10
_WHAT = {
    APPROVAL_POST: "message",
    APPROVAL_UPDATE: "message's update",
    APPROVAL_NOTIFY: "message to the requester",
}


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
        listed = render_approvals(pending, ctx, can_decide=service.policy.is_approver(user))
        return with_undelivered(listed, await service.undelivered_messages())
    events = await service.audit(command.room, command.limit)
    return render_audit(events, ctx, room=command.room)


def requested_reply(requested: Requested) -> Reply:
    if requested.waiting:
        return render_waiting(requested.request, requested.channel)
    if not requested.posted:
        return render_unposted(requested.request, requested.problem or "unknown error")
    return render_requested(requested.request, channel=requested.channel, link=requested.link)


def render_waiting(request: ApprovalRequest, channel: str) -> Reply:
    """Stored and owed, but Slack has not taken the message yet: say only that."""
    where = f"<#{channel}>" if is_channel_id(channel) else "the approval channel"
    text = (
        f":outbox_tray: Asked for approval: request {code(request.id)} to change "
        f"{bold(request.room_name)} is saved. Its message will appear in {where} as soon as "
        "Slack takes it; approvers can also decide it from `/rooms approvals`, and you will "
        "get a message when it is decided."
    )
    fallback = (
        f"Asked for approval: request {request.id} to change {plain(request.room_name)} is "
        f"saved; its message will appear in {where} as soon as Slack takes it."
    )
    return Reply(fallback, [section(text)])


def with_undelivered(reply: Reply, undelivered: Sequence[OutboxEntry]) -> Reply:
    """The approval messages RoomOps gave up delivering, after the list: each request's
    message that could not be delivered, and Slack's reason."""
    if not undelivered:
        return reply
    lines = [
        f"Request {code(entry.subject)}: its {_WHAT.get(entry.kind, 'message')} could not be "
        f"delivered: {plain(entry.last_error or 'unknown error', 100)}"
        for entry in undelivered[:MAX_UNDELIVERED]
    ]
    text = "\n".join(f"• {line}" for line in lines)
    return Reply(
        reply.text + "\nNot delivered to Slack:\n" + text,
        [*reply.blocks, section(":warning: *Not delivered to Slack*\n" + text)],
    )
