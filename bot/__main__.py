"""Command line: `python -m bot COMMAND` (also installed as `roomops`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roomops", description="RoomOps: run video rooms on SignalWire and Telnyx from Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("serve", help="HTTP mode: POST /slack/events, GET /healthz on $PORT")
    commands.add_parser("socket", help="Socket Mode, same features")
    demo = commands.add_parser(
        "demo", help="everything on this machine: provider simulator, Slack stand-in, the bot"
    )
    demo.add_argument("--sessions", type=int, default=6000, help="simulated room sessions")
    digest = commands.add_parser("digest", help="post one digest now")
    digest.add_argument("--date")
    digest.add_argument("--channel")
    digest.add_argument("--dry-run", action="store_true")
    digest.add_argument("--force", action="store_true")
    commands.add_parser("migrate", help="apply database migrations")
    commands.add_parser("check-config", help="validate settings and reach Slack and the provider")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command: str = args.command
    if command == "check-config":
        from bot.check_config import check_config

        return asyncio.run(check_config())
    if command == "demo":
        from bot.demo import run_demo

        return asyncio.run(run_demo(session_count=args.sessions))
    if command in ("serve", "socket"):
        from bot.serve import run_server

        return run_server("serve" if command == "serve" else "socket")
    print(f"roomops {command}: not available in this release yet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
