"""`/rooms approvals`: the approval requests waiting for a decision, and the approval
messages RoomOps gave up delivering."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.approvals.owed import APPROVAL_NOTIFY, APPROVAL_POST, APPROVAL_UPDATE
from bot.commands.errors import Usage
from bot.commands.options import nothing_more
from bot.render.kit import Reply, section
from bot.render.text import code, plain
from bot.slack.answers import render_context
from bot.slack.blocks.approvals import render_approvals
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, Subcommand, by_provider
from bot.store.outbox import OutboxEntry

USAGE = Usage("approvals", "/rooms approvals")
MAX_UNDELIVERED = 10
_WHAT = {
    APPROVAL_POST: "message",
    APPROVAL_UPDATE: "message's update",
    APPROVAL_NOTIFY: "message to the requester",
}


@dataclass(frozen=True)
class ApprovalsCommand:
    pass


def parse(args: list[str], _grammar: Grammar) -> ApprovalsCommand:
    nothing_more(USAGE, args)
    return ApprovalsCommand()


async def answer(_command: ApprovalsCommand, services: Services, caller: Caller) -> Reply:
    service = services.approvals
    ctx = await render_context(services, caller.user_id)
    pending = await service.pending()
    listed = render_approvals(pending, ctx, can_decide=service.policy.is_approver(caller.user_id))
    return with_undelivered(listed, await service.undelivered_messages())


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


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider("approval requests waiting for a decision"),
    examples=by_provider(()),
    parse=parse,
    answer=answer,
    forms=(ApprovalsCommand,),
)
