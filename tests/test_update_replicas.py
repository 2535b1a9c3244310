"""Two `python -m bot serve` processes behind one PostgreSQL, as two replicas behind a load
balancer: clicks on one request split across them apply it once."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot.demo import DEMO_BOT_TOKEN, DEMO_SIGNING_SECRET
from bot.settings import Settings
from simulators import RunningSimulator
from simulators.slack_api import RunningSlackStandin
from tests.slack_driver import ALICE, BOB, Driver, text_of

APPROVERS = (BOB, "U0CAROL003", "U0DAVE0004")
START_SECONDS = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_env(
    sim: RunningSimulator, slack: RunningSlackStandin, database_url: str, port: int
) -> dict[str, str]:
    # Only what the test sets: nothing from the developer's shell reaches the replicas.
    own = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key not in own}
    return {
        **env,
        "SLACK_BOT_TOKEN": DEMO_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": DEMO_SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "SIGNALWIRE_BASE_URL": sim.base_url,
        "SIGNALWIRE_PROJECT_ID": sim.config.project_id,
        "SIGNALWIRE_API_TOKEN": sim.config.api_token,
        "DATABASE_URL": database_url,
        "APPROVAL_CHANNEL": "C0APPROVAL",
        "APPROVERS": ",".join(APPROVERS),
        "PORT": str(port),
    }


@asynccontextmanager
async def replica(
    sim: RunningSimulator, slack: RunningSlackStandin, database_url: str, folder: Path
) -> AsyncIterator[str]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        env=serve_env(sim, slack, database_url, port),
        cwd=folder,  # no .env file of anyone's is read
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await until_healthy(url, process)
        yield url
    finally:
        if process.returncode is None:
            process.terminate()
        try:
            async with asyncio.timeout(10):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()


async def until_healthy(url: str, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient(timeout=1) as http:
        for _ in range(int(START_SECONDS / 0.1)):
            if process.returncode is not None:
                assert process.stderr is not None
                problem = (await process.stderr.read()).decode(errors="replace")
                raise AssertionError(f"serve exited with {process.returncode}: {problem}")
            try:
                if (await http.get(f"{url}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"serve did not answer /healthz within {START_SECONDS} s")


@pytest.mark.parametrize("migrated_url", ["postgresql"], indirect=True)
async def test_clicks_split_across_two_replicas_apply_once(
    sim: RunningSimulator, slack: RunningSlackStandin, migrated_url: str, tmp_path: Path
) -> None:
    async with AsyncExitStack() as stack:
        urls = [
            await stack.enter_async_context(replica(sim, slack, migrated_url, tmp_path))
            for _ in range(2)
        ]
        http = await stack.enter_async_context(httpx.AsyncClient(timeout=10))
        one, other = (Driver(url, slack, sim, http) for url in urls)
        reply = await one.ask("update standup max_members=31 quality=1080p", user=ALICE)
        assert "Asked for approval" in text_of(reply)
        (message,) = slack.channel_messages("C0APPROVAL")
        replies = await asyncio.gather(
            *(
                (one if n % 2 else other).press(message, "Approve", user=APPROVERS[n % 3])
                for n in range(10)
            )
        )
        winners = [r for r in replies if "already approved" not in text_of(r)]
        assert len(winners) == 1, [text_of(r) for r in replies]
        assert "applied" in text_of(winners[0])
        puts = [r for r in sim.requests if r.method == "PUT"]
        assert len(puts) == 1 and puts[0].json == {"max_members": 31, "quality": "1080p"}
        # Both replicas read the same store: the other one lists the request as decided.
        audit = text_of(await other.ask("audit standup limit=40"))
        assert audit.count("apply → applied") == 1
        assert audit.count("approve → lost") == 9
