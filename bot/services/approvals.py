"""The approval workflow: ask, decide, apply, retry, expire, resume.

Every move of a request is one compare-and-set in the store (bot/store/approvals.py), so a
double click, two approvers or two replicas racing apply a change at most once; the
provider is written to only by the caller that won `begin_apply`, after re-reading the
room, and only that attempt's owner records its outcome. Every step appends an audit
event. The messages themselves (the request's message, its edits, the requester's direct
message) are outbox rows written with each step (bot/approvals/owed.py) and sent by the
deliverer; Slack is asked directly only for a posted request's link, through the services'
Slack port. This module knows nothing of Block Kit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.approvals import owed
from bot.approvals.diff import ApplyPlan, StaleField, changes_for, plan_apply
from bot.approvals.errors import (
    AlreadyDecided,
    ApprovalOutcomeUnknown,
    ApprovalRefused,
    NoChange,
    RequestExpired,
    UnknownRequest,
)
from bot.approvals.model import ApprovalRequest, ApprovalStatus, NewApproval
from bot.approvals.policy import SYSTEM, ApprovalPolicy, mention
from bot.owed import Owed
from bot.providers.base import VideoProvider, provider_label
from bot.providers.catalogue import FieldValue, JsonValue
from bot.providers.errors import ProviderError
from bot.providers.http import RetryPolicy
from bot.providers.models import Room
from bot.references import new_reference
from bot.render.text import clip, escape
from bot.services.delivery import Deliverer
from bot.services.reads import ReadService
from bot.services.settle import Unsettled
from bot.services.slack_port import SlackAnswered, SlackPort
from bot.store.approvals import NOTHING, Also
from bot.store.audit import AuditEvent, NewAuditEvent
from bot.store.errors import DatabaseUnavailable
from bot.store.outbox import PENDING, SENT, OutboxEntry
from bot.store.store import Store

log = logging.getLogger("bot.approvals")

# One attempt's fresh GET and PUT, each bounded by the provider's retry budget, with room
# to spare; past it the attempt gives up and is marked failed (Retry re-reads first).
APPLY_BUDGET_SECONDS = 2 * RetryPolicy().total_seconds + 30
# An attempt to apply older than this, still unfinished, belongs to a process that died:
# well past APPLY_BUDGET_SECONDS, so a live but slow attempt is never taken over. Should
# one be all the same, the attempt numbers keep its late outcome from counting.
TAKE_OVER_AFTER = timedelta(minutes=5)
REASON_LIMIT = 500
UNDELIVERED_SHOWN = timedelta(days=7)
# How long `/rooms update` waits for Slack to take the request's message, so its reply can
# link to it; past this it says the message will appear once Slack takes it.
POST_WAIT_SECONDS = 2.5


@dataclass(frozen=True)
class Requested:
    request: ApprovalRequest
    channel: str
    link: str | None
    posted: bool
    problem: str | None = None  # why posting failed, when it did
    # Not in Slack yet, and not given up on: it appears as soon as Slack takes it.
    waiting: bool = False


@dataclass(frozen=True)
class Decided:
    """What a click came to: the request as it ended up, and whether this click decided it."""

    request: ApprovalRequest
    approved: bool


class ApprovalService:
    def __init__(
        self,
        *,
        store: Store,
        reads: ReadService,
        slack: SlackPort,
        deliverer: Deliverer | None,
        policy: ApprovalPolicy,
        clock: Callable[[], datetime],
        unsettled: Unsettled | None = None,
    ) -> None:
        self.store = store
        self.reads = reads
        self.slack = slack
        # Sends the rows each step writes; None where nothing delivers them (then they
        # wait in the outbox for a process that does).
        self.deliverer = deliverer
        self.policy = policy
        self.clock = clock
        # What this process could not record while the database was down: settled by the
        # approvals' jobs (bot/services/approval_jobs.py).
        self.unsettled = unsettled if unsettled is not None else Unsettled()

    @property
    def provider(self) -> VideoProvider:
        return self.reads.provider

    # -- asking ----------------------------------------------------------------------------

    def check_can_request(self, user: str | None) -> None:
        """What refuses a request before anything is read: settings, then the requester."""
        self.policy.check_enabled()
        self.policy.check_requester(user)

    async def current_room(self, ref: str) -> Room:
        """The room `ref` names (id, or name in any case), as the provider has it now."""
        room = await self.reads.room(ref)
        if room.id is None:
            return room
        return await self.provider.get_room(room.id, include_active_session=False, fresh=True)

    async def request(self, user: str, ref: str, requested: Mapping[str, FieldValue]) -> Requested:
        """Store a request for the fields that would change and post it for approval."""
        self.check_can_request(user)
        room = await self.current_room(ref)
        if not room.id:
            raise NoChange("That room has no id at the provider, so it cannot be updated.")
        changes = changes_for(room, requested)
        if not changes:
            raise NoChange(
                f"No change: {_room_label(room)} already has "
                + ", ".join(f"`{field}`" for field in requested)
                + " as asked. Nothing was stored or sent."
            )
        channel = self.policy.channel
        assert channel is not None  # check_enabled
        now = self.clock()
        # The request, its audit event and its message in the outbox: one transaction. Should
        # the database stop on the way, nothing is stored and nothing will be posted.
        request, (post_id,) = await self.store.approvals.create_with(
            NewApproval(
                provider=self.provider.name,
                room_id=room.id,
                room_name=room.name or room.id,
                requester=user,
                changes=changes,
            ),
            at=now,
            ttl=self.policy.ttl,
            also=lambda new: Also(
                audit=[_event(user, "request", "pending", new, _changes_detail(new))],
                owed=[owed.post(new, channel)],
            ),
        )
        self._owed()
        try:
            entry = await self._wait_posted(post_id)
        except DatabaseUnavailable:
            entry = None  # stored, and owed: the deliverer posts it once it can
        if entry is None or entry.status == PENDING:
            return Requested(request, channel, None, posted=False, waiting=True)
        if entry.status != SENT or not entry.sent_channel or not entry.sent_ts:
            problem = f"Slack answered {entry.last_error or 'an error'}"
            return Requested(request, channel, None, posted=False, problem=problem)
        link = await self._permalink(entry.sent_channel, entry.sent_ts)
        return Requested(request, entry.sent_channel, link, posted=True)

    # -- deciding --------------------------------------------------------------------------

    async def decide(self, request_id: str, user: str | None, *, approve: bool) -> Decided:
        """One click on Approve or Reject: checked, then one compare-and-set; the winner of
        an approval goes on to apply it."""
        request = await self._known(request_id)
        action = "approve" if approve else "reject"
        try:
            self.policy.check_decider(user, request.requester)
        except ApprovalRefused as refused:
            await self._audit(user or "unknown", action, "refused", request, refused.audit)
            raise
        assert user is not None  # an approver
        now = self.clock()
        target = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        # The decision, its audit event and the message edit (and, for a rejection, the
        # requester's message) are one transaction.
        decided_view = replace(request, status=target, decider=user, decided_at=now)
        won = await self.store.approvals.decide(
            request.id,
            ApprovalStatus.PENDING,
            target,
            user,
            now,
            also=Also(
                audit=[_event(user, action, target.value, request)],
                owed=self._show(decided_view, tell=not approve),
            ),
        )
        if not won:
            await self._lost(request.id, user, action, now)
        self._owed()
        try:
            if not approve:
                return Decided(await self._get(request.id), approved=False)
            attempt = await self.store.approvals.begin_apply(request.id, self.clock())
            if attempt is None:
                return Decided(await self._get(request.id), approved=True)
        except DatabaseUnavailable:
            # The decision is stored; nothing was sent to the provider.
            if approve:
                self.unsettled.remember(request.id, None)
            raise ApprovalOutcomeUnknown(_decided_not_sent(request, approve)) from None
        return Decided(await self._apply_owned(request.id, user, attempt), approved=True)

    async def retry(self, request_id: str, user: str | None) -> ApprovalRequest:
        """An approver's Retry on a failed request: re-read, re-check, apply once."""
        request = await self._known(request_id)
        try:
            # Any approver: the decision was made already, by someone else if need be.
            self.policy.check_approver(user)
        except ApprovalRefused as refused:
            await self._audit(user or "unknown", "retry", "refused", request, refused.audit)
            raise
        assert user is not None
        if request.status is not ApprovalStatus.FAILED:
            raise AlreadyDecided(
                f"Request `{request.id}` is {request.status.value}, so there is nothing to retry."
            )
        attempt = await self.store.approvals.begin_apply(
            request.id,
            self.clock(),
            retry=True,
            also=Also(audit=[_event(user, "retry", "applying", request)]),
        )
        if attempt is None:
            raise AlreadyDecided(
                f"Someone else is already retrying request `{request.id}`; watch its message."
            )
        return await self._apply_owned(request.id, user, attempt)

    # -- applying --------------------------------------------------------------------------

    async def _apply_owned(self, request_id: str, actor: str, attempt: int) -> ApprovalRequest:
        """This caller holds `attempt` of the 'applying' state: re-read the room, then PUT,
        stale or done. Every ending is stored, audited, shown in the message and told,
        unless the attempt was taken over meanwhile (then the new owner does all that).

        Should the database stop answering on the way, the attempt is remembered for
        settling and ApprovalOutcomeUnknown says whether the change was sent."""
        sent: list[bool] = []
        try:
            return await self._apply_attempt(request_id, actor, attempt, sent)
        except DatabaseUnavailable:
            self.unsettled.remember(request_id, attempt)
            log.warning(
                "request %s: the database stopped answering while applying (change %s); "
                "it is settled once the database answers",
                request_id,
                "sent" if sent else "not sent",
            )
            raise ApprovalOutcomeUnknown(
                _applied_unrecorded(request_id, self.provider.label, sent=bool(sent))
            ) from None

    async def _apply_attempt(
        self, request_id: str, actor: str, attempt: int, sent: list[bool]
    ) -> ApprovalRequest:
        request = await self._get(request_id)
        if request.provider != self.provider.name:
            # The fields and the room id are the other provider's: nothing here to send.
            reason = (
                f"this request was made for {provider_label(request.provider)}, and RoomOps "
                f"now runs on {self.provider.label}; ask again with `/rooms update`"
            )
            return await self._end(request, actor, attempt, ApprovalStatus.FAILED, reason)
        try:
            async with asyncio.timeout(APPLY_BUDGET_SECONDS):
                room = await self.provider.get_room(
                    request.room_id, include_active_session=False, fresh=True
                )
                plan = plan_apply(request.changes, room)
                if not plan.is_stale and plan.send:
                    sent.append(True)  # from here on, the change may have reached the provider
                    await self.provider.update_room(request.room_id, plan.send)
        except ProviderError as exc:
            return await self._end(request, actor, attempt, ApprovalStatus.FAILED, _describe(exc))
        except TimeoutError:
            reason = (
                f"{self.provider.label} did not finish within {APPLY_BUDGET_SECONDS:.0f} s; "
                "Retry checks the room again before sending anything"
            )
            return await self._end(request, actor, attempt, ApprovalStatus.FAILED, reason)
        except Exception:
            # A bug or a reply nobody expected: the request must not stay 'applying'.
            reference = new_reference()
            log.exception("applying request %s failed [ref %s]", request.id, reference)
            reason = f"RoomOps failed while applying; reference {reference}"
            return await self._end(request, actor, attempt, ApprovalStatus.FAILED, reason)
        if plan.is_stale:
            reason = stale_reason(plan.stale)
            return await self._end(request, actor, attempt, ApprovalStatus.STALE, reason)
        return await self._end(request, actor, attempt, ApprovalStatus.APPLIED, None, plan)

    async def _end(
        self,
        request: ApprovalRequest,
        actor: str,
        attempt: int,
        status: ApprovalStatus,
        reason: str | None,
        plan: ApplyPlan | None = None,
    ) -> ApprovalRequest:
        """Record how `attempt` ended; if it is no longer the request's latest attempt, only
        say what the request is now."""
        at, approvals = self.clock(), self.store.approvals
        detail = _sent_detail(plan) if plan is not None else reason
        ended = replace(request, status=status, failure_reason=reason, finished_at=at)
        # The outcome, its audit event, the message edit and the requester's message: one
        # transaction, so a recorded outcome is always shown and told.
        also = Also(
            audit=[_event(actor, "apply", status.value, request, detail)],
            owed=self._show(ended, tell=True),
        )
        if status is ApprovalStatus.APPLIED:
            recorded = await approvals.mark_applied(request.id, at, attempt=attempt, also=also)
        elif status is ApprovalStatus.STALE:
            assert reason is not None
            recorded = await approvals.mark_stale(
                request.id, reason, at, attempt=attempt, also=also
            )
        else:
            assert reason is not None
            recorded = await approvals.mark_failed(
                request.id, reason, at, attempt=attempt, also=also
            )
        if not recorded:
            log.warning(
                "attempt %d at request %s ended %s after it was taken over; not recorded",
                attempt,
                request.id,
                status.value,
            )
            return await self._get(request.id)
        self._owed()
        try:
            return await self._get(request.id)
        except DatabaseUnavailable:
            return ended  # recorded: what it is now is known without reading it back

    # -- time running out, and restarts ------------------------------------------------------

    async def expire_due(self) -> list[ApprovalRequest]:
        """Expire every pending request past its time, and show it (periodic job)."""
        expired = await self.store.approvals.expire_due(
            self.clock(),
            also=lambda request: Also(
                audit=[_event(SYSTEM, "expire", "expired", request)],
                owed=self._show(request, tell=True),
            ),
        )
        if expired:
            self._owed()
        return expired

    async def resume_unfinished(self) -> list[ApprovalRequest]:
        """Finish what a process died in the middle of: approved requests nobody began
        applying, and attempts that began long ago. Re-reading the room first makes a PUT
        that already landed count as done, never as a second change."""
        now = self.clock()
        resumed: list[ApprovalRequest] = []
        for request in await self.store.approvals.unfinished(older_than=now - TAKE_OVER_AFTER):
            try:
                finished = await self._resume(request, now)
            except Exception:  # one bad request must not keep the job from the others
                log.exception("resuming request %s failed", request.id)
                continue
            if finished is not None:
                resumed.append(finished)
        return resumed

    async def settle_unrecorded(self) -> list[ApprovalRequest]:
        """Finish, as soon as the database answers again, what this process could not
        record while it was down (see bot/services/settle.py). Raises DatabaseUnavailable
        while it still does not answer; what is left is tried again next time."""
        settled: list[ApprovalRequest] = []
        for request_id, attempt in self.unsettled.items():
            request = await self.store.approvals.get(request_id)
            now = self.clock()
            new_attempt: int | None = None
            also = (
                Also(audit=[_event(SYSTEM, "settle", "applying", request)])
                if request is not None
                else NOTHING
            )
            if request is not None and request.status is ApprovalStatus.APPROVED:
                new_attempt = await self.store.approvals.begin_apply(request_id, now, also=also)
            elif (
                request is not None
                and request.status is ApprovalStatus.APPLYING
                and attempt is not None
            ):
                new_attempt = await self.store.approvals.take_over_attempt(
                    request_id, attempt=attempt, at=now, also=also
                )
            # Anything else was recorded after all, or another process owns it now.
            self.unsettled.forget(request_id)
            if request is None or new_attempt is None:
                continue
            try:
                settled.append(await self._apply_owned(request_id, SYSTEM, new_attempt))
            except ApprovalOutcomeUnknown:
                continue  # remembered again with its new attempt
            except DatabaseUnavailable:
                self.unsettled.remember(request_id, new_attempt)
                raise
        return settled

    async def _resume(self, request: ApprovalRequest, now: datetime) -> ApprovalRequest | None:
        also = Also(audit=[_event(SYSTEM, "resume", "applying", request)])
        if request.status is ApprovalStatus.APPROVED:
            attempt = await self.store.approvals.begin_apply(request.id, now, also=also)
        else:
            attempt = await self.store.approvals.take_over(
                request.id, started_before=now - TAKE_OVER_AFTER, at=now, also=also
            )
        if attempt is None:
            return None
        return await self._apply_owned(request.id, SYSTEM, attempt)

    # -- reading -------------------------------------------------------------------------

    async def pending(self) -> list[ApprovalRequest]:
        return await self.store.approvals.list_pending(now=self.clock())

    async def undelivered_messages(self) -> list[OutboxEntry]:
        """Approval messages given up on (refused by Slack for good, or not taken in time)
        within the last UNDELIVERED_SHOWN: news for whoever lists approvals, not history
        (the audit keeps that)."""
        since = self.clock() - UNDELIVERED_SHOWN
        return [
            entry
            for entry in await self.store.outbox.undelivered()
            if entry.kind in owed.APPROVAL_KINDS and entry.created_at >= since
        ]

    async def audit(self, room: str | None, limit: int) -> list[AuditEvent]:
        return await self.store.audit.list_recent(room=room, limit=limit)

    # -- internals -----------------------------------------------------------------------

    def _owed(self) -> None:
        """Rows were just written: deliver them now rather than at the next poll."""
        if self.deliverer is not None:
            self.deliverer.poke()

    async def _wait_posted(self, entry_id: int) -> OutboxEntry | None:
        """The request's post row once Slack took it or it was given up on; None when
        neither happened within a moment (it is still owed and will be delivered)."""
        if self.deliverer is None:
            return None
        return await self.deliverer.wait_delivered(entry_id, POST_WAIT_SECONDS)

    async def _permalink(self, channel: str, ts: str) -> str | None:
        try:
            link = await self.slack.permalink(channel, ts)
        except SlackAnswered:
            return None  # the confirmation names the channel instead
        return link if link is not None and link.startswith("https://") else None

    async def _known(self, request_id: str) -> ApprovalRequest:
        request = await self.store.approvals.get(request_id)
        if request is None:
            raise UnknownRequest(
                "RoomOps has no approval request with that id here (it may belong to another "
                "workspace or database). Nothing was changed."
            )
        return request

    async def _get(self, request_id: str) -> ApprovalRequest:
        request = await self.store.approvals.get(request_id)
        if request is None:  # requests are never deleted
            raise RuntimeError(f"approval request {request_id} vanished from the store")
        return request

    async def _lost(self, request_id: str, user: str, action: str, now: datetime) -> None:
        """A decision that lost its compare-and-set: expired, or decided by someone else."""
        request = await self._get(request_id)
        if request.status is ApprovalStatus.PENDING and request.expires_at <= now:
            expired = replace(request, status=ApprovalStatus.EXPIRED, finished_at=now)
            also = Also(
                audit=[_event(SYSTEM, "expire", "expired", request)],
                owed=self._show(expired, tell=True),
            )
            if await self.store.approvals.mark_expired(request.id, now, also=also):
                self._owed()
            request = await self._get(request.id)
        await self._audit(user, action, "lost", request, f"already {request.status.value}")
        if request.status is ApprovalStatus.EXPIRED:
            raise RequestExpired(
                f"Request `{request.id}` expired before it was decided, so it can no longer be "
                "approved or rejected. Nothing was changed; ask again if it is still wanted."
            )
        by = mention(request.decider)
        raise AlreadyDecided(
            f"Request `{request.id}` was already {_decided_word(request.status)} by {by}. "
            "Your click changed nothing."
        )

    def _show(self, request: ApprovalRequest, *, tell: bool) -> list[Owed]:
        """The messages a step owes: the request message's edit and, once the request has
        ended, the requester's message. Delivered by the outbox until Slack takes them."""
        return owed.show(request, self.policy.channel or "", tell=tell)

    async def _audit(
        self,
        actor: str,
        action: str,
        outcome: str,
        request: ApprovalRequest,
        detail: str | None = None,
    ) -> None:
        await self.store.audit.append(
            _event(actor, action, outcome, request, detail), at=self.clock()
        )


