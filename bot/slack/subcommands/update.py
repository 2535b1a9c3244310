"""`/rooms update UUID|NAME [field=value ...]`: ask for a change of room fields, applied once
an approver approves it; with only the room, a form filled with its current values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.approvals.model import ApprovalRequest
from bot.commands.errors import Usage
from bot.commands.fields import USAGE_LINE, catalogue_for, parse_assignments
from bot.commands.options import ref
from bot.commands.words import tidy
from bot.ids import is_channel_id
from bot.render.kit import Reply, section
from bot.render.text import bold, code, plain
from bot.services.approvals import Requested
from bot.slack.blocks.approvals import render_requested, render_unposted
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, Subcommand
from bot.slack.update_modal import open_update_modal

USAGE = Usage("update", USAGE_LINE)


@dataclass(frozen=True)
class UpdateCommand:
    """Ask for a change of room fields; with no fields, open the form (a modal)."""

    ref: str
    # (field, value) in the order typed, validated; values as the provider takes them.
    fields: tuple[tuple[str, Any], ...] = ()


def parse(args: list[str], grammar: Grammar) -> UpdateCommand:
    catalogue = grammar.catalogue
    first = tidy(args[0]) if args else ""
    if not first or "=" in first:
        raise USAGE.refuse(
            "`/rooms update` needs a room first, then the fields to change, e.g. "
            f"`/rooms update standup {catalogue.example}` (or only the room, for a form)."
        )
    room = ref(USAGE, first, noun="room")
    fields = parse_assignments(args[1:], catalogue=catalogue)
    return UpdateCommand(ref=room, fields=tuple(fields.items()))


async def answer(command: UpdateCommand, services: Services, caller: Caller) -> Reply | None:
    """The reply for the caller; None when a form was opened instead."""
    service = services.approvals
    service.check_can_request(caller.user_id)
    if not command.fields:
        await open_update_modal(service, services, command.ref, dict(caller.payload))
        return None
    assert caller.user_id is not None  # the edge admits only commands with a user
    return requested_reply(await service.request(caller.user_id, command.ref, dict(command.fields)))


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


def summary(provider: str) -> str:
    """The fields are the provider's catalogue, in its order: never typed twice."""
    fields = ", ".join(catalogue_for(provider).fields)
    return (
        f"ask for a change of room fields ({fields}), applied once an approver approves it; "
        "with only the room, a form filled with its current values"
    )


def examples(provider: str) -> tuple[str, ...]:
    example = {"telnyx": "max_participants=25 enable_recording=yes"}.get(
        provider, "max_members=25 record_on_start=yes"
    )
    return (f"/rooms update standup {example}",)


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=summary,
    examples=examples,
    parse=parse,
    answer=answer,
    forms=(UpdateCommand,),
)
