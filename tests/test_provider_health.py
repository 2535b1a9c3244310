"""The provider's health record for /healthz, driven by the simulator's faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime

import pytest

from bot.providers.base import RoomQuery, SessionQuery
from bot.providers.errors import (
    Invalid,
    NotFound,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from bot.providers.health import ProviderHealth
from bot.providers.signalwire import SignalWireProvider
from simulators import Fault, RunningSimulator
from tests.conftest import FAST_HTTP, FAST_RETRIES


@pytest.fixture
async def one_try(sim: RunningSimulator) -> AsyncIterator[SignalWireProvider]:
    """One attempt per call, so one fault is one failed call."""
    provider = SignalWireProvider.connect(
        sim.base_url,
        sim.config.project_id,
        sim.config.api_token,
        http_settings=replace(FAST_HTTP, read_timeout=0.2),
        policy=replace(FAST_RETRIES, attempts=1),
    )
    yield provider
    await provider.aclose()


async def _fail(provider: SignalWireProvider, error: type[Exception]) -> None:
    with pytest.raises(error):
        await provider.room_sessions_page(SessionQuery(), page_size=1)


async def test_a_new_provider_is_ok_and_has_no_success_yet(one_try: SignalWireProvider) -> None:
    assert one_try.health() == ProviderHealth(
        status="ok", reason=None, consecutive_failures=0, last_success_at=None
    )


async def test_degraded_after_three_failed_calls_and_ok_after_one_success(
    one_try: SignalWireProvider, sim: RunningSimulator
) -> None:
    before = datetime.now(UTC)
    await one_try.check()
    succeeded_at = one_try.health().last_success_at
    assert succeeded_at is not None and succeeded_at >= before

    sim.faults.add(Fault(kind="status", status=503, times=3))
    await _fail(one_try, ProviderUnavailable)
    await _fail(one_try, ProviderUnavailable)
    two = one_try.health()
    assert (two.status, two.consecutive_failures) == ("ok", 2)
    assert two.reason == "ProviderUnavailable (HTTP 503)"
    await _fail(one_try, ProviderUnavailable)
    three = one_try.health()
    assert (three.status, three.consecutive_failures) == ("degraded", 3)
    assert three.last_success_at == succeeded_at

    await one_try.room_sessions_page(SessionQuery(), page_size=1)
    healed = one_try.health()
    assert (healed.status, healed.reason, healed.consecutive_failures) == ("ok", None, 0)
    assert healed.last_success_at is not None and healed.last_success_at > succeeded_at


async def test_a_call_is_counted_once_whatever_its_retries(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    sim.faults.add(Fault(kind="status", status=502, times=FAST_RETRIES.attempts))
    await _fail(provider, ProviderUnavailable)
    assert len(sim.requests) == FAST_RETRIES.attempts
    assert provider.health().consecutive_failures == 1
    # Retried and then answered: a success.
    sim.faults.add(Fault(kind="status", status=502, times=1))
    await provider.room_sessions_page(SessionQuery(), page_size=1)
    assert provider.health().consecutive_failures == 0


async def test_readers_sharing_one_call_count_it_once(
    one_try: SignalWireProvider, sim: RunningSimulator
) -> None:
    sim.set_latency(0.05)
    sim.faults.add(Fault(kind="status", status=503, times=1))
    results = await asyncio.gather(
        *(one_try.room_sessions_page(SessionQuery(), page_size=1) for _ in range(5)),
        return_exceptions=True,
    )
    assert all(isinstance(r, ProviderUnavailable) for r in results)
    assert one_try.health().consecutive_failures == 1


@pytest.mark.parametrize(
    ("fault", "error", "reason"),
    [
        (
            Fault(kind="status", status=429, retry_after=120, times=3),
            RateLimited,
            "RateLimited (HTTP 429)",
        ),
        (
            Fault(kind="drop", times=3),
            ProviderUnavailable,
            "ProviderUnavailable (RemoteProtocolError)",
        ),
        (
            Fault(kind="stall", seconds=0.5, times=3),
            ProviderUnavailable,
            "ProviderUnavailable (ReadTimeout)",
        ),
        (
            Fault(kind="body", status=200, body="<html>", times=3),
            ProviderUnavailable,
            "ProviderUnavailable (HTTP 200)",
        ),
    ],
    ids=["429", "drop", "stall", "not-json"],
)
async def test_every_kind_of_provider_failure_counts(
    one_try: SignalWireProvider,
    sim: RunningSimulator,
    fault: Fault,
    error: type[Exception],
    reason: str,
) -> None:
    sim.faults.add(fault)
    for _ in range(3):
        await _fail(one_try, error)
    health = one_try.health()
    assert (health.status, health.reason) == ("degraded", reason)


async def test_refused_credentials_count(sim: RunningSimulator) -> None:
    bad = SignalWireProvider.connect(sim.base_url, "someone", "wrong-secret", policy=FAST_RETRIES)
    try:
        for _ in range(3):
            with pytest.raises(Unauthorized):
                await bad.check()
        health = bad.health()
    finally:
        await bad.aclose()
    assert (health.status, health.reason) == ("degraded", "Unauthorized (HTTP 401)")
    text = json.dumps(health.as_dict())
    assert "wrong-secret" not in text and "someone" not in text


async def test_not_found_and_invalid_are_answers_not_failures(
    one_try: SignalWireProvider, sim: RunningSimulator
) -> None:
    sim.faults.add(Fault(kind="status", status=503, times=2))
    await _fail(one_try, ProviderUnavailable)
    await _fail(one_try, ProviderUnavailable)
    for _ in range(3):
        with pytest.raises(NotFound):
            await one_try.get_room("no-such-room")
    room = (await one_try.rooms_page(RoomQuery(), page_size=1)).items[0]
    assert room.id
    with pytest.raises(Invalid):
        await one_try.update_room(room.id, {"max_members": 500})
    health = one_try.health()
    assert (health.status, health.consecutive_failures, health.reason) == ("ok", 0, None)


async def test_reasons_never_carry_a_query_or_a_host(
    one_try: SignalWireProvider, sim: RunningSimulator
) -> None:
    sim.faults.add(Fault(kind="status", status=500, times=1))
    with pytest.raises(ProviderUnavailable):
        await one_try.room_sessions_page(SessionQuery(room_name="secret-room"), page_size=1)
    reason = one_try.health().reason
    assert reason == "ProviderUnavailable (HTTP 500)"


def test_health_is_frozen_and_serialises_to_json() -> None:
    at = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    health = ProviderHealth(
        status="degraded",
        reason="RateLimited (HTTP 429)",
        consecutive_failures=4,
        last_success_at=at,
    )
    assert json.loads(json.dumps(health.as_dict())) == {
        "status": "degraded",
        "reason": "RateLimited (HTTP 429)",
        "consecutive_failures": 4,
        "last_success_at": "2026-11-20T15:30:00+00:00",
    }
    assert ProviderHealth("ok", None, 0, None).as_dict()["last_success_at"] is None
    with pytest.raises(FrozenInstanceError):
        health.status = "ok"  # type: ignore[misc]
