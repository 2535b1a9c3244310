"""SignalWire- and Telnyx-compatible HTTP simulators for the demo, the tests and the benchmarks."""

from simulators.dataset import (
    Conference,
    Room,
    RoomSession,
    SessionFilter,
    SimulatorDataset,
)
from simulators.faults import Fault, FaultPlan
from simulators.server import (
    AnySimulator,
    RunningSimulator,
    RunningTelnyxSimulator,
    run_simulator,
    run_telnyx_simulator,
)
from simulators.signalwire_app import RecordedRequest, SimulatorConfig, create_app
from simulators.telnyx_app import TelnyxSimulatorConfig, create_telnyx_app
from simulators.telnyx_wire import TelnyxRoom

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
