"""Delivery keys in the database: a delivery is served once across replicas, for ten
minutes, then forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.slack.deliveries import SeenDeliveries
from bot.store import Store, StoreDeliveries
from bot.store.deliveries import REMEMBER_SECONDS
from bot.store.schema import SeenDeliveryRow


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def _rows(store: Store) -> int:
    async with store.engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(SeenDeliveryRow)) or 0)


async def test_a_key_is_new_once_within_the_window(store: Store) -> None:
    clock = Clock()
    seen: SeenDeliveries = StoreDeliveries(store.engine, clock=clock)
    assert await seen.first_time("event:Ev1")
    assert not await seen.first_time("event:Ev1")
    assert await seen.first_time("event:Ev2")
    clock.advance(REMEMBER_SECONDS - 1)
    assert not await seen.first_time("event:Ev1")
    clock.advance(2)  # past the window: as in memory, the key counts as new again
    assert await seen.first_time("event:Ev1")
    assert not await seen.first_time("event:Ev1")


async def test_replicas_share_what_they_saw(store: Store) -> None:
    clock = Clock()
    one = StoreDeliveries(store.engine, clock=clock)
    other = StoreDeliveries(store.engine, clock=clock)
    assert await one.first_time("signature:v0=abc")
    assert not await other.first_time("signature:v0=abc")


async def test_old_keys_are_pruned_occasionally(store: Store) -> None:
    clock = Clock()
    seen = StoreDeliveries(store.engine, clock=clock, prune_every_seconds=60)
    for n in range(5):
        assert await seen.first_time(f"event:old{n}")
    clock.advance(REMEMBER_SECONDS + 1)
    # The first call pruned (at the start); the next prune is due a minute later.
    assert await seen.first_time("event:new")
    assert await _rows(store) == 1
    assert not await seen.first_time("event:new")

    clock.advance(30)
    other = StoreDeliveries(store.engine, clock=clock)
    assert await other.prune(clock.now + timedelta(seconds=REMEMBER_SECONDS)) == 1
    assert await _rows(store) == 0


async def test_long_keys_are_kept_apart(store: Store) -> None:
    seen = StoreDeliveries(store.engine, clock=Clock())
    base = "signature:" + "x" * 300
    assert await seen.first_time(base + "a")
    assert await seen.first_time(base + "b")
    assert not await seen.first_time(base + "a")
