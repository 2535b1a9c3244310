"""Command line: `python -m bot COMMAND` (also installed as `roomops`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

# The simulator generates sessions lazily; the bound keeps the demo's listings and paging
# realistic, well below its hard limit (ids encode the index in 32 bits).
MAX_DEMO_SESSIONS = 1_000_000


def _session_count(text: str) -> int:
    """`demo --sessions`: a usage error naming the range rather than a traceback."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_DEMO_SESSIONS:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {MAX_DEMO_SESSIONS}, e.g. --sessions 6000"
        )
    return count


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roomops", description="RoomOps: run video rooms on SignalWire or Telnyx from Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("serve", help="HTTP mode: POST /slack/events, GET /healthz on $PORT")
    commands.add_parser("socket", help="Socket Mode, same features")
    demo = commands.add_parser(
        "demo", help="everything on this machine: provider simulator, Slack stand-in, the bot"
    )
    demo.add_argument(
        "--sessions",
        type=_session_count,
        default=6000,
        metavar="N",
        help=f"simulated room sessions, 1 to {MAX_DEMO_SESSIONS} (default 6000)",
    )
    demo.add_argument(
        "--provider",
        choices=("signalwire", "telnyx"),
        default="signalwire",
        help="which provider's simulator the bot talks to (default signalwire)",
    )
    digest = commands.add_parser(
        "digest", help="post one daily digest now (once per channel and date unless --force)"
    )
    digest.add_argument(
        "--date", metavar="D", help="the day to report on, YYYY-MM-DD (default: yesterday)"
    )
    digest.add_argument(
        "--channel", metavar="C", help="channel id to post to (default: DIGEST_CHANNEL)"
    )
    digest.add_argument(
        "--dry-run", action="store_true", help="print the digest as text and post nothing"
    )
    digest.add_argument(
        "--force", action="store_true", help="post even if this date was posted to the channel"
    )
    commands.add_parser("migrate", help="create or update the database tables at DATABASE_URL")
    commands.add_parser("check-config", help="validate settings and reach Slack and the provider")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command: str = args.command
    if command == "check-config":
        from bot.check_config import check_config

        return asyncio.run(check_config())
    if command == "demo":
        from bot.demo import run_demo

        return run_demo(session_count=args.sessions, provider=args.provider)
    if command in ("serve", "socket"):
        from bot.serve import run_server

        return run_server("serve" if command == "serve" else "socket")
    if command == "digest":
        from bot.digest_cli import DigestArgs, run_digest

        return run_digest(
            DigestArgs(date=args.date, channel=args.channel, dry_run=args.dry_run, force=args.force)
        )
    if command == "migrate":
        from bot.migrate_cli import run_migrate

        return run_migrate()
    # A command offered by the parser but not run here would be advertising what is not there.
    parser.error(f"{command} is not implemented")


if __name__ == "__main__":
    sys.exit(main())
