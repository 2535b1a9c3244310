"""Approval requests in Slack: the channel message in each state, the requester's
confirmation, the approvals list and the audit list (pure).

Room names and values come from people and the provider: every one is escaped, so a room
called `<!channel>` pings nobody. User ids are shown as mentions only when shaped like one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.approvals.model import ApprovalRequest, ApprovalStatus, FieldChange
from bot.approvals.policy import SYSTEM, mention, mentions
from bot.ids import is_channel_id
from bot.providers.base import provider_label
from bot.providers.catalogue import JsonValue
from bot.render.kit import (
    Block,
    Reply,
    actions,
    bold,
    button,
    code,
    context,
    divider,
    header,
    plain,
    plural,
    section,
)
from bot.render.text import ELLIPSIS, clip, clip_mrkdwn, sentence, visible
from bot.render.timefmt import plain_time, slack_time
from bot.slack.blocks.context import UTC_ZONE, RenderContext
from bot.slack.buttons import ButtonSigner

if TYPE_CHECKING:  # the store's row type only; the renderers load no database library
    from bot.store.audit import AuditEvent

APPROVE_BUTTON = "approval_approve"
REJECT_BUTTON = "approval_reject"
RETRY_BUTTON = "approval_retry"
VALUE_LIMIT = 120  # characters of one value shown; the audit and the store keep all of it
CONFIRM_TEXT_LIMIT = 300
# Three blocks a request, within Slack's 50 a message.
MAX_LISTED = 15

STATUS_WORDS: dict[ApprovalStatus, str] = {
    ApprovalStatus.PENDING: "waiting for an approver",
    ApprovalStatus.APPROVED: "approved, being applied",
    ApprovalStatus.APPLYING: "approved, being applied",
    ApprovalStatus.APPLIED: "applied",
    ApprovalStatus.REJECTED: "rejected",
    ApprovalStatus.EXPIRED: "expired",
    ApprovalStatus.FAILED: "failed",
    ApprovalStatus.STALE: "not applied: the room changed",
}
STATUS_ICONS: dict[ApprovalStatus, str] = {
    ApprovalStatus.PENDING: ":hourglass_flowing_sand:",
    ApprovalStatus.APPROVED: ":gear:",
    ApprovalStatus.APPLYING: ":gear:",
    ApprovalStatus.APPLIED: ":white_check_mark:",
    ApprovalStatus.REJECTED: ":no_entry_sign:",
    ApprovalStatus.EXPIRED: ":alarm_clock:",
    ApprovalStatus.FAILED: ":x:",
    ApprovalStatus.STALE: ":warning:",
}


def render_request(
    request: ApprovalRequest,
    ctx: RenderContext,
    *,
    approvers: Sequence[str] = (),
) -> Reply:
    """The request as posted to APPROVAL_CHANNEL, and as each later state updates it.

    Decision buttons appear only while it is pending, Retry only once it has failed.
    """
    status = request.status
    blocks: list[Block] = [header(f"Room update: {clip(_room(request), 100)}")]
    blocks.append(section(_summary(request)))
    blocks += [section(line) for line in change_lines(request.changes)]
    outcome, outcome_text = _outcome(request, ctx, approvers=approvers)
    blocks.append(section(outcome))
    buttons = decision_buttons(request, ctx.buttons)
    if buttons:
        blocks.append(actions(*buttons, block_id=f"approval:{request.id}"))
    blocks.append(
        context(f"Request {code(request.id)} · {plain(provider_label(request.provider))}")
    )
    lines = [
        f"Room update request {request.id} for {plain(_room(request))} "
        f"(room {plain(visible(request.room_id))}) by {mention(request.requester)}: "
        + "; ".join(change_text(change) for change in request.changes),
        f"Status: {status.value}. {outcome_text}",
    ]
    return Reply("\n".join(lines), blocks)


def render_requested(request: ApprovalRequest, *, channel: str, link: str | None) -> Reply:
    """The requester's confirmation: the id, where the request went, and how to follow it."""
    where = f"<#{channel}>" if is_channel_id(channel) else "the approval channel"
    shown = f"<{link}|the request> in {where}" if link else f"the request in {where}"
    text = (
        f":outbox_tray: Asked for approval: request {code(request.id)} to change "
        f"{bold(_room(request))} ({plural(len(request.changes), 'field')}). "
        f"See {shown}; you will get a message when it is decided."
    )
    blocks = [section(text)]
    blocks += [section(line) for line in change_lines(request.changes)]
    blocks.append(context(f"Expires {slack_time(request.expires_at, UTC_ZONE)}"))
    fallback = (
        f"Asked for approval: request {request.id} to change {plain(_room(request))}: "
        + "; ".join(change_text(change) for change in request.changes)
        + (f". Posted at {link}" if link else f". Posted in {where}")
    )
    return Reply(fallback, blocks)


