"""`python -m bot demo`: the provider simulator, a Slack stand-in and the real bot, all on
loopback, driven from a console. No account needed."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from typing import TextIO

from pydantic import SecretStr

from bot.app import build_runtime
from bot.demo.console import Console
from bot.logs import configure_logging
from bot.serve import serve_http
from bot.settings import Settings
from bot.simulator import SimulatorConfig, run_simulator
from bot.simulator.slack_api import run_slack_standin

DEMO_BOT_TOKEN = "xoxb-roomops-demo"
DEMO_SIGNING_SECRET = "roomops-demo-signing-secret"

BANNER = """RoomOps demo: a SignalWire simulator ({sessions} sessions over {days} days),
a local Slack stand-in and the real bot on {bot_url}.
Type /rooms help to start, press N to click a button, quit to leave."""


def demo_settings(slack_api_url: str, signalwire_url: str, project: str, token: str) -> Settings:
    # Explicit values: a developer's own environment must not change what the demo shows.
    return Settings(
        _env_file=None,
        slack_bot_token=SecretStr(DEMO_BOT_TOKEN),
        slack_signing_secret=SecretStr(DEMO_SIGNING_SECRET),
        slack_api_url=slack_api_url,
        video_provider="signalwire",
        signalwire_base_url=signalwire_url,
        signalwire_project_id=project,
        signalwire_api_token=SecretStr(token),
        allowed_users=(),
        allowed_channels=(),
    )


async def run_demo(
    *,
    session_count: int = 6000,
    stdin: TextIO | None = None,
    out: Callable[[str], None] = print,
) -> int:
    stdin = stdin or sys.stdin
    configure_logging("WARNING")
    logging.getLogger("slack_bolt").setLevel(logging.ERROR)
    config = SimulatorConfig(session_count=session_count)
    async with (
        run_simulator(config) as sim,
        run_slack_standin(bot_token=DEMO_BOT_TOKEN) as slack,
    ):
        settings = demo_settings(slack.api_url, sim.base_url, config.project_id, config.api_token)
        async with serve_http(build_runtime(settings), host="127.0.0.1", port=0) as server:
            console = Console(server.url, DEMO_SIGNING_SECRET, slack, out)
            out(BANNER.format(sessions=config.session_count, days=config.days, bot_url=server.url))
            interactive = stdin.isatty()
            while True:
                if interactive:
                    out("")
                line = await asyncio.to_thread(_read_line, stdin, interactive)
                if line is None:
                    break
                if not interactive and line.strip():
                    out(f"\nroomops> {line.strip()}")
                if not await console.handle(line):
                    break
    return 0


def _read_line(stdin: TextIO, interactive: bool) -> str | None:
    if interactive:
        try:
            return input("roomops> ")
        except EOFError:
            return None
    line = stdin.readline()
    return line if line else None
