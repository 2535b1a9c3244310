"""The approval workflow's Slack side: the request message in APPROVAL_CHANNEL, updated in
place, and the requester's direct message, all sent through the outbox.

The composers turn an `approval.*` outbox row into what is sent, from the request as it is
at that moment (bot/approvals/owed.py); their `sent` and `undelivered` hooks record, in the
transaction that settles the row, where the message is and what happened (audit).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.approvals.model import ApprovalRequest
from bot.approvals.owed import APPROVAL_NOTIFY, APPROVAL_POST, APPROVAL_UPDATE
from bot.approvals.policy import SYSTEM, ApprovalPolicy
from bot.render.kit import Reply
from bot.services.delivery import Composer, Defer, Outgoing, Post, Update
from bot.settings import Settings
from bot.slack.blocks.approvals import render_outcome_notice, render_request
from bot.slack.blocks.context import RenderContext
from bot.slack.buttons import ButtonSigner
from bot.store.audit import NewAuditEvent
from bot.store.outbox import PENDING, OutboxEntry
from bot.store.store import Store

# How soon an edit whose message is not posted yet looks again.
EDIT_WAIT_SECONDS = 1.0
_ACTIONS = {APPROVAL_POST: "post", APPROVAL_UPDATE: "update", APPROVAL_NOTIFY: "notify"}


class ApprovalRenderer:
    def __init__(
        self, signer: ButtonSigner, policy: ApprovalPolicy, clock: Callable[[], datetime]
    ) -> None:
        self._signer = signer
        self._policy = policy
        self._clock = clock

    def request(self, request: ApprovalRequest) -> Reply:
        ctx = RenderContext(now=self._clock(), buttons=self._signer)
        return render_request(request, ctx, approvers=self._policy.approvers)

    def notice(self, request: ApprovalRequest) -> Reply:
        ctx = RenderContext(now=self._clock(), buttons=self._signer)
        return render_outcome_notice(request, ctx)


class _ApprovalComposer:
    def __init__(
        self, store: Store, render: ApprovalRenderer, clock: Callable[[], datetime]
    ) -> None:
        self.store = store
        self.render = render
        self.clock = clock

    async def sent(
        self, connection: AsyncConnection, entry: OutboxEntry, channel: str, ts: str | None
    ) -> None:
        return None

    async def undelivered(
        self, connection: AsyncConnection, entry: OutboxEntry, error: str
    ) -> None:
        """Given up on (refused for good, or not taken within a day): the audit says so,
        and /rooms approvals shows it (bot/slack/subcommands/approvals.py)."""
        await self._audit(connection, entry, "undelivered", error)

    async def _audit(
        self, connection: AsyncConnection, entry: OutboxEntry, outcome: str, detail: str | None
    ) -> None:
        payload = entry.payload
        event = NewAuditEvent(
            actor=SYSTEM,
            action=_ACTIONS.get(entry.kind, entry.kind),
            outcome=outcome,
            request_id=entry.subject,
            room_id=_text(payload.get("room_id")),
            room_name=_text(payload.get("room_name")),
            detail=detail,
        )
        await self.store.audit.add(connection, event, at=self.clock())


class ApprovalPostComposer(_ApprovalComposer):
    """The request's message, showing the request as it is when it is sent (a request
    decided before Slack took its message is posted decided, without buttons)."""

    async def compose(self, entry: OutboxEntry) -> Outgoing:
        request = await self.store.approvals.get(entry.subject)
        if request is None:
            return None
        reply = self.render.request(request)
        return Post(
            channel=entry.channel,
            text=reply.payload()["text"],
            blocks=reply.blocks,
            extra={"unfurl_links": False, "unfurl_media": False},
        )

    async def sent(
        self, connection: AsyncConnection, entry: OutboxEntry, channel: str, ts: str | None
    ) -> None:
        if ts is not None:
            await self.store.approvals.set_message_on(connection, entry.subject, channel, ts)
        await self._audit(connection, entry, "posted", f"{channel} {ts}")


class ApprovalUpdateComposer(_ApprovalComposer):
    """The request's message edited to its current state: idempotent, always the latest."""

    async def compose(self, entry: OutboxEntry) -> Outgoing:
        request = await self.store.approvals.get(entry.subject)
        if request is None:
            return None
        if not request.message_channel or not request.message_ts:
            posts = [
                row
                for row in await self.store.outbox.for_subject(entry.subject)
                if row.kind == APPROVAL_POST
            ]
            if any(row.status == PENDING for row in posts):
                return Defer(EDIT_WAIT_SECONDS)  # edit the message once it exists
            return None  # never posted: the post, if any, shows the latest state itself
        reply = self.render.request(request)
        return Update(
            channel=request.message_channel,
            ts=request.message_ts,
            text=reply.payload()["text"],
            blocks=reply.blocks,
        )


class ApprovalNotifyComposer(_ApprovalComposer):
    """The requester's direct message about how their request ended."""

    async def compose(self, entry: OutboxEntry) -> Outgoing:
        request = await self.store.approvals.get(entry.subject)
        if request is None:
            return None
        reply = self.render.notice(request)
        return Post(
            channel=entry.channel,
            text=reply.payload()["text"],
            blocks=reply.blocks,
            extra={"unfurl_links": False},
        )

    async def sent(
        self, connection: AsyncConnection, entry: OutboxEntry, channel: str, ts: str | None
    ) -> None:
        await self._audit(connection, entry, _text(entry.payload.get("status")) or "sent", None)


def approval_composers(
    store: Store, settings: Settings, signer: ButtonSigner, clock: Callable[[], datetime]
) -> dict[str, Composer]:
    render = ApprovalRenderer(signer, approval_policy(settings), clock)
    return {
        APPROVAL_POST: ApprovalPostComposer(store, render, clock),
        APPROVAL_UPDATE: ApprovalUpdateComposer(store, render, clock),
        APPROVAL_NOTIFY: ApprovalNotifyComposer(store, render, clock),
    }


def approval_policy(settings: Settings) -> ApprovalPolicy:
    return ApprovalPolicy(
        channel=settings.approval_channel,
        approvers=settings.approvers,
        requesters=settings.requesters,
        allow_self_approval=settings.allow_self_approval,
        ttl=timedelta(hours=settings.approval_ttl_hours),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
