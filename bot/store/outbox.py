"""The outbox: every Slack message RoomOps owes, as a row written in the same transaction as
the change that owes it, until a deliverer (bot/services/delivery.py) has sent it.

A row's life (each arrow one conditional UPDATE by the deliverer holding the row):

    pending --claim_due--> pending, leased to an owner --mark_sent--------> sent
       ^                          |  \\--mark_undelivered--> undelivered
       \\------retry_later--------/   \\--drop--------------> dropped

A claim is a lease: a deliverer that dies (or whose database blips) while holding a row
leaves a lease that runs out, and the row is due again, marked `ambiguous` because the
message may have reached Slack; the next deliverer looks for it before posting again.
Only the current holder may record an outcome (the `owner` argument of each call).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.owed import Owed
from bot.store.schema import OutboxRow, as_utc

PENDING = "pending"
SENT = "sent"
UNDELIVERED = "undelivered"
DROPPED = "dropped"

MAX_LIST = 200
MAX_ERROR = 500


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    kind: str
    subject: str
    channel: str
    payload: dict[str, Any]
    status: str  # "pending" | "sent" | "undelivered" | "dropped"
    created_at: datetime
    due_at: datetime
    attempts: int
    last_error: str | None  # Slack's error code or "HTTP 500", never a token
    ambiguous: bool  # an earlier try may have reached Slack: look before posting
    sent_channel: str | None
    sent_ts: str | None
    sent_at: datetime | None


class Outbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    # -- writing what is owed --------------------------------------------------------------

    async def add(self, connection: AsyncConnection, owed: Owed, *, at: datetime) -> int:
        """Write the row inside the caller's open transaction (the state change that owes
        the message commits with it, or neither does); returns its id."""
        at = as_utc(at)
        statement = (
            insert(OutboxRow)
            .values(
                kind=owed.kind,
                subject=owed.subject,
                channel=owed.channel,
                payload=dict(owed.payload),
                status=PENDING,
                created_at=at,
                due_at=at,
                attempts=0,
                ambiguous=False,
            )
            .returning(OutboxRow.id)
        )
        return int((await connection.execute(statement)).scalar_one())

    async def enqueue(self, owed: Owed, *, at: datetime) -> int:
        """`add` in a transaction of its own."""
        async with self._engine.begin() as connection:
            return await self.add(connection, owed, at=at)

    # -- reading ---------------------------------------------------------------------------

    async def get(self, entry_id: int) -> OutboxEntry | None:
        rows = await self._select(select(OutboxRow).where(OutboxRow.id == entry_id))
        return rows[0] if rows else None

    async def for_subject(self, subject: str) -> list[OutboxEntry]:
        """The subject's rows, oldest first."""
        return await self._select(
            select(OutboxRow).where(OutboxRow.subject == subject).order_by(OutboxRow.id)
        )

    async def undelivered(self, *, limit: int = 50) -> list[OutboxEntry]:
        """Rows given up on, newest first."""
        return await self._select(
            select(OutboxRow)
            .where(OutboxRow.status == UNDELIVERED)
            .order_by(OutboxRow.id.desc())
            .limit(min(limit, MAX_LIST))
        )

    # -- the deliverer's ---------------------------------------------------------------------

    async def claim_due(
        self,
        owner: str,
        *,
        at: datetime,
        lease: timedelta,
        limit: int,
        only: Collection[int] | None = None,
    ) -> list[OutboxEntry]:
        """Lease up to `limit` due rows to `owner`, oldest first.

        Due: pending, `due_at` reached, and nobody's lease running. A row whose lease ran
        out comes back ambiguous. One statement: on PostgreSQL its subquery locks the rows
        it picks and skips rows another replica's claim has locked (FOR UPDATE SKIP
        LOCKED), so two replicas never lease the same row; SQLite's single writer does
        the same by itself. `only`: just these rows (a command delivering its own).
        """
        at = as_utc(at)
        due = (
            select(OutboxRow.id)
            .where(
                OutboxRow.status == PENDING,
                OutboxRow.due_at <= at,
                OutboxRow.lease_until.is_(None) | (OutboxRow.lease_until <= at),
            )
            # Oldest written first: a post comes before the chart or edit that follows it.
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        if only is not None:
            due = due.where(OutboxRow.id.in_(list(only)))
        if self._engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        statement = (
            update(OutboxRow)
            .where(OutboxRow.id.in_(due.scalar_subquery()))
            .values(
                owner=owner,
                lease_until=at + lease,
                attempts=OutboxRow.attempts + 1,
                # A lease still set here ran out while its holder was sending.
                ambiguous=OutboxRow.ambiguous | OutboxRow.lease_until.is_not(None),
            )
            .returning(OutboxRow)
        )
        async with self._engine.begin() as connection:
            rows = (await connection.execute(statement)).all()
        entries = [_entry(row) for row in rows]
        return sorted(entries, key=lambda e: e.id)

    async def mark_sent(
        self,
        entry_id: int,
        owner: str,
        *,
        channel: str | None,
        ts: str | None,
        at: datetime,
        also: Callable[[AsyncConnection], Awaitable[None]] | None = None,
    ) -> bool:
        """Slack took it; `also` runs in the same transaction (e.g. recording the approval
        request's message ts). False when `owner` no longer holds the row."""
        async with self._engine.begin() as connection:
            changed = await self._finish(
                connection,
                entry_id,
                owner,
                status=SENT,
                sent_channel=channel,
                sent_ts=ts,
                sent_at=as_utc(at),
            )
            if changed and also is not None:
                await also(connection)
            return changed

    async def retry_later(
        self,
        entry_id: int,
        owner: str,
        *,
        at: datetime,
        wait: timedelta,
        error: str | None,
        ambiguous: bool,
    ) -> bool:
        """Not this time: due again after `wait` (`error` None keeps the last one).
        `ambiguous` (Slack may have taken it) sticks until the row is sent: a later clean
        refusal does not undo an earlier dropped connection."""
        values: dict[str, Any] = {"due_at": as_utc(at) + wait}
        if error is not None:
            values["last_error"] = _error(error)
        async with self._engine.begin() as connection:
            return await self._finish(
                connection,
                entry_id,
                owner,
                status=PENDING,
                ambiguous=OutboxRow.ambiguous | ambiguous,
                **values,
            )

    async def mark_undelivered(
        self,
        entry_id: int,
        owner: str,
        *,
        at: datetime,
        error: str,
        also: Callable[[AsyncConnection], Awaitable[None]] | None = None,
    ) -> bool:
        """Given up on: Slack refused it for good, or it was owed for too long. `due_at`
        becomes the moment it was given up; `also` runs in the same transaction (e.g.
        reopening the digest claim, so the day can be posted again)."""
        async with self._engine.begin() as connection:
            changed = await self._finish(
                connection,
                entry_id,
                owner,
                status=UNDELIVERED,
                due_at=as_utc(at),
                last_error=_error(error),
            )
            if changed and also is not None:
                await also(connection)
            return changed

    async def drop(self, entry_id: int, owner: str, *, at: datetime, why: str) -> bool:
        """Nothing left to send (its subject no longer needs it)."""
        async with self._engine.begin() as connection:
            return await self._finish(
                connection,
                entry_id,
                owner,
                status=DROPPED,
                due_at=as_utc(at),
                last_error=_error(why),
            )

    async def prune(self, *, before: datetime) -> int:
        """Forget finished rows (sent, undelivered, dropped) that finished before `before`;
        pending ones are never touched. Returns how many."""
        statement = (
            delete(OutboxRow)
            .where(
                OutboxRow.status.in_((SENT, UNDELIVERED, DROPPED)),
                # A finished row's due_at is when it finished (or its last try, if sent).
                func.coalesce(OutboxRow.sent_at, OutboxRow.due_at) < as_utc(before),
            )
            .returning(OutboxRow.id)
        )
        async with self._engine.begin() as connection:
            return len((await connection.execute(statement)).all())

    async def _finish(
        self, connection: AsyncConnection, entry_id: int, owner: str, **values: Any
    ) -> bool:
        statement = (
            update(OutboxRow)
            .where(
                OutboxRow.id == entry_id,
                OutboxRow.owner == owner,
                OutboxRow.status == PENDING,
            )
            .values(owner=None, lease_until=None, **values)
            .returning(OutboxRow.id)
        )
        return (await connection.execute(statement)).first() is not None

    async def _select(self, statement: Select[Any]) -> list[OutboxEntry]:
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [_entry(row) for row in rows]


def _error(text: str) -> str:
    return text[:MAX_ERROR]


def _entry(row: Any) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        kind=row.kind,
        subject=row.subject,
        channel=row.channel,
        payload=dict(row.payload or {}),
        status=row.status,
        created_at=row.created_at,
        due_at=row.due_at,
        attempts=row.attempts,
        last_error=row.last_error,
        ambiguous=bool(row.ambiguous),
        sent_channel=row.sent_channel,
        sent_ts=row.sent_ts,
        sent_at=row.sent_at,
    )
