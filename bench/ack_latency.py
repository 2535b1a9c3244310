"""Ack latency of `/rooms` under load.

Fires N concurrent signed slash commands at the real bot (`python -m bot serve`, its own
process) while the SignalWire simulator (its own process) answers every call in 1 s, and
the same at a bare Bolt AsyncApp that only acks, in the same run. Prints p50/p99 of the
time to the HTTP acknowledgement, their ratio, and how many replies reached response_url.

    .venv/bin/python bench/ack_latency.py [--requests 200] [--latency 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from bot.simulator.slack_api import RunningSlackStandin, run_slack_standin
from bot.simulator.slack_payloads import signed_headers, slash_command

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "xoxb-roomops-bench"
SECRET = "roomops-bench-signing-secret"
PROJECT, API_TOKEN = "bench-project", "bench-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def process(args: Sequence[str], env: dict[str, str]) -> AsyncIterator[None]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()


async def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=1) as client:
        while time.monotonic() < deadline:
            try:
                await client.get(url)
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within {seconds}s")


async def fire(url: str, slack: RunningSlackStandin, count: int) -> tuple[list[float], list[str]]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def one(i: int) -> tuple[float, str]:
            reply_to = slack.new_response_url()
            body = slash_command(
                f"sessions limit=5 match=s{i % 3}",
                response_url=reply_to,
                user_id="U0ALICE001",
                channel_id="C0GENERAL1",
            )
            started = time.perf_counter()
            response = await client.post(
                f"{url}/slack/events", content=body, headers=signed_headers(SECRET, body)
            )
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
            return elapsed, reply_to

        # Warm up once: Bolt authorizes (auth.test) on its first request.
        await one(-1)
        results = await asyncio.gather(*(one(i) for i in range(count)))
    return [r[0] for r in results], [r[1] for r in results]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def main(count: int, latency: float) -> None:
    sim_port, bot_port, bare_port = free_port(), free_port(), free_port()
    sim_url = f"http://127.0.0.1:{sim_port}"
    async with run_slack_standin(bot_token=TOKEN) as slack:
        slack_env = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
        }
        bot_env = {
            **slack_env,
            "PORT": str(bot_port),
            "SIGNALWIRE_BASE_URL": sim_url,
            "SIGNALWIRE_PROJECT_ID": PROJECT,
            "SIGNALWIRE_API_TOKEN": API_TOKEN,
            "ALLOWED_USERS": "",
            "ALLOWED_CHANNELS": "",
        }
        sim_args = ["-m", "bot.simulator", "--port", str(sim_port), "--latency", str(latency),
                    "--project-id", PROJECT, "--token", API_TOKEN]  # fmt: skip
        async with (
            process(sim_args, {}),
            process(["-m", "bot", "serve"], bot_env),
            process(["bench/bare_bolt.py", str(bare_port)], {**slack_env, "PYTHONPATH": str(ROOT)}),
        ):
            await wait_until_up(f"{sim_url}/__sim/requests")
            await wait_until_up(f"http://127.0.0.1:{bot_port}/healthz")
            await wait_until_up(f"http://127.0.0.1:{bare_port}/healthz")
            bot_acks, reply_urls = await fire(f"http://127.0.0.1:{bot_port}", slack, count)
            bare_acks, _ = await fire(f"http://127.0.0.1:{bare_port}", slack, count)
            started = time.monotonic()
            delivered = 0
            for url in reply_urls:
                remaining = max(0.1, 60 - (time.monotonic() - started))
                try:
                    await slack.wait_for_response(url, timeout=remaining)
                    delivered += 1
                except TimeoutError:
                    pass

    rows = [("RoomOps /rooms sessions", bot_acks), ("bare Bolt AsyncApp (ack only)", bare_acks)]
    print(f"{count} concurrent slash commands; simulated provider latency {latency:.1f} s")
    print(f"{'app':32} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in rows:
        print(
            f"{name:32} {percentile(values, 50) * 1000:8.1f} "
            f"{percentile(values, 99) * 1000:8.1f} {max(values) * 1000:8.1f}"
        )
    ratio50 = percentile(bot_acks, 50) / percentile(bare_acks, 50)
    ratio99 = percentile(bot_acks, 99) / percentile(bare_acks, 99)
    print(f"ratio RoomOps/bare: p50 {ratio50:.2f}x, p99 {ratio99:.2f}x")
    print(f"replies delivered through response_url: {delivered}/{count}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--latency", type=float, default=1.0)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.latency))
