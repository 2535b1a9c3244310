"""The concurrency gate in front of httpx's pool, against the simulator over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import httpx
import pytest

from bot.providers.base import RoomQuery, SessionQuery
from bot.providers.errors import ProviderUnavailable
from bot.providers.http import HttpSettings
from bot.providers.signalwire import SignalWireProvider
from simulators import Fault, RunningSimulator
from tests.conftest import FAST_HTTP, FAST_RETRIES

LIMIT = 5


class _Released(httpx.AsyncByteStream):
    """A response body that reports when the connection is handed back."""

    def __init__(self, inner: httpx.AsyncByteStream, done: Callable[[], None]) -> None:
        self._inner = inner
        self._done = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            self._done()


class CountingTransport(httpx.AsyncBaseTransport):
    """httpx's real transport, counting requests inside it: queued in the pool or on a
    connection. Its peak is what the pool had to hold at once."""

    def __init__(self, settings: HttpSettings) -> None:
        self._inner = httpx.AsyncHTTPTransport(limits=settings.limits())
        self.active = 0
        self.peak = 0
        self.pool_timeouts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.active += 1
        self.peak = max(self.peak, self.active)
        released = False

        def done() -> None:
            nonlocal released
            if not released:
                released = True
                self.active -= 1

        try:
            response = await self._inner.handle_async_request(request)
        except BaseException as exc:
            self.pool_timeouts += isinstance(exc, httpx.PoolTimeout)
            done()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_Released(response.stream, done),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
async def gated(
    sim: RunningSimulator,
) -> AsyncIterator[tuple[SignalWireProvider, CountingTransport]]:
    # A short pool timeout makes any wait inside httpx's pool show up as a PoolTimeout;
    # fewer keep-alive than connections makes the pool open new ones, as in production.
    settings = replace(FAST_HTTP, max_connections=LIMIT, max_keepalive=2, pool_timeout=0.3)
    transport = CountingTransport(settings)
    provider = SignalWireProvider.connect(
        sim.base_url,
        sim.config.project_id,
        sim.config.api_token,
        http_settings=settings,
        policy=FAST_RETRIES,
        transport=transport,
    )
    yield provider, transport
    await provider.aclose()


async def test_a_cancelled_burst_far_over_the_limit_leaves_the_pool_healthy(
    sim: RunningSimulator, gated: tuple[SignalWireProvider, CountingTransport]
) -> None:
    provider, transport = gated
    sim.set_latency(0.1)
    # Distinct page sizes: distinct reads, so single-flight cannot fold them into one.
    calls = [
        asyncio.create_task(provider.room_sessions_page(SessionQuery(), page_size=n))
        for n in range(1, 201)
    ]
    await asyncio.sleep(0.25)
    # Cancel most callers: those holding a slot mid-request and those still waiting.
    doomed = [task for task in calls[:180] if not task.done()]
    assert len(doomed) > 150
    for task in doomed:
        task.cancel()
    results = await asyncio.gather(*calls, return_exceptions=True)

    outcome = dict(zip(calls, results, strict=True))
    # No PoolTimeout, no ProviderUnavailable: every caller left standing got its page.
    assert [
        outcome[t] for t in calls if t not in doomed and isinstance(outcome[t], BaseException)
    ] == []
    assert all(isinstance(outcome[t], asyncio.CancelledError) for t in doomed)
    assert transport.pool_timeouts == 0
    assert transport.peak <= LIMIT
    assert transport.active == 0

    # Afterwards a call goes straight through...
    started = time.monotonic()
    page = await provider.room_sessions_page(SessionQuery(), page_size=3)
    assert len(page.items) == 3
    assert time.monotonic() - started < 0.5
    # ...and no slot leaked: LIMIT calls still run side by side.
    transport.peak = 0
    sim.set_latency(0.2)
    pages = await asyncio.gather(
        *(provider.room_sessions_page(SessionQuery(), page_size=n) for n in range(1, LIMIT + 1))
    )
    assert [len(p.items) for p in pages] == list(range(1, LIMIT + 1))
    assert transport.peak == LIMIT


async def test_a_caller_cancelled_at_any_point_never_wedges_the_pool(
    sim: RunningSimulator,
) -> None:
    # One connection: a single one leaked by httpcore would wedge every later call.
    settings = replace(FAST_HTTP, max_connections=1, max_keepalive=1, pool_timeout=0.3)
    transport = CountingTransport(settings)
    provider = SignalWireProvider.connect(
        sim.base_url,
        sim.config.project_id,
        sim.config.api_token,
        http_settings=settings,
        policy=FAST_RETRIES,
        transport=transport,
    )
    try:
        # Cancel a caller after 0, 1, 2, ... turns of the event loop, so that one of them
        # lands in every await of the request path, in httpx and httpcore too.
        for turns in range(40):
            call = asyncio.create_task(provider.room_sessions_page(SessionQuery(), page_size=1))
            for _ in range(turns):
                await asyncio.sleep(0)
            call.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await call
        async with asyncio.timeout(1.0):
            page = await provider.room_sessions_page(SessionQuery(), page_size=2)
        assert len(page.items) == 2
        assert transport.pool_timeouts == 0
        assert transport.peak == 1
    finally:
        await provider.aclose()


def _single_slot(sim: RunningSimulator, **policy: float) -> SignalWireProvider:
    settings = replace(FAST_HTTP, max_connections=1, max_keepalive=1, read_timeout=2.0)
    return SignalWireProvider.connect(
        sim.base_url,
        sim.config.project_id,
        sim.config.api_token,
        http_settings=settings,
        policy=replace(FAST_RETRIES, **policy),  # type: ignore[arg-type]
    )


async def test_no_slot_is_held_while_waiting_to_retry(sim: RunningSimulator) -> None:
    provider = _single_slot(sim)
    try:
        sim.faults.add(
            Fault(kind="status", status=503, retry_after=0.6, path_prefix="/api/video/rooms")
        )
        backing_off = asyncio.create_task(provider.rooms_page(RoomQuery(), page_size=1))
        await asyncio.sleep(0.1)  # answered 503: it now waits 0.6 s before trying again
        sim.set_latency(0.1)
        started = time.monotonic()
        others = await asyncio.gather(
            *(provider.room_sessions_page(SessionQuery(), page_size=n) for n in (1, 2))
        )
        # The only slot was free during that wait: two calls of 0.1 s, one after the other.
        assert time.monotonic() - started < 0.45
        assert not backing_off.done()
        assert [len(p.items) for p in others] == [1, 2]
        assert len((await backing_off).items) == 1
    finally:
        await provider.aclose()


async def test_waiting_for_a_slot_counts_against_the_call_budget(sim: RunningSimulator) -> None:
    provider = _single_slot(sim, attempts=1, total_seconds=0.3)
    try:
        sim.set_latency(1.0)
        holder = asyncio.create_task(provider.room_sessions_page(SessionQuery(), page_size=1))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(ProviderUnavailable, match="busy"):
            await provider.room_sessions_page(SessionQuery(), page_size=2)
        assert 0.2 < time.monotonic() - started < 0.6
        assert len(sim.requests) == 1  # the waiter never reached the provider
        holder.cancel()
        with pytest.raises(asyncio.CancelledError):
            await holder
    finally:
        await provider.aclose()
