"""PROVIDER_MAX_CONNECTIONS and PROVIDER_CACHE_SECONDS reach the provider build_provider makes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest

from bot.app import build_provider
from bot.providers.base import SessionQuery, VideoProvider
from bot.settings import load_settings
from simulators import RunningSimulator
from tests.conftest import FAST_HTTP, FAST_RETRIES

Build = Callable[..., VideoProvider]


@pytest.fixture
async def build(sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Build]:
    for name in ("PROVIDER_MAX_CONNECTIONS", "PROVIDER_CACHE_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    made: list[VideoProvider] = []

    def make(**overrides: object) -> VideoProvider:
        settings = load_settings(
            _env_file=None,
            signalwire_base_url=sim.base_url,
            signalwire_project_id=sim.config.project_id,
            signalwire_api_token=sim.config.api_token,
            **overrides,
        )
        provider = build_provider(settings, http_settings=FAST_HTTP, policy=FAST_RETRIES)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


async def test_max_connections_bounds_calls_in_flight(sim: RunningSimulator, build: Build) -> None:
    provider = build(provider_max_connections=2, provider_cache_seconds=0)
    sim.set_latency(0.2)
    started = time.monotonic()
    await asyncio.gather(
        *(provider.room_sessions_page(SessionQuery(), page_size=n) for n in range(1, 5))
    )
    # Four calls through two slots take two rounds; with the default of 20, one.
    assert time.monotonic() - started >= 0.38


async def test_the_default_lets_calls_run_side_by_side(sim: RunningSimulator, build: Build) -> None:
    provider = build()
    sim.set_latency(0.2)
    started = time.monotonic()
    await asyncio.gather(
        *(provider.room_sessions_page(SessionQuery(), page_size=n) for n in range(1, 11))
    )
    assert time.monotonic() - started < 0.38


@pytest.mark.parametrize(("seconds", "requests"), [(60, 1), (0, 2)])
async def test_cache_seconds_decides_whether_a_repeat_is_served_from_memory(
    sim: RunningSimulator, build: Build, seconds: float, requests: int
) -> None:
    provider = build(provider_cache_seconds=seconds)
    for _ in range(2):
        await provider.room_sessions_page(SessionQuery(), page_size=3)
    assert len(sim.requests) == requests


async def test_the_default_caches_for_a_few_seconds(sim: RunningSimulator, build: Build) -> None:
    provider = build()
    for _ in range(3):
        await provider.room_sessions_page(SessionQuery(), page_size=3)
    assert len(sim.requests) == 1
