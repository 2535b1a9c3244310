"""The Slack messages an approval request owes, as outbox rows (pure).

Each is written in the transaction of the step that owes it (bot/store/approvals.py `Also`)
and composed when it is sent, from the request as it is then (bot/slack/approval_outbox.py):
an edit always shows the latest state, so edits are idempotent and their order never
matters, and a post delivered late shows the request as it is by then.
"""

from __future__ import annotations

from bot.approvals.model import ApprovalRequest
from bot.owed import Owed

APPROVAL_POST = "approval.post"  # the request's message in APPROVAL_CHANNEL
APPROVAL_UPDATE = "approval.update"  # that message, edited to show the request's state
APPROVAL_NOTIFY = "approval.notify"  # the requester's direct message once it has ended
APPROVAL_KINDS = (APPROVAL_POST, APPROVAL_UPDATE, APPROVAL_NOTIFY)


def post(request: ApprovalRequest, channel: str) -> Owed:
    return Owed(APPROVAL_POST, request.id, channel, _about(request))


def show(request: ApprovalRequest, channel: str, *, tell: bool) -> list[Owed]:
    """The message edit for a step, and the requester's message when the step ends it."""
    owed = [Owed(APPROVAL_UPDATE, request.id, request.message_channel or channel, _about(request))]
    if tell:
        about = {**_about(request), "status": request.status.value}
        owed.append(Owed(APPROVAL_NOTIFY, request.id, request.requester, about))
    return owed


def _about(request: ApprovalRequest) -> dict[str, str]:
    # What the audit events of its delivery name, without reading the request back.
    return {"room_id": request.room_id, "room_name": request.room_name}
