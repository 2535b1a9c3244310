"""A SignalWire-Video-compatible HTTP simulator for the demo, the tests and the benchmarks."""

from bot.simulator.dataset import (
    Conference,
    Room,
    RoomSession,
    SessionFilter,
    SimulatorDataset,
)
from bot.simulator.faults import Fault, FaultPlan
from bot.simulator.server import RunningSimulator, run_simulator
from bot.simulator.signalwire_app import RecordedRequest, SimulatorConfig, create_app

__all__ = [
    "Conference",
    "Fault",
    "FaultPlan",
    "RecordedRequest",
    "Room",
    "RoomSession",
    "RunningSimulator",
    "SessionFilter",
    "SimulatorConfig",
    "SimulatorDataset",
    "create_app",
    "run_simulator",
]
