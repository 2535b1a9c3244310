"""`python -m bot demo`: the provider simulator, a Slack stand-in and the real bot, all on
loopback, driven from a console. No account needed."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Literal, TextIO

from pydantic import SecretStr
from sqlalchemy import func, select

from bot.app import open_runtime
from bot.demo.background import BackgroundLoop
from bot.demo.console import Console
from bot.demo.history import default_history_path, line_editing
from bot.logs import configure_logging
from bot.providers.base import provider_label
from bot.serve import serve_http
from bot.settings import Settings
from bot.store.outbox import PENDING
from bot.store.schema import OutboxRow
from bot.store.store import Store
from simulators import (
    AnySimulator,
    SimulatorConfig,
    TelnyxSimulatorConfig,
    run_simulator,
    run_telnyx_simulator,
)
from simulators.slack_api import run_slack_standin

DEMO_BOT_TOKEN = "xoxb-roomops-demo"
DEMO_SIGNING_SECRET = "roomops-demo-signing-secret"
DEMO_APPROVAL_CHANNEL = "C0APPROVAL"  # #roomops-approvals in the Slack stand-in
DEMO_APPROVER = "U0BOB00002"  # bob
PROMPT = "roomops> "
# Closing takes milliseconds; past this the process leaves anyway (the loop is a daemon).
CLOSE_SECONDS = 5.0
EXIT_INTERRUPTED = 130  # what a shell reports for a process ended by Ctrl-C

DemoProvider = Literal["signalwire", "telnyx"]
# A change each provider's catalogue takes (bot/approvals/fields.py).
EXAMPLE_CHANGES: Mapping[DemoProvider, str] = {
    "signalwire": "max_members=25",
    "telnyx": "max_participants=25",
}
BANNER = """RoomOps demo: a {provider} simulator ({sessions} sessions over {days} days),
a local Slack stand-in and the real bot on {bot_url}.
Type /rooms help to start, press N to click a button, quit (or Ctrl-D) to leave.
You are alice. Ask for a room change (/rooms update standup {change}), then type
as bob to switch to bob, the approver, and press Approve."""


def demo_settings(slack_api_url: str, provider: Mapping[str, str]) -> Settings:
    """`provider`: the settings that reach the simulator (its `provider_settings()`)."""
    # Explicit values: a developer's own environment must not change what the demo shows.
    return Settings(
        _env_file=None,
        slack_bot_token=SecretStr(DEMO_BOT_TOKEN),
        slack_signing_secret=SecretStr(DEMO_SIGNING_SECRET),
        slack_api_url=slack_api_url,
        allowed_users=(),
        allowed_channels=(),
        # Room updates: alice (the console's first user) asks, bob approves (`as bob`).
        approval_channel=DEMO_APPROVAL_CHANNEL,
        approvers=(DEMO_APPROVER,),
        requesters=(),
        allow_self_approval=False,
        approval_ttl_hours=24,
        **provider,  # type: ignore[arg-type]
    )


def demo_simulator(
    provider: DemoProvider, session_count: int
) -> AbstractAsyncContextManager[AnySimulator]:
    if provider == "telnyx":
        return run_telnyx_simulator(TelnyxSimulatorConfig(session_count=session_count))
    return run_simulator(SimulatorConfig(session_count=session_count))


@asynccontextmanager
async def demo_world(
    session_count: int, out: Callable[[str], None] = print, provider: DemoProvider = "signalwire"
) -> AsyncIterator[tuple[Console, str]]:
    """Simulator, Slack stand-in and bot, running; the console that drives them and a banner."""
    async with (
        demo_simulator(provider, session_count) as sim,
        run_slack_standin(bot_token=DEMO_BOT_TOKEN) as slack,
    ):
        settings = demo_settings(slack.api_url, sim.provider_settings())
        # A fresh database each time: the demo leaves nothing behind in ./var.
        with tempfile.TemporaryDirectory(prefix="roomops-demo-") as folder:
            database = {"database_url": f"sqlite:///{folder}/demo.db"}
            runtime = await open_runtime(settings.model_copy(update=database))
            async with serve_http(runtime, host="127.0.0.1", port=0) as server:
                banner = BANNER.format(
                    provider=provider_label(provider),
                    change=EXAMPLE_CHANGES[provider],
                    sessions=sim.config.session_count,
                    days=sim.config.days,
                    bot_url=server.url,
                )
                console = Console(server.url, DEMO_SIGNING_SECRET, slack, out)
                store = runtime.store
                if store is not None:
                    console.owed_sent = lambda: owed_sent(store)
                yield console, banner


async def owed_sent(store: Store, timeout: float = 3.0) -> None:  # noqa: ASYNC109
    """Until no outbox row is pending (or `timeout`: then later messages show when sent)."""
    statement = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == PENDING)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with store.engine.connect() as connection:
            if not await connection.scalar(statement):
                return
        await asyncio.sleep(0.02)


def run_demo(
    *,
    session_count: int = 6000,
    provider: DemoProvider = "signalwire",
    stdin: TextIO | None = None,
    out: Callable[[str], None] = print,
) -> int:
    """The console in this (main) thread, everything else on a loop in the background."""
    stdin = stdin or sys.stdin
    interactive = stdin.isatty()
    configure_logging("WARNING")
    logging.getLogger("slack_bolt").setLevel(logging.ERROR)
    world: BackgroundLoop[tuple[Console, str]] = BackgroundLoop(
        lambda: demo_world(session_count, out, provider)
    )
    try:
        console, banner = world.start()
        out(banner)
        if not interactive:
            return _converse(world, console, lambda: _next_piped_line(stdin), echo=True, out=out)
        with line_editing(default_history_path()):
            return _converse(world, console, _next_typed_line, echo=False, out=out)
    except KeyboardInterrupt:
        # Whatever was running (the prompt, a command waiting for its reply) ends here.
        out("\nInterrupted; closing the demo.")
        return EXIT_INTERRUPTED
    finally:
        if not world.stop(CLOSE_SECONDS):
            out(f"(the demo did not close within {CLOSE_SECONDS:.0f} s; leaving anyway)")


def _converse(
    world: BackgroundLoop[tuple[Console, str]],
    console: Console,
    next_line: Callable[[], str | None],
    *,
    echo: bool,
    out: Callable[[str], None],
) -> int:
    while True:
        if not echo:
            out("")
        line = next_line()
        if line is None:
            return 0
        if echo and line.strip():
            out(f"\n{PROMPT}{line.strip()}")
        if not world.run(console.handle(line)):
            return 0


def _next_typed_line() -> str | None:
    try:
        return input(PROMPT)
    except EOFError:
        print()  # Ctrl-D leaves the cursor after the prompt
        return None


def _next_piped_line(stdin: TextIO) -> str | None:
    line = stdin.readline()
    return line if line else None
