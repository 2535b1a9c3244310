"""Start and stop the simulator on a local port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from aiohttp import web

from bot.simulator.dataset import Room, SimulatorDataset
from bot.simulator.faults import FaultPlan
from bot.simulator.signalwire_app import (
    RecordedRequest,
    SimulatorConfig,
    SimulatorState,
    create_app,
)

# Stalled handlers are cancelled when their client goes away; this only bounds how long
# shutdown waits for handlers that are still sleeping.
_SHUTDOWN_TIMEOUT: Final = 0.5


class RunningSimulator:
    """Handle on a started simulator: its address, its data and its steering knobs."""

    def __init__(self, base_url: str, state: SimulatorState) -> None:
        self.base_url = base_url
        self._state = state

    @property
    def config(self) -> SimulatorConfig:
        """The effective config: `now` resolved, `latency` as last set."""
        return self._state.config

    @property
    def dataset(self) -> SimulatorDataset:
        return self._state.dataset

    @property
    def faults(self) -> FaultPlan:
        return self._state.faults

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every /api request so far, in arrival order (the live list)."""
        return self._state.requests

    def set_latency(self, seconds: float) -> None:
        self._state.set_latency(seconds)

    def change_room(self, room_id: str, **fields: Any) -> Room:
        """Change a room behind the bot's back, e.g. `change_room(id, max_members=7)`."""
        return self._state.change_room(room_id, fields)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@asynccontextmanager
async def run_simulator(
    config: SimulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningSimulator]:
    """Serve the simulator on host:port (0 = any free port) for the block's duration."""
    state = SimulatorState.create(config or SimulatorConfig())
    runner = web.AppRunner(
        create_app(state),
        handler_cancellation=True,
        shutdown_timeout=_SHUTDOWN_TIMEOUT,
        access_log=None,
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_port = _bound_port(runner)
        yield RunningSimulator(f"http://{_url_host(host)}:{bound_port}", state)
    finally:
        await runner.cleanup()


def _bound_port(runner: web.AppRunner) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise RuntimeError("simulator is not listening on a TCP port")