def _event(
    actor: str, action: str, outcome: str, request: ApprovalRequest, detail: str | None = None
) -> NewAuditEvent:
    return NewAuditEvent(
        actor=actor,
        action=action,
        outcome=outcome,
        request_id=request.id,
        room_id=request.room_id,
        room_name=request.room_name,
        detail=detail,
    )


def _decided_not_sent(request: ApprovalRequest, approve: bool) -> str:
    if not approve:
        return (
            f"Your rejection of request `{request.id}` is recorded and nothing was sent to the "
            "provider; RoomOps' database stopped answering just after, so the request's "
            "message may take a moment to show it."
        )
    return (
        f"Your approval of request `{request.id}` is recorded, but RoomOps' database stopped "
        "answering before the change was sent, so nothing was sent to the provider yet. "
        "RoomOps applies it (after checking the room again) as soon as the database answers, "
        "and the request's message will show the outcome."
    )


def _applied_unrecorded(request_id: str, provider: str, *, sent: bool) -> str:
    if sent:
        return (
            f"The change of request `{request_id}` was sent to {provider}, but RoomOps' "
            "database stopped answering before the outcome could be recorded. RoomOps is "
            f"checking the room at {provider} and will show the outcome in the request's "
            "message as soon as the database answers again; it will not be sent twice."
        )
    return (
        f"RoomOps' database stopped answering while applying request `{request_id}`, before "
        f"anything was sent to {provider}. RoomOps applies it (after checking the room again) "
        "as soon as the database answers, and the request's message will show the outcome."
    )


