"""Single-flight and the short read cache, against the simulator over real sockets."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable

import pytest

from bot.providers.base import RoomQuery, SessionQuery
from bot.providers.errors import NotFound
from bot.providers.flight import MAX_KEPT_ITEMS, ReadFlights, read_key
from bot.providers.signalwire import SignalWireProvider
from simulators import Fault, RunningSimulator
from tests.conftest import FAST_HTTP, FAST_RETRIES

ROOMS_PATH = "/api/video/rooms"
SESSIONS_PATH = "/api/video/room_sessions"

Connect = Callable[[float], SignalWireProvider]


@pytest.fixture
async def connect(sim: RunningSimulator) -> AsyncIterator[Connect]:
    made: list[SignalWireProvider] = []

    def make(cache_seconds: float) -> SignalWireProvider:
        provider = SignalWireProvider.connect(
            sim.base_url,
            sim.config.project_id,
            sim.config.api_token,
            http_settings=FAST_HTTP,
            policy=FAST_RETRIES,
            cache_seconds=cache_seconds,
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


def _gets(sim: RunningSimulator, path: str) -> int:
    return len([r for r in sim.requests if r.method == "GET" and r.path == path])


async def test_identical_reads_in_flight_share_one_request(
    sim: RunningSimulator, connect: Connect
) -> None:
    provider = connect(0)  # no cache: what is shared here is the call in flight
    sim.set_latency(0.1)
    pages = await asyncio.gather(
        *(provider.room_sessions_page(SessionQuery(), page_size=5) for _ in range(50))
    )
    assert len(sim.requests) == 1
    assert {tuple(s.id for s in p.items) for p in pages} == {tuple(s.id for s in pages[0].items)}
    assert len(pages[0].items) == 5
    # Without a cache, the next read asks again.
    await provider.room_sessions_page(SessionQuery(), page_size=5)
    assert len(sim.requests) == 2


async def test_different_reads_are_not_shared(sim: RunningSimulator, connect: Connect) -> None:
    provider = connect(60)
    sim.set_latency(0.05)
    await asyncio.gather(
        provider.room_sessions_page(SessionQuery(), page_size=5),
        provider.room_sessions_page(SessionQuery(), page_size=6),
        provider.room_sessions_page(SessionQuery(status="completed"), page_size=5),
        provider.rooms_page(RoomQuery(), page_size=5),
    )
    assert len(sim.requests) == 4


async def test_repeats_within_the_ttl_are_served_from_memory(
    sim: RunningSimulator, connect: Connect
) -> None:
    provider = connect(0.3)
    first = await provider.room_sessions_page(SessionQuery(), page_size=5)
    again = await provider.room_sessions_page(SessionQuery(), page_size=5)
    assert _gets(sim, SESSIONS_PATH) == 1
    assert [s.id for s in again.items] == [s.id for s in first.items]
    await asyncio.sleep(0.35)
    await provider.room_sessions_page(SessionQuery(), page_size=5)
    assert _gets(sim, SESSIONS_PATH) == 2


async def test_a_write_clears_the_cache(sim: RunningSimulator, connect: Connect) -> None:
    provider = connect(60)
    room = (await provider.rooms_page(RoomQuery(), page_size=1)).items[0]
    assert room.id
    before = await provider.get_room(room.id)
    await provider.get_room(room.id)
    assert _gets(sim, f"{ROOMS_PATH}/{room.id}") == 1
    await provider.update_room(room.id, {"display_name": "Renamed by the test"})
    after = await provider.get_room(room.id)
    assert _gets(sim, f"{ROOMS_PATH}/{room.id}") == 2
    assert before.display_name != "Renamed by the test"
    assert after.display_name == "Renamed by the test"
    # The listing was cached too, and is asked for again.
    await provider.rooms_page(RoomQuery(), page_size=1)
    assert _gets(sim, ROOMS_PATH) == 2


async def test_a_failed_write_clears_the_cache_too(sim: RunningSimulator, connect: Connect) -> None:
    provider = connect(60)
    room = (await provider.rooms_page(RoomQuery(), page_size=1)).items[0]
    assert room.id
    sim.faults.add(Fault(kind="status", status=404, method="PUT"))
    with pytest.raises(NotFound):
        await provider.update_room(room.id, {"display_name": "x"})
    await provider.rooms_page(RoomQuery(), page_size=1)
    assert _gets(sim, ROOMS_PATH) == 2


async def test_a_read_that_started_before_a_write_ended_is_not_cached(
    sim: RunningSimulator, connect: Connect
) -> None:
    provider = connect(60)
    room = (await provider.rooms_page(RoomQuery(), page_size=1)).items[0]
    assert room.id
    path = f"{ROOMS_PATH}/{room.id}"
    sim.set_latency(0.2)
    write = asyncio.create_task(provider.update_room(room.id, {"display_name": "Mid-air"}))
    await asyncio.sleep(0.05)
    read = asyncio.create_task(provider.get_room(room.id))  # answered after the write
    await write
    await read
    sim.set_latency(0)
    await provider.get_room(room.id)
    assert _gets(sim, path) == 2


async def test_writes_are_never_shared(sim: RunningSimulator, connect: Connect) -> None:
    provider = connect(60)
    room = (await provider.rooms_page(RoomQuery(), page_size=1)).items[0]
    assert room.id
    sim.set_latency(0.05)
    await asyncio.gather(*(provider.update_room(room.id, {"max_members": 7}) for _ in range(3)))
    assert len([r for r in sim.requests if r.method == "PUT"]) == 3


async def test_failures_are_not_cached(sim: RunningSimulator, connect: Connect) -> None:
    provider = connect(60)
    sim.faults.add(Fault(kind="status", status=404, path_prefix=ROOMS_PATH))
    with pytest.raises(NotFound):
        await provider.get_room("standup")
    room = await provider.get_room("standup")
    assert room.name == "standup"
    assert _gets(sim, f"{ROOMS_PATH}/standup") == 2


async def test_a_shared_failure_reaches_every_waiter(
    sim: RunningSimulator, connect: Connect
) -> None:
    provider = connect(60)
    sim.set_latency(0.05)
    sim.faults.add(Fault(kind="status", status=404, path_prefix=ROOMS_PATH))
    results = await asyncio.gather(
        *(provider.get_room("standup") for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, NotFound) for r in results)
    assert len(sim.requests) == 1


async def test_cancelling_the_first_waiter_leaves_the_others_their_answer(
    sim: RunningSimulator, connect: Connect
) -> None:
    provider = connect(0)
    sim.set_latency(0.2)
    waiters = [
        asyncio.create_task(provider.room_sessions_page(SessionQuery(), page_size=4))
        for _ in range(5)
    ]
    await asyncio.sleep(0.05)
    waiters[0].cancel()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert isinstance(results[0], asyncio.CancelledError)
    assert all(not isinstance(r, BaseException) and len(r.items) == 4 for r in results[1:])
    assert len(sim.requests) == 1


async def test_a_read_nobody_waits_for_any_more_is_dropped(
    sim: RunningSimulator, connect: Connect
) -> None:
    provider = connect(60)
    sim.set_latency(0.2)
    waiters = [
        asyncio.create_task(provider.room_sessions_page(SessionQuery(), page_size=4))
        for _ in range(3)
    ]
    await asyncio.sleep(0.05)
    for waiter in waiters:
        waiter.cancel()
    await asyncio.gather(*waiters, return_exceptions=True)
    # A new caller starts afresh rather than joining the abandoned call.
    page = await provider.room_sessions_page(SessionQuery(), page_size=4)
    assert len(page.items) == 4
    assert len(sim.requests) == 2


async def test_the_cache_is_bounded() -> None:
    flights = ReadFlights(60, max_entries=2)
    calls: list[str] = []

    async def fetch(name: str) -> str:
        calls.append(name)
        return name

    for name in ("a", "b", "c", "a"):
        key = read_key("GET", f"/{name}", None)
        assert await flights.get(key, functools.partial(fetch, name)) == name
    assert calls == ["a", "b", "c", "a"]  # "a" was evicted to make room for "c"


async def test_long_list_pages_are_shared_in_flight_but_not_kept(
    sim: RunningSimulator, connect: Connect
) -> None:
    provider = connect(60)
    # A walk's page: read once, so keeping it would only make memory grow with the walk.
    pages = await asyncio.gather(
        *(provider.room_sessions_page(SessionQuery(), page_size=1000) for _ in range(3))
    )
    assert _gets(sim, SESSIONS_PATH) == 1 and len(pages[0].items) > MAX_KEPT_ITEMS
    await provider.room_sessions_page(SessionQuery(), page_size=1000)
    assert _gets(sim, SESSIONS_PATH) == 2
    # A page of a listing people read is kept as before.
    await provider.room_sessions_page(SessionQuery(), page_size=MAX_KEPT_ITEMS)
    await provider.room_sessions_page(SessionQuery(), page_size=MAX_KEPT_ITEMS)
    assert _gets(sim, SESSIONS_PATH) == 3


def test_read_keys_ignore_parameter_order() -> None:
    assert read_key("get", "/x", {"b": 1, "a": "2"}) == read_key("GET", "/x", {"a": 2, "b": "1"})
    assert read_key("GET", "/x", {"a": 1}) != read_key("GET", "/x", {"a": 2})
    assert read_key("GET", "/x", None) == read_key("GET", "/x", {})
