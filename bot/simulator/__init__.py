"""SignalWire- and Telnyx-compatible HTTP simulators for the demo, the tests and the benchmarks."""

from bot.simulator.dataset import (
    Conference,
    Room,
    RoomSession,
    SessionFilter,
    SimulatorDataset,
)
from bot.simulator.faults import Fault, FaultPlan
from bot.simulator.server import (
    AnySimulator,
    RunningSimulator,
    RunningTelnyxSimulator,
    run_simulator,
    run_telnyx_simulator,
)
from bot.simulator.signalwire_app import RecordedRequest, SimulatorConfig, create_app
from bot.simulator.telnyx_app import TelnyxSimulatorConfig, create_telnyx_app
from bot.simulator.telnyx_wire import TelnyxRoom

__all__ = [
    "AnySimulator",
    "Conference",
    "Fault",
    "FaultPlan",
    "RecordedRequest",
    "Room",
    "RoomSession",
    "RunningSimulator",
    "RunningTelnyxSimulator",
    "SessionFilter",
    "SimulatorConfig",
    "SimulatorDataset",
    "TelnyxRoom",
    "TelnyxSimulatorConfig",
    "create_app",
    "create_telnyx_app",
    "run_simulator",
    "run_telnyx_simulator",
]