def render_unposted(request: ApprovalRequest, problem: str) -> Reply:
    """The request is stored but its message could not be posted: approvers still see it."""
    problem = visible(problem)
    text = (
        f":warning: Request {code(request.id)} to change {bold(_room(request))} is saved, "
        f"but posting it to the approval channel failed ({plain(problem, 100)}). Approvers "
        "can still decide it from `/rooms approvals`; an admin should check APPROVAL_CHANNEL "
        "and that RoomOps is in that channel."
    )
    fallback = (
        f"Request {request.id} to change {plain(_room(request))} is saved, but posting it "
        f"to the approval channel failed ({plain(problem, 100)}). Approvers can decide it from "
        "/rooms approvals."
    )
    return Reply(fallback, [section(text)])


def render_outcome_notice(request: ApprovalRequest, ctx: RenderContext) -> Reply:
    """The requester's direct message once their request is decided or has ended."""
    outcome, outcome_text = _outcome(request, ctx)
    text = f"Your request {code(request.id)} to change {bold(_room(request))}: {outcome}"
    fallback = f"Your request {request.id} to change {plain(_room(request))}: {outcome_text}"
    return Reply(
        fallback, [section(text), *[section(line) for line in change_lines(request.changes)]]
    )


def render_decided(request: ApprovalRequest, ctx: RenderContext) -> Reply:
    """The reply to the approver who clicked: how the request stands now."""
    outcome, outcome_text = _outcome(request, ctx)
    text = f"Request {code(request.id)} for {bold(_room(request))}: {outcome}"
    fallback = f"Request {request.id} for {plain(_room(request))}: {outcome_text}"
    return Reply(fallback, [section(text)])


def render_notice(text: str) -> Reply:
    """A short reply to the person who clicked (already escaped mrkdwn)."""
    return Reply(text, [section(text)])


def render_approvals(
    requests: Sequence[ApprovalRequest], ctx: RenderContext, *, can_decide: bool
) -> Reply:
    """Pending requests, oldest first; approvers get the decision buttons here too."""
    if not requests:
        text = "No room update requests are waiting for a decision."
        return Reply(text, [section(text)])
    count = plural(len(requests), "request")
    blocks: list[Block] = [header("Waiting for approval")]
    lines = [f"{count} waiting for approval:"]
    for request in requests[:MAX_LISTED]:
        changes = "\n".join(change_lines(request.changes))
        blocks.append(
            section(
                f"{bold(_room(request))} · asked by {mention(request.requester)} · "
                f"expires {slack_time(request.expires_at, ctx.tz)}\n{changes}\n"
                f"{code(request.id)}"
            )
        )
        if can_decide:
            blocks.append(actions(*_decision(request, ctx.buttons)))
        lines.append(
            f"• {request.id} {plain(_room(request))} by {mention(request.requester)}, "
            f"expires {plain_time(request.expires_at, ctx.tz)}: "
            + "; ".join(change_text(change) for change in request.changes)
        )
        blocks.append(divider())
    shown = min(len(requests), MAX_LISTED)
    more = f" Showing the oldest {shown}." if shown < len(requests) else ""
    blocks.append(context(f"{count}, oldest first.{more}"))
    if more:
        lines.append(more.strip())
    return Reply("\n".join(lines), blocks)


