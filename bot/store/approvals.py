"""Approval requests: stored, decided by one compare-and-set, applied at most once.

The life of a request (every arrow is one conditional UPDATE; whoever's UPDATE changes the
row has won, everyone else is told they lost):

    pending --decide--> approved --begin_apply--> applying --> applied | failed | stale
       |  \\--decide--> rejected                      ^            |
       \\----expire---> expired            failed --retry (begin_apply)

A process killed after `decide` leaves the request 'approved'; one killed during the PUT
leaves it 'applying' with the time the attempt began. `unfinished` lists both once they
are older than a cut-off, and `begin_apply` / `take_over` let one replica resume each:
before applying, the resumer re-reads the room (as every apply does), which turns a PUT
that already landed into no change and a room changed since into 'stale'. Each attempt
has a number (`attempts`): only the owner of the latest one may record its outcome.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement

# The request's own types are pure (the renderers and the grammar use them too); they are
# re-exported here, where the store's callers have always found them.
from bot.approvals.model import (
    DECISIONS,
    FINAL,
    ApprovalRequest,
    ApprovalStatus,
    FieldChange,
    NewApproval,
)
from bot.owed import Owed
from bot.providers.catalogue import JsonValue
from bot.store.audit import Audit, NewAuditEvent
from bot.store.outage import bounded
from bot.store.outbox import Outbox
from bot.store.schema import ApprovalRequestRow, as_utc

__all__ = [
    "DECISIONS",
    "FINAL",
    "Also",
    "ApprovalRequest",
    "ApprovalStatus",
    "Approvals",
    "FieldChange",
    "JsonValue",
    "NewApproval",
]

MAX_LIST = 200


@dataclass(frozen=True)
class Also:
    """What a step of a request writes with it, in its transaction: its audit events and the
    Slack messages it owes (the outbox). A step that loses its compare-and-set writes none."""

    audit: Sequence[NewAuditEvent] = ()
    owed: Sequence[Owed] = ()


NOTHING = Also()


class Approvals:
    def __init__(self, engine: AsyncEngine, *, audit: Audit, outbox: Outbox) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._audit = audit
        self._outbox = outbox

    @bounded
    async def create(self, new: NewApproval, *, at: datetime, ttl: timedelta) -> ApprovalRequest:
        request, _ = await self.create_with(new, at=at, ttl=ttl)
        return request

    @bounded
    async def create_with(
        self,
        new: NewApproval,
        *,
        at: datetime,
        ttl: timedelta,
        also: Callable[[ApprovalRequest], Also] | None = None,
    ) -> tuple[ApprovalRequest, list[int]]:
        """Store a new pending request, with what `also` says it writes (its audit event and
        its message in the outbox): all of it, or none. Returns the request and the ids of
        the outbox rows written."""
        if not new.changes:
            raise ValueError("an approval request needs at least one field change")
        at = as_utc(at)
        row = ApprovalRequestRow(
            id=str(uuid.uuid4()),
            provider=new.provider,
            room_id=new.room_id,
            room_name=new.room_name,
            requester=new.requester,
            changes=[{"field": c.field, "old": c.old, "new": c.new} for c in new.changes],
            status=ApprovalStatus.PENDING.value,
            created_at=at,
            expires_at=at + ttl,
            attempts=0,
        )
        request = _request(row)
        async with self._sessions.begin() as session:
            session.add(row)
            await session.flush()
            written = await self._write(session, also(request) if also else NOTHING, at)
        return request, written

    @bounded
    async def get(self, request_id: str) -> ApprovalRequest | None:
        async with self._sessions() as session:
            row = await session.get(ApprovalRequestRow, request_id)
            return None if row is None else _request(row)

    @bounded
    async def list_pending(
        self, *, now: datetime | None = None, limit: int = 50
    ) -> list[ApprovalRequest]:
        """Pending requests, oldest first; with `now`, only those not yet past their expiry."""
        where: list[ColumnElement[bool]] = [
            ApprovalRequestRow.status == ApprovalStatus.PENDING.value
        ]
        if now is not None:
            where.append(ApprovalRequestRow.expires_at > now)
        return await self._list(where, limit, oldest_first=True)

    @bounded
    async def list_recent(self, *, limit: int = 20) -> list[ApprovalRequest]:
        return await self._list([], limit, oldest_first=False)

    @bounded
    async def unfinished(self, *, older_than: datetime, limit: int = 50) -> list[ApprovalRequest]:
        """Approved requests nobody began applying, and attempts to apply that began, both
        before `older_than`: what a process died in the middle of."""
        approved = (ApprovalRequestRow.status == ApprovalStatus.APPROVED.value) & (
            ApprovalRequestRow.decided_at < older_than
        )
        applying = (ApprovalRequestRow.status == ApprovalStatus.APPLYING.value) & (
            ApprovalRequestRow.apply_started_at < older_than
        )
        return await self._list([approved | applying], limit, oldest_first=True)

    @bounded
    async def decide(
        self,
        request_id: str,
        from_status: ApprovalStatus,
        to_status: ApprovalStatus,
        decider: str,
        at: datetime,
        also: Also = NOTHING,
    ) -> bool:
        """Approve or reject: True only for the one call whose UPDATE changed the row.

        A request past its expiry can no longer be decided (the caller marks it expired).
        """
        if from_status != ApprovalStatus.PENDING or to_status not in DECISIONS:
            raise ValueError(
                f"decide moves pending to approved or rejected, not {from_status} to {to_status}"
            )
        return await self._move(
            request_id,
            (from_status,),
            {"status": to_status.value, "decider": decider, "decided_at": at},
            ApprovalRequestRow.expires_at > at,
            also=also,
            at=at,
        )

    @bounded
    async def begin_apply(
        self, request_id: str, at: datetime, *, retry: bool = False, also: Also = NOTHING
    ) -> int | None:
        """Take the right to apply: approved -> applying (or failed -> applying with `retry`).

        Returns the attempt number this caller now owns, or None when it did not win. Only
        the owner may send the change to the provider, and only the owner of the latest
        attempt may record how it ended (the `mark_*` calls take that number).
        """
        source = ApprovalStatus.FAILED if retry else ApprovalStatus.APPROVED
        return await self._claim(
            request_id,
            source,
            {
                "status": ApprovalStatus.APPLYING.value,
                "apply_started_at": at,
                "attempts": ApprovalRequestRow.attempts + 1,
                "failure_reason": None,
            },
            also=also,
            at=at,
        )

    @bounded
    async def take_over(
        self, request_id: str, *, started_before: datetime, at: datetime, also: Also = NOTHING
    ) -> int | None:
        """Resume an attempt to apply that began before `started_before` and never finished
        (its process died): the new attempt number for the one caller that now owns it.

        The previous owner, should it still be alive after all, can no longer record an
        outcome: its attempt number is no longer the request's.
        """
        return await self._claim(
            request_id,
            ApprovalStatus.APPLYING,
            {"apply_started_at": at, "attempts": ApprovalRequestRow.attempts + 1},
            ApprovalRequestRow.apply_started_at < started_before,
            also=also,
            at=at,
        )

    @bounded
    async def take_over_attempt(
        self, request_id: str, *, attempt: int, at: datetime, also: Also = NOTHING
    ) -> int | None:
        """Take over `attempt`, which its owner (this process) knows has ended without a
        recorded outcome: the new attempt number, or None when the request moved on."""
        return await self._claim(
            request_id,
            ApprovalStatus.APPLYING,
            {"apply_started_at": at, "attempts": ApprovalRequestRow.attempts + 1},
            ApprovalRequestRow.attempts == attempt,
            also=also,
            at=at,
        )

    @bounded
    async def mark_applied(
        self, request_id: str, at: datetime, *, attempt: int, also: Also = NOTHING
    ) -> bool:
        return await self._finish(request_id, attempt, ApprovalStatus.APPLIED, at, None, also)

    @bounded
    async def mark_failed(
        self, request_id: str, reason: str, at: datetime, *, attempt: int, also: Also = NOTHING
    ) -> bool:
        return await self._finish(request_id, attempt, ApprovalStatus.FAILED, at, reason, also)

    @bounded
    async def mark_stale(
        self, request_id: str, reason: str, at: datetime, *, attempt: int, also: Also = NOTHING
    ) -> bool:
        return await self._finish(request_id, attempt, ApprovalStatus.STALE, at, reason, also)

    @bounded
    async def mark_expired(self, request_id: str, at: datetime, *, also: Also = NOTHING) -> bool:
        """Expire one pending request whose time is up (e.g. when a click arrives late)."""
        return await self._move(
            request_id,
            (ApprovalStatus.PENDING,),
            {"status": ApprovalStatus.EXPIRED.value, "finished_at": at},
            ApprovalRequestRow.expires_at <= at,
            also=also,
            at=at,
        )

    @bounded
    async def expire_due(
        self, at: datetime, *, also: Callable[[ApprovalRequest], Also] | None = None
    ) -> list[ApprovalRequest]:
        """Expire every pending request past its time, each with what `also` says it writes;
        returns those this call expired."""
        statement = (
            update(ApprovalRequestRow)
            .where(
                ApprovalRequestRow.status == ApprovalStatus.PENDING.value,
                ApprovalRequestRow.expires_at <= at,
            )
            .values(status=ApprovalStatus.EXPIRED.value, finished_at=at)
            .returning(ApprovalRequestRow)
            .execution_options(synchronize_session=False)
        )
        async with self._sessions.begin() as session:
            rows = (await session.scalars(statement)).all()
            expired = sorted((_request(row) for row in rows), key=lambda r: (r.created_at, r.id))
            if also is not None:
                for request in expired:
                    await self._write(session, also(request), at)
            return expired

    @bounded
    async def set_message(self, request_id: str, channel: str, ts: str) -> bool:
        """Where the request was posted, so its message can be updated in place."""
        async with self._sessions.begin() as session:
            return await self.set_message_on(await session.connection(), request_id, channel, ts)

    async def set_message_on(
        self, connection: AsyncConnection, request_id: str, channel: str, ts: str
    ) -> bool:
        """Where the request was posted, so its message can be updated in place: inside the
        transaction that marks its outbox row sent."""
        result = await connection.execute(
            update(ApprovalRequestRow)
            .where(ApprovalRequestRow.id == request_id)
            .values(message_channel=channel, message_ts=ts)
            .returning(ApprovalRequestRow.id)
        )
        return result.first() is not None

    # -- internals -----------------------------------------------------------------------

    async def _finish(
        self,
        request_id: str,
        attempt: int,
        to_status: ApprovalStatus,
        at: datetime,
        reason: str | None,
        also: Also,
    ) -> bool:
        # Only the latest attempt's owner ends it: an owner whose attempt was taken over
        # (it was thought dead) is refused, so its late outcome cannot overwrite the new one.
        return await self._move(
            request_id,
            (ApprovalStatus.APPLYING,),
            {"status": to_status.value, "finished_at": at, "failure_reason": reason},
            ApprovalRequestRow.attempts == attempt,
            also=also,
            at=at,
        )

    async def _claim(
        self,
        request_id: str,
        from_status: ApprovalStatus,
        values: dict[str, Any],
        *conditions: ColumnElement[bool],
        also: Also,
        at: datetime,
    ) -> int | None:
        """A compare-and-set that starts an attempt: the attempt number it won, or None."""
        statement = (
            update(ApprovalRequestRow)
            .where(
                ApprovalRequestRow.id == request_id,
                ApprovalRequestRow.status == from_status.value,
                *conditions,
            )
            .values(**values)
            .returning(ApprovalRequestRow.attempts)
            .execution_options(synchronize_session=False)
        )
        async with self._sessions.begin() as session:
            attempt: int | None = (await session.execute(statement)).scalar_one_or_none()
            if attempt is not None:
                await self._write(session, also, at)
            return attempt

    async def _move(
        self,
        request_id: str,
        from_statuses: Sequence[ApprovalStatus],
        values: dict[str, Any],
        *conditions: ColumnElement[bool],
        also: Also,
        at: datetime,
    ) -> bool:
        # One UPDATE whose WHERE holds the expected status: the database lets exactly one
        # concurrent caller match it, on one connection or across replicas.
        statement = (
            update(ApprovalRequestRow)
            .where(
                ApprovalRequestRow.id == request_id,
                ApprovalRequestRow.status.in_([s.value for s in from_statuses]),
                *conditions,
            )
            .values(**values)
            .returning(ApprovalRequestRow.id)
            .execution_options(synchronize_session=False)
        )
        async with self._sessions.begin() as session:
            won = (await session.execute(statement)).first() is not None
            if won:
                await self._write(session, also, at)
            return won

    async def _write(self, session: AsyncSession, also: Also, at: datetime) -> list[int]:
        """The step's audit events and owed messages, in its transaction."""
        if not also.audit and not also.owed:
            return []
        connection = await session.connection()
        for event in also.audit:
            await self._audit.add(connection, event, at=at)
        return [await self._outbox.add(connection, owed, at=at) for owed in also.owed]

    async def _list(
        self, where: list[ColumnElement[bool]], limit: int, *, oldest_first: bool
    ) -> list[ApprovalRequest]:
        order = (
            (ApprovalRequestRow.created_at.asc(), ApprovalRequestRow.id.asc())
            if oldest_first
            else (ApprovalRequestRow.created_at.desc(), ApprovalRequestRow.id.desc())
        )
        statement = (
            select(ApprovalRequestRow)
            .where(*where)
            .order_by(*order)
            .limit(max(1, min(limit, MAX_LIST)))
        )
        async with self._sessions() as session:
            return [_request(row) for row in await session.scalars(statement)]


def _request(row: ApprovalRequestRow) -> ApprovalRequest:
    return ApprovalRequest(
        id=row.id,
        provider=row.provider,
        room_id=row.room_id,
        room_name=row.room_name,
        requester=row.requester,
        changes=tuple(
            FieldChange(field=str(c["field"]), old=c.get("old"), new=c.get("new"))
            for c in row.changes
        ),
        status=ApprovalStatus(row.status),
        created_at=row.created_at,
        expires_at=row.expires_at,
        decided_at=row.decided_at,
        decider=row.decider,
        apply_started_at=row.apply_started_at,
        attempts=row.attempts,
        finished_at=row.finished_at,
        message_channel=row.message_channel,
        message_ts=row.message_ts,
        failure_reason=row.failure_reason,
    )
