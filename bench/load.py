"""Light load generator for `ack_latency.py`: one burst of signed slash commands, raw sockets.

Run as its own process by the orchestrator; reads a JSON spec on stdin and prints one JSON
object on stdout. It never imports an HTTP library: every request is pre-built as bytes
(signed with the signing secret) before the clock starts, all N connections are opened
first, then one synchronous loop writes all N complete HTTP/1.1 POSTs (Content-Length,
Connection: close), and each request is timed from its own write to the moment its status
line and headers have been read.

Spec (stdin)::

    {"host": "127.0.0.1", "port": 3000, "path": "/slack/events", "secret": "...",
     "timeout": 30.0, "settle": 0.2,
     "requests": [{"text": "...", "user_id": "...", "channel_id": "...",
                   "response_url": "..."}, ...]}

Result (stdout)::

    {"count": N, "connected": N, "first_sent_at": <time.time()>, "write_spread_ms": ...,
     "sent_at": [<time.time()> | null, ...], "ack_s": [<seconds> | null, ...],
     "status": [<int> | null, ...], "errors": {"<reason>": count},
     "heavy_modules": [...]}
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
# Modules that would mean the load generator is not the light client it claims to be.
HEAVY = ("aiohttp", "httpx", "slack_bolt", "simulators.server")


def _load_slack_payloads() -> ModuleType:
    # `import simulators.slack_payloads` would run simulators/__init__.py, which imports
    # the simulator server and with it aiohttp. The module itself needs only slack_sdk's
    # signature helper, so load that one file and nothing else.
    path = ROOT / "bot" / "simulator" / "slack_payloads.py"
    spec = importlib.util.spec_from_file_location("roomops_bench_slack_payloads", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from simulators import slack_payloads
else:
    slack_payloads = _load_slack_payloads()


def build_request(host: str, port: int, path: str, secret: str, item: dict[str, Any]) -> bytes:
    body = slack_payloads.slash_command(
        str(item["text"]),
        response_url=str(item["response_url"]),
        user_id=str(item["user_id"]),
        channel_id=str(item["channel_id"]),
    )
    headers = {
        "Host": f"{host}:{port}",
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        "Accept": "application/json,*/*",
        **slack_payloads.signed_headers(secret, body),
        "Content-Length": str(len(body.encode())),
        "Connection": "close",
    }
    head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (head + "\r\n").encode() + body.encode()


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def connect(host: str, port: int) -> Connection:
    return await asyncio.open_connection(host, port)


async def read_ack(
    reader: asyncio.StreamReader, started: float, deadline: float
) -> tuple[float | None, int | None, str | None]:
    """(seconds to status line + headers, status, error) for one request."""
    try:
        async with asyncio.timeout_at(deadline):
            head = await reader.readuntil(b"\r\n\r\n")
    except TimeoutError:
        return None, None, "no response before the deadline"
    except asyncio.IncompleteReadError:
        return None, None, "connection closed before the headers"
    except (ConnectionError, asyncio.LimitOverrunError) as exc:
        return None, None, f"read: {type(exc).__name__}"
    elapsed = time.perf_counter() - started
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ", 2)
    try:
        status = int(parts[1])
    except (IndexError, ValueError):
        return elapsed, None, f"bad status line {status_line[:60]!r}"
    return elapsed, status, None if status == 200 else f"HTTP {status}"


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    host, port, path = str(spec["host"]), int(spec["port"]), str(spec.get("path", "/slack/events"))
    if host != "127.0.0.1":
        raise ValueError("the load generator only talks to 127.0.0.1")
    timeout, settle = float(spec.get("timeout", 30.0)), float(spec.get("settle", 0.2))
    items: list[dict[str, Any]] = list(spec["requests"])
    count = len(items)
    # Everything that costs CPU happens here, before any connection exists.
    payloads = [build_request(host, port, path, str(spec["secret"]), item) for item in items]
    loop = asyncio.get_running_loop()

    # Start barrier, step 1: every connection open before any request is written.
    opened = await asyncio.wait_for(
        asyncio.gather(*(connect(host, port) for _ in payloads), return_exceptions=True),
        timeout,
    )
    errors: Counter[str] = Counter()
    connections: list[Connection | None] = []
    for result in opened:
        if isinstance(result, BaseException):
            errors[f"connect: {type(result).__name__}"] += 1
            connections.append(None)
        else:
            connections.append(result)
    # Let the server's accept loop take every connection off its backlog, so the burst
    # measures request handling, not the listen queue.
    await asyncio.sleep(settle)

    # Step 2: write every request in one synchronous loop (nothing else runs meanwhile).
    sent_at: list[float | None] = [None] * count
    started: list[float] = [0.0] * count
    for i, (connection, payload) in enumerate(zip(connections, payloads, strict=True)):
        if connection is None:
            continue
        started[i] = time.perf_counter()
        sent_at[i] = time.time()
        connection[1].write(payload)
    sent_times = [t for t in sent_at if t is not None]
    write_spread = (max(sent_times) - min(sent_times)) * 1000 if sent_times else 0.0
    deadline = loop.time() + timeout

    async def one(i: int) -> tuple[float | None, int | None, str | None]:
        connection = connections[i]
        if connection is None:
            return None, None, None
        reader, writer = connection
        try:
            return await read_ack(reader, started[i], deadline)
        finally:
            writer.close()

    results = await asyncio.gather(*(one(i) for i in range(count)))
    for _, _, error in results:
        if error is not None:
            errors[error] += 1
    return {
        "count": count,
        "connected": sum(c is not None for c in connections),
        "first_sent_at": min(sent_times) if sent_times else None,
        "write_spread_ms": write_spread,
        "sent_at": sent_at,
        "ack_s": [r[0] for r in results],
        "status": [r[1] for r in results],
        "errors": dict(errors),
        "heavy_modules": sorted(m for m in HEAVY if m in sys.modules),
    }


def main() -> int:
    spec = json.load(sys.stdin)
    result = asyncio.run(run(spec))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