def render_audit(events: Sequence[AuditEvent], ctx: RenderContext, *, room: str | None) -> Reply:
    """Recent audit events, newest first."""
    scope = f" for {plain(room)}" if room else ""
    if not events:
        text = f"No audit events{scope} yet."
        return Reply(text, [section(text)])
    blocks: list[Block] = [header(f"Audit{' for ' + room if room else ''}")]
    lines = [f"Audit{scope}, newest first:"]
    for event in events:
        what = f"{plain(visible(event.action))} → {plain(visible(event.outcome))}"
        room_part = f" · {bold(visible(event.room_name))}" if event.room_name else ""
        request_part = f" · {code(event.request_id)}" if event.request_id else ""
        detail = f"\n{plain(visible(event.detail), 500)}" if event.detail else ""
        blocks.append(
            section(
                f"{slack_time(event.at, ctx.tz)} · {_actor(event.actor)} · {what}"
                f"{room_part}{request_part}{detail}"
            )
        )
        lines.append(
            f"• {plain_time(event.at, ctx.tz)} {_actor(event.actor)} {what}"
            + (f" {plain(visible(event.room_name))}" if event.room_name else "")
            + (f" {event.request_id}" if event.request_id else "")
            + (f": {plain(visible(event.detail), 300)}" if event.detail else "")
        )
    blocks.append(context(f"{plural(len(events), 'event')}, newest first."))
    return Reply("\n".join(lines), blocks)


# -- pieces ---------------------------------------------------------------------------------


def change_lines(changes: Sequence[FieldChange]) -> list[str]:
    return [
        f"{code(visible(change.field))}: {format_value(change.old)} → {format_value(change.new)}"
        for change in changes
    ]


def change_text(change: FieldChange) -> str:
    return f"{plain(visible(change.field))} {_plain_value(change.old)} → {_plain_value(change.new)}"


def _plain_value(value: JsonValue) -> str:
    if value is None:
        return "not set"
    if value == "":
        return "empty"
    if isinstance(value, bool | int | float):
        return plain(_raw(value), VALUE_LIMIT)
    # Text sits in a code span it cannot close, so `x; max_members 20 → 25` reads as one value.
    return code(_raw(value), VALUE_LIMIT) or "blank"


def format_value(value: JsonValue) -> str:
    if value is None:
        return "_not set_"
    if value == "":
        return "_empty_"
    return code(_raw(value), VALUE_LIMIT)


def decision_buttons(request: ApprovalRequest, signer: ButtonSigner) -> list[Block]:
    if request.status is ApprovalStatus.PENDING:
        return _decision(request, signer)
    if request.status is ApprovalStatus.FAILED:
        return [
            _confirmed(
                button("Retry", RETRY_BUTTON, signer.sign(RETRY_BUTTON, request.id)),
                title="Try again?",
                text=f"RoomOps re-reads {_confirm_name(request)} and applies the change only "
                "if nobody has changed those fields since.",
                confirm="Retry",
            )
        ]
    return []


def _decision(request: ApprovalRequest, signer: ButtonSigner) -> list[Block]:
    approve = button(
        "Approve", APPROVE_BUTTON, signer.sign(APPROVE_BUTTON, request.id), style="primary"
    )
    reject = button("Reject", REJECT_BUTTON, signer.sign(REJECT_BUTTON, request.id), style="danger")
    return [
        _confirmed(
            approve,
            title="Approve this change?",
            text=approve_confirmation(request),
            confirm="Approve",
        ),
        _confirmed(
            reject,
            title="Reject this change?",
            text=f"Nothing changes on {_confirm_name(request)}; the requester is told.",
            confirm="Reject",
            danger=True,
        ),
    ]


def approve_confirmation(request: ApprovalRequest) -> str:
    """What the Approve dialog asks: every requested field by name, always.

    Slack shows at most 300 characters there, so values are shortened (visibly, with "…")
    as far as it takes, down to nothing; a field is never left out. Values sit in code
    spans, which they cannot close, so no value can pose as another change.
    """

    name = _confirm_name(request)
    # Each value made visible once; only the shortening varies below.
    shown = [
        (code(visible(change.field), 100), _confirm_raw(change.old), _confirm_raw(change.new))
        for change in request.changes
    ]

    def text(limit: int) -> str:
        changes = "; ".join(
            f"{field} {_confirm_value(old, limit)} → {_confirm_value(new, limit)}"
            for field, old, new in shown
        )
        return f"{name} changes at once: {changes}"

    if len(text(VALUE_LIMIT)) <= CONFIRM_TEXT_LIMIT:
        return text(VALUE_LIMIT)
    if len(text(0)) <= CONFIRM_TEXT_LIMIT:
        # The longest values that fit (the length only grows with the limit).
        low, high = 0, VALUE_LIMIT
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (
                (middle, high) if len(text(middle)) <= CONFIRM_TEXT_LIMIT else (low, middle - 1)
            )
        return text(low)
    # More fields than fit even with empty values (no catalogue has that many today).
    names = ", ".join(field for field, _, _ in shown)
    return f"Changes at once (values in the message): {names}"


