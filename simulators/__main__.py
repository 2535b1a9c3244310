"""`python -m simulators [--provider telnyx]`: serve a provider simulator until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from simulators.server import (
    RunningSimulator,
    RunningTelnyxSimulator,
    run_simulator,
    run_telnyx_simulator,
)
from simulators.signalwire_app import SimulatorConfig
from simulators.telnyx_app import TelnyxSimulatorConfig

_ADMIN_HELP = "  admin: POST/DELETE /__sim/faults, POST /__sim/latency, GET/DELETE /__sim/requests"


def build_parser() -> argparse.ArgumentParser:
    defaults = SimulatorConfig()
    parser = argparse.ArgumentParser(
        prog="python -m simulators",
        description="Serve a SignalWire Video (or Telnyx Video Rooms) API simulator with "
        "deterministic data.",
    )
    parser.add_argument("--provider", choices=("signalwire", "telnyx"), default="signalwire")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--sessions", type=int, default=defaults.session_count)
    parser.add_argument("--days", type=int, default=defaults.days)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--latency", type=float, default=defaults.latency, help="seconds")
    parser.add_argument("--project-id", default=defaults.project_id)
    parser.add_argument("--token", default=defaults.api_token)
    parser.add_argument("--links", choices=("absolute", "relative"), default=defaults.links)
    parser.add_argument(
        "--api-key", default=TelnyxSimulatorConfig().api_key, help="Telnyx only: the Bearer key"
    )
    return parser


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    return SimulatorConfig(
        seed=args.seed,
        session_count=args.sessions,
        days=args.days,
        latency=args.latency,
        project_id=args.project_id,
        api_token=args.token,
        links=args.links,
    )


def telnyx_config_from_args(args: argparse.Namespace) -> TelnyxSimulatorConfig:
    return TelnyxSimulatorConfig(
        seed=args.seed,
        session_count=args.sessions,
        days=args.days,
        latency=args.latency,
        api_key=args.api_key,
    )


def banner(sim: RunningSimulator) -> str:
    config = sim.config
    now = config.now.isoformat() if config.now else "?"
    return "\n".join(
        (
            f"SignalWire simulator listening on {sim.base_url}",
            f"  SIGNALWIRE_BASE_URL={sim.base_url}",
            f"  SIGNALWIRE_PROJECT_ID={config.project_id}",
            f"  SIGNALWIRE_API_TOKEN={config.api_token}",
            f"  data: {config.session_count} sessions over {config.days} days before {now}"
            f" (seed {config.seed})",
            _ADMIN_HELP,
            "Press Ctrl-C to stop.",
        )
    )


def telnyx_banner(sim: RunningTelnyxSimulator) -> str:
    config = sim.config
    now = config.now.isoformat() if config.now else "?"
    return "\n".join(
        (
            f"Telnyx simulator listening on {sim.base_url}",
            f"  TELNYX_BASE_URL={sim.base_url}",
            f"  TELNYX_API_KEY={sim.api_key}",
            f"  data: {config.session_count} sessions over {config.days} days before {now}"
            f" (seed {config.seed})",
            f"{_ADMIN_HELP} (on {sim.root_url})",
            "Press Ctrl-C to stop.",
        )
    )


async def serve(config: SimulatorConfig, host: str, port: int) -> None:
    async with run_simulator(config, host=host, port=port) as sim:
        print(banner(sim), flush=True)
        await asyncio.Event().wait()


async def serve_telnyx(config: TelnyxSimulatorConfig, host: str, port: int) -> None:
    async with run_telnyx_simulator(config, host=host, port=port) as sim:
        print(telnyx_banner(sim), flush=True)
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.provider == "telnyx":
            asyncio.run(serve_telnyx(telnyx_config_from_args(args), args.host, args.port))
        else:
            asyncio.run(serve(config_from_args(args), args.host, args.port))
    except KeyboardInterrupt:
        print("simulator stopped", file=sys.stderr)
    except (OSError, ValueError) as exc:
        print(f"simulator: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
