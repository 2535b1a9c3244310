"""Start and stop the simulators (SignalWire, Telnyx) on a local port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from aiohttp import web

from simulators.dataset import Room, SimulatorDataset
from simulators.faults import FaultPlan
from simulators.signalwire_app import (
    RecordedRequest,
    SimulatorConfig,
    SimulatorState,
    create_app,
)
from simulators.telnyx_app import (
    TelnyxSimulatorConfig,
    TelnyxState,
    create_telnyx_app,
)
from simulators.telnyx_wire import TelnyxRoom

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

    def advance_clock(self, seconds: float) -> None:
        """Move the simulator's wall clock on, e.g. past a recording link's expiry."""
        self._state.advance_clock(seconds)

    def provider_settings(self) -> dict[str, str]:
        """The settings (docs/configuration.md names) that point RoomOps at this simulator."""
        return {
            "video_provider": "signalwire",
            "signalwire_base_url": self.base_url,
            "signalwire_project_id": self.config.project_id,
            "signalwire_api_token": self.config.api_token,
        }

    def change_room(self, room_id: str, **fields: Any) -> Room:
        """Change a room behind the bot's back, e.g. `change_room(id, max_members=7)`."""
        return self._state.change_room(room_id, fields)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@asynccontextmanager
async def _serve(app: web.Application, host: str, port: int) -> AsyncIterator[str]:
    """Serve `app` on host:port (0 = any free port); yields its root URL."""
    runner = web.AppRunner(
        app,
        handler_cancellation=True,
        shutdown_timeout=_SHUTDOWN_TIMEOUT,
        access_log=None,
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        yield f"http://{_url_host(host)}:{_bound_port(runner)}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def run_simulator(
    config: SimulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningSimulator]:
    """Serve the simulator on host:port (0 = any free port) for the block's duration."""
    state = SimulatorState.create(config or SimulatorConfig())
    async with _serve(create_app(state), host, port) as root:
        yield RunningSimulator(root, state)


class RunningTelnyxSimulator:
    """Handle on a started Telnyx simulator; `base_url` ends in /v2, like Telnyx's."""

    def __init__(self, root_url: str, state: TelnyxState) -> None:
        self.root_url = root_url  # where the /__sim/ admin surface lives
        self.base_url = f"{root_url}/v2"
        self._state = state

    @property
    def config(self) -> TelnyxSimulatorConfig:
        """The effective config: `now` resolved, `latency` as last set."""
        return self._state.config

    @property
    def api_key(self) -> str:
        return self._state.config.api_key

    @property
    def dataset(self) -> SimulatorDataset:
        return self._state.dataset

    @property
    def faults(self) -> FaultPlan:
        return self._state.faults

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every /v2 request so far, in arrival order (the live list)."""
        return self._state.requests

    def set_latency(self, seconds: float) -> None:
        self._state.set_latency(seconds)

    def advance_clock(self, seconds: float) -> None:
        """Move the simulator's wall clock on, e.g. past a recording link's expiry."""
        self._state.advance_clock(seconds)

    def provider_settings(self) -> dict[str, str]:
        """The settings (docs/configuration.md names) that point RoomOps at this simulator."""
        return {
            "video_provider": "telnyx",
            "telnyx_base_url": self.base_url,
            "telnyx_api_key": self.api_key,
        }

    def room(self, room_id: str) -> TelnyxRoom | None:
        """A room as Telnyx shows it now."""
        return self._state.room(room_id)

    def change_room(self, room_id: str, **fields: Any) -> TelnyxRoom:
        """Change a room behind the bot's back, e.g. `change_room(id, max_participants=7)`
        (PatchRoomRequest field names and rules)."""
        return self._state.change_room(room_id, fields)


@asynccontextmanager
async def run_telnyx_simulator(
    config: TelnyxSimulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningTelnyxSimulator]:
    """Serve the Telnyx simulator on host:port (0 = any free port) for the block's duration."""
    state = TelnyxState.create(config or TelnyxSimulatorConfig())
    async with _serve(create_telnyx_app(state), host, port) as root:
        yield RunningTelnyxSimulator(root, state)


# Either simulator: what the demo and the tests drive the bot against.
AnySimulator = RunningSimulator | RunningTelnyxSimulator


def _bound_port(runner: web.AppRunner) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise RuntimeError("simulator is not listening on a TCP port")