@dataclass(frozen=True)
class _Word:
    """A value shown as a word ("not set", "empty"), never shortened."""

    text: str


def _confirm_raw(value: JsonValue) -> str | _Word:
    if value is None:
        return _Word("not set")
    if value == "":
        return _Word("empty")
    return _raw(value)


def _confirm_value(value: str | _Word, limit: int) -> str:
    if isinstance(value, _Word):
        return value.text
    if limit == 0:
        return ELLIPSIS
    return code(value, limit) or "blank"


def _confirmed(
    element: Block, *, title: str, text: str, confirm: str, danger: bool = False
) -> Block:
    dialog: Block = {
        "title": {"type": "plain_text", "text": title[:100]},
        "text": {"type": "mrkdwn", "text": clip_mrkdwn(text, CONFIRM_TEXT_LIMIT)},
        "confirm": {"type": "plain_text", "text": confirm[:30]},
        "deny": {"type": "plain_text", "text": "Cancel"},
    }
    if danger:
        dialog["style"] = "danger"
    return {**element, "confirm": dialog}


def _summary(request: ApprovalRequest) -> str:
    return (
        f"{mention(request.requester)} asks to change {bold(_room(request))} "
        f"({code(visible(request.room_id))}):"
    )


def _outcome(
    request: ApprovalRequest,
    ctx: RenderContext,
    *,
    approvers: Sequence[str] = (),
) -> tuple[str, str]:
    """The state in mrkdwn for blocks, and the same in the fallback's words."""
    status = request.status
    icon = STATUS_ICONS[status]
    by = mention(request.decider)
    when = _when(request.decided_at, ctx)
    plain_when = plain_time(request.decided_at, ctx.tz) if request.decided_at else ""
    if status is ApprovalStatus.PENDING:
        who = f" Approvers: {mentions(approvers)}." if approvers else ""
        text = (
            f"{icon} Waiting for an approver until {slack_time(request.expires_at, ctx.tz)}.{who}"
        )
        return text, f"Waiting for an approver until {plain_time(request.expires_at, ctx.tz)}."
    if status in (ApprovalStatus.APPROVED, ApprovalStatus.APPLYING):
        return f"{icon} Approved by {by} {when}; applying now…", f"Approved by {by}; applying."
    if status is ApprovalStatus.APPLIED:
        done = _when(request.finished_at, ctx)
        return (
            f"{icon} Approved by {by} {when} and applied {done}.",
            f"Approved by {by} at {plain_when} and applied.",
        )
    if status is ApprovalStatus.REJECTED:
        return f"{icon} Rejected by {by} {when}. Nothing was changed.", (
            f"Rejected by {by} at {plain_when}. Nothing was changed."
        )
    if status is ApprovalStatus.EXPIRED:
        ended = _when(request.finished_at or request.expires_at, ctx)
        return f"{icon} Expired {ended}: nobody decided in time. Nothing was changed.", (
            "Expired: nobody decided in time. Nothing was changed."
        )
    reason = plain(visible(request.failure_reason or "no reason given"), 500)
    if status is ApprovalStatus.STALE:
        moved = reason
        return (
            f"{icon} Approved by {by} {when}, but not applied: {moved} "
            "Ask again if the change is still wanted.",
            f"Approved by {by}, but not applied: {moved}",
        )
    return (
        f"{icon} Approved by {by} {when}, but applying it failed: {sentence(reason)} "
        "An approver can press Retry.",
        f"Approved by {by}, but applying failed: {sentence(reason)} An approver can retry.",
    )


def _actor(actor: str) -> str:
    # Steps nobody clicked (posting, expiry, resuming) are the app's own.
    return "RoomOps" if actor == SYSTEM else mention(actor)


def _when(moment: datetime | None, ctx: RenderContext) -> str:
    return f"at {slack_time(moment, ctx.tz)}" if moment is not None else ""


def _raw(value: JsonValue) -> str:
    """A value as shown: without characters that could disguise it (bot/render/text.py)."""
    if isinstance(value, str):
        return visible(value)
    return visible(json.dumps(value, separators=(", ", ": "), ensure_ascii=False))


def _room(request: ApprovalRequest) -> str:
    return visible(request.room_name)


def _confirm_name(request: ApprovalRequest) -> str:
    return bold(_room(request), 60) or "the room"
