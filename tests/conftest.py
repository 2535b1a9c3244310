from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime

import pytest
from hypothesis import settings

from bot.providers.http import HttpSettings, RetryPolicy
from bot.providers.signalwire import SignalWireProvider
from simulators import (
    AnySimulator,
    RunningSimulator,
    SimulatorConfig,
    TelnyxSimulatorConfig,
    run_simulator,
    run_telnyx_simulator,
)
from simulators.slack_api import RunningSlackStandin, run_slack_standin
from tests.slack_driver import Driver, running_bot

# The store's databases (a SQLite file and a PostgreSQL database per test): tests/databases.py;
# a bounded end for each test's event loop: tests/loop_guard.py.
pytest_plugins = ["tests.databases", "tests.loop_guard"]

# Property tests run the same examples on every machine, so a failure in CI reproduces from
# its log; HYPOTHESIS_PROFILE=explore searches afresh and longer.
settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, database=None, print_blob=True
)
settings.register_profile("explore", max_examples=5000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# A fixed "now" keeps every run's data identical.
SIM_NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
FAST_RETRIES = RetryPolicy(
    attempts=4, initial_backoff=0.01, max_backoff=0.05, max_retry_after=5, total_seconds=20
)
# Short enough that a simulated stall trips the read timeout quickly.
FAST_HTTP = HttpSettings(connect_timeout=1.0, read_timeout=0.5, write_timeout=1.0, pool_timeout=1.0)


# `sim` (and so `bot`) is SignalWire's simulator; a test marked ON_BOTH_PROVIDERS runs once
# against each provider's simulator.
PROVIDERS = ("signalwire", "telnyx")
ON_BOTH_PROVIDERS = pytest.mark.parametrize("sim", PROVIDERS, indirect=True)


@pytest.fixture
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[AnySimulator]:
    provider = getattr(request, "param", "signalwire")
    running: AbstractAsyncContextManager[AnySimulator]
    if provider == "telnyx":
        running = run_telnyx_simulator(
            TelnyxSimulatorConfig(seed=7, now=SIM_NOW, session_count=400)
        )
    else:
        running = run_simulator(SimulatorConfig(seed=7, now=SIM_NOW, session_count=400))
    async with running as started:
        yield started


@pytest.fixture
async def provider(sim: RunningSimulator) -> AsyncIterator[SignalWireProvider]:
    assert isinstance(sim, RunningSimulator), "the provider fixture is SignalWire's"
    client = SignalWireProvider.connect(
        sim.base_url,
        sim.config.project_id,
        sim.config.api_token,
        http_settings=FAST_HTTP,
        policy=FAST_RETRIES,
    )
    yield client
    await client.aclose()


# The real bot over HTTP, against a Slack stand-in and the simulator (tests/slack_driver.py).
@pytest.fixture
async def slack() -> AsyncIterator[RunningSlackStandin]:
    async with run_slack_standin(bot_token="xoxb-roomops-demo") as running:
        yield running


@pytest.fixture
async def bot(sim: AnySimulator, slack: RunningSlackStandin) -> AsyncIterator[Driver]:
    async with running_bot(sim, slack) as driver:
        yield driver