def stale_reason(stale: tuple[StaleField, ...]) -> str:
    """Which fields changed since the request: what they were and what they are now."""
    parts = [
        f"{item.field} was {_show_value(item.was)} when asked and is now {_show_value(item.now)}"
        for item in stale
    ]
    return "the room changed since the request: " + "; ".join(parts) + "."


def _show_value(value: JsonValue) -> str:
    return "not set" if value is None else repr(value) if isinstance(value, str) else str(value)


def _room_label(room: Room) -> str:
    return f"`{escape(room.name or room.id)}`"


def _changes_detail(request: ApprovalRequest) -> str:
    return "; ".join(f"{c.field}: {c.old!r} -> {c.new!r}" for c in request.changes)


def _sent_detail(plan: ApplyPlan) -> str:
    sent = ", ".join(plan.send) or "nothing (already applied)"
    return f"sent {sent}" + (f"; already so: {', '.join(plan.already)}" if plan.already else "")


def _decided_word(status: ApprovalStatus) -> str:
    if status is ApprovalStatus.REJECTED:
        return "rejected"
    if status is ApprovalStatus.EXPIRED:
        return "expired"
    return "approved"


def _describe(exc: BaseException) -> str:
    return clip(str(exc) or type(exc).__name__, REASON_LIMIT)
