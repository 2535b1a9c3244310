"""Digest bookkeeping: exactly one post per (channel, day) across restarts and replicas,
and the channels subscribed to a daily digest.

A replica claims (channel, day) before it builds the digest; the claim is a lease, so a
replica that dies mid-way does not block the digest for good: once the lease has run out,
another may take the claim over. `mark_owed` closes it for ever in the same transaction
that writes the digest's messages to the outbox (bot/store/outbox.py), which delivers
them; `record_message` notes the post's ts once Slack has it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from bot.store.dialects import insert
from bot.store.schema import DigestClaimRow, DigestSubscriptionRow, as_utc


@dataclass(frozen=True)
class DigestClaim:
    channel: str
    day: date
    owner: str
    claimed_at: datetime
    lease_until: datetime
    posted_at: datetime | None
    message_ts: str | None


@dataclass(frozen=True)
class Subscription:
    channel: str
    post_time: time
    timezone: str
    created_by: str
    created_at: datetime


class Digests:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    # -- claims ----------------------------------------------------------------------------

    async def claim(
        self, channel: str, day: date, *, owner: str, lease_seconds: float, at: datetime
    ) -> bool:
        """True when `owner` now holds (channel, day): a new claim, a lease that ran out
        before `at` and was never posted, or its own lease (renewed)."""
        at = as_utc(at)
        values = {
            "channel": channel,
            "day": day,
            "owner": owner,
            "claimed_at": at,
            "lease_until": at + timedelta(seconds=lease_seconds),
        }
        statement = insert(self._engine.dialect.name, DigestClaimRow).values(**values)
        # One statement: insert, or take over in place. Two replicas racing both reach the
        # conflict; the database re-checks the WHERE on the row the first one wrote, so
        # the second finds a live lease and changes nothing.
        upsert = statement.on_conflict_do_update(
            index_elements=[DigestClaimRow.channel, DigestClaimRow.day],
            set_={
                "owner": statement.excluded.owner,
                "claimed_at": statement.excluded.claimed_at,
                "lease_until": statement.excluded.lease_until,
            },
            where=DigestClaimRow.posted_at.is_(None)
            & ((DigestClaimRow.lease_until <= at) | (DigestClaimRow.owner == owner)),
        ).returning(DigestClaimRow.owner)
        async with self._engine.begin() as connection:
            return (await connection.execute(upsert)).first() is not None

    async def mark_posted(
        self,
        channel: str,
        day: date,
        *,
        owner: str,
        at: datetime,
        message_ts: str | None = None,
    ) -> bool:
        """Close the claim; False when `owner` no longer holds it (its lease ran out and
        another replica took over) or it was already posted."""
        statement = self._mark(channel, day, owner, as_utc(at), message_ts)
        async with self._engine.begin() as connection:
            return (await connection.execute(statement)).first() is not None

    @staticmethod
    def _mark(channel: str, day: date, owner: str, at: datetime, message_ts: str | None) -> Any:
        return (
            update(DigestClaimRow)
            .where(
                DigestClaimRow.channel == channel,
                DigestClaimRow.day == day,
                DigestClaimRow.owner == owner,
                DigestClaimRow.posted_at.is_(None),
            )
            .values(posted_at=at, message_ts=message_ts)
            .returning(DigestClaimRow.owner)
        )

    async def mark_owed(
        self,
        channel: str,
        day: date,
        *,
        owner: str,
        at: datetime,
        force: bool = False,
        also: Callable[[AsyncConnection], Awaitable[None]],
    ) -> bool:
        """Close the claim `owner` holds (or, with `force`, record a new post whatever the
        claim said) and run `also` (writing the digest's messages to the outbox) in the same
        transaction: both happen, or neither. False when `owner` no longer holds it."""
        at = as_utc(at)
        async with self._engine.begin() as connection:
            if force:
                await connection.execute(self._forced(channel, day, owner, at, None))
            elif (
                await connection.execute(self._mark(channel, day, owner, at, None))
            ).first() is None:
                return False
            await also(connection)
            return True

    async def record_message(
        self, connection: AsyncConnection, channel: str, day: date, ts: str | None
    ) -> None:
        """The digest's post is in Slack as `ts` (inside the outbox's transaction)."""
        await connection.execute(
            update(DigestClaimRow)
            .where(DigestClaimRow.channel == channel, DigestClaimRow.day == day)
            .values(message_ts=ts)
        )

    async def reopen(
        self, channel: str, day: date, *, connection: AsyncConnection | None = None
    ) -> bool:
        """Forget a claim whose post never reached Slack (the outbox gave up on it), so the
        digest can be posted again; False when there was none or it has a message. With
        `connection`, inside that transaction."""
        statement = (
            delete(DigestClaimRow)
            .where(
                DigestClaimRow.channel == channel,
                DigestClaimRow.day == day,
                DigestClaimRow.message_ts.is_(None),
            )
            .returning(DigestClaimRow.owner)
        )
        if connection is not None:
            return (await connection.execute(statement)).first() is not None
        async with self._engine.begin() as own:
            return (await own.execute(statement)).first() is not None

    async def release(self, channel: str, day: date, *, owner: str) -> bool:
        """Give up an unposted claim `owner` holds (its post failed), so the next attempt
        need not wait for the lease to run out."""
        statement = (
            delete(DigestClaimRow)
            .where(
                DigestClaimRow.channel == channel,
                DigestClaimRow.day == day,
                DigestClaimRow.owner == owner,
                DigestClaimRow.posted_at.is_(None),
            )
            .returning(DigestClaimRow.owner)
        )
        async with self._engine.begin() as connection:
            return (await connection.execute(statement)).first() is not None

    async def record_forced(
        self, channel: str, day: date, *, owner: str, at: datetime, message_ts: str | None
    ) -> None:
        """A post made on purpose whatever the claim said (`digest --force`): it becomes
        the one on record for (channel, day)."""
        async with self._engine.begin() as connection:
            await connection.execute(self._forced(channel, day, owner, as_utc(at), message_ts))

    def _forced(
        self, channel: str, day: date, owner: str, at: datetime, message_ts: str | None
    ) -> Any:
        values = {
            "channel": channel,
            "day": day,
            "owner": owner,
            "claimed_at": at,
            "lease_until": at,
            "posted_at": at,
            "message_ts": message_ts,
        }
        statement = insert(self._engine.dialect.name, DigestClaimRow).values(**values)
        # A forced post not yet in Slack keeps the earlier message on record until it is.
        kept = ("channel", "day") if message_ts is not None else ("channel", "day", "message_ts")
        return statement.on_conflict_do_update(
            index_elements=[DigestClaimRow.channel, DigestClaimRow.day],
            set_={name: statement.excluded[name] for name in values if name not in kept},
        )

    async def was_posted(self, channel: str, day: date) -> bool:
        claim = await self.get_claim(channel, day)
        return claim is not None and claim.posted_at is not None

    async def get_claim(self, channel: str, day: date) -> DigestClaim | None:
        async with self._sessions() as session:
            row = await session.get(DigestClaimRow, (channel, day))
            return None if row is None else _claim(row)

    # -- subscriptions ---------------------------------------------------------------------

    async def subscribe(self, subscription: Subscription) -> Subscription:
        """Add or replace the channel's subscription (one per channel)."""
        values = {
            "channel": subscription.channel,
            "post_time": subscription.post_time,
            "timezone": subscription.timezone,
            "created_by": subscription.created_by,
            "created_at": as_utc(subscription.created_at),
        }
        statement = insert(self._engine.dialect.name, DigestSubscriptionRow).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[DigestSubscriptionRow.channel],
            set_={name: statement.excluded[name] for name in values if name != "channel"},
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)
        stored = await self.subscription(subscription.channel)
        assert stored is not None
        return stored

    async def unsubscribe(self, channel: str) -> bool:
        """False when the channel had no subscription."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                delete(DigestSubscriptionRow)
                .where(DigestSubscriptionRow.channel == channel)
                .returning(DigestSubscriptionRow.channel)
            )
            return result.first() is not None

    async def subscription(self, channel: str) -> Subscription | None:
        async with self._sessions() as session:
            row = await session.get(DigestSubscriptionRow, channel)
            return None if row is None else _subscription(row)

    async def subscriptions(self) -> list[Subscription]:
        statement = select(DigestSubscriptionRow).order_by(DigestSubscriptionRow.channel)
        async with self._sessions() as session:
            return [_subscription(row) for row in await session.scalars(statement)]


def _claim(row: DigestClaimRow) -> DigestClaim:
    return DigestClaim(
        channel=row.channel,
        day=row.day,
        owner=row.owner,
        claimed_at=row.claimed_at,
        lease_until=row.lease_until,
        posted_at=row.posted_at,
        message_ts=row.message_ts,
    )


def _subscription(row: DigestSubscriptionRow) -> Subscription:
    return Subscription(
        channel=row.channel,
        post_time=row.post_time,
        timezone=row.timezone,
        created_by=row.created_by,
        created_at=row.created_at,
    )
