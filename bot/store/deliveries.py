"""Delivery keys remembered in the database, so a retry that reaches another replica is
still recognised (the store-backed `SeenDeliveries` of bot/slack/deliveries.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.dialects import insert
from bot.store.outage import bounded
from bot.store.schema import SeenDeliveryRow

# Longer than Slack's replay window (5 min) and its event retries (up to ~5 min apart).
REMEMBER_SECONDS = 10 * 60
PRUNE_EVERY_SECONDS = 60.0
MAX_KEY = 255


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StoreDeliveries:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        remember_seconds: float = REMEMBER_SECONDS,
        prune_every_seconds: float = PRUNE_EVERY_SECONDS,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._engine = engine
        self._remember = timedelta(seconds=remember_seconds)
        self._prune_every = timedelta(seconds=prune_every_seconds)
        self._clock = clock
        self._next_prune: datetime | None = None

    @bounded
    async def first_time(self, key: str) -> bool:
        """Remember `key`; False when it was seen within the last `remember_seconds`.

        One statement decides, so of two replicas given the same delivery at the same
        moment exactly one gets True. A key older than the window counts as new, as it
        does in the in-memory version.
        """
        now = self._clock()
        upsert = insert(self._engine.dialect.name, SeenDeliveryRow).values(
            key=_stored_key(key), seen_at=now
        )
        statement = upsert.on_conflict_do_update(
            index_elements=[SeenDeliveryRow.key],
            set_={"seen_at": upsert.excluded.seen_at},
            where=SeenDeliveryRow.seen_at <= now - self._remember,
        ).returning(SeenDeliveryRow.key)
        async with self._engine.begin() as connection:
            changed = (await connection.execute(statement)).first() is not None
        await self._maybe_prune(now)
        return changed

    @bounded
    async def prune(self, now: datetime | None = None) -> int:
        """Forget keys older than the window; returns how many."""
        cutoff = (now or self._clock()) - self._remember
        async with self._engine.begin() as connection:
            result = await connection.execute(
                delete(SeenDeliveryRow)
                .where(SeenDeliveryRow.seen_at <= cutoff)
                .returning(SeenDeliveryRow.key)
            )
            return len(result.all())

    async def _maybe_prune(self, now: datetime) -> None:
        # Occasional and cheap (an indexed range delete): at most once a minute per process,
        # and the next time is set before awaiting so a burst prunes once, not per request.
        if self._next_prune is not None and now < self._next_prune:
            return
        self._next_prune = now + self._prune_every
        await self.prune(now)


def _stored_key(key: str) -> str:
    # Keys are event ids and request signatures, well under the limit; anything longer is
    # stored as its digest so it still identifies the delivery.
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
