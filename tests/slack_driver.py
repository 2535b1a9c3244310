"""Drives the real bot over HTTP the way Slack does: signed payloads, replies captured by the
Slack stand-in at their response_url."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bot.app import Runtime, open_runtime
from bot.demo import DEMO_SIGNING_SECRET, demo_settings
from bot.demo.render_text import render_message
from bot.providers.http import RetryPolicy, verified_tls
from bot.serve import serve_http
from bot.settings import Settings
from bot.store.errors import DatabaseUnavailable
from bot.store.migrate import migrate
from bot.store.outbox import PENDING
from bot.store.schema import OutboxRow
from simulators import AnySimulator
from simulators.slack_api import RunningSlackStandin
from simulators.slack_payloads import block_action, signed_headers, slash_command

ALICE = "U0ALICE001"  # Europe/London in the stand-in
BOB = "U0BOB00002"  # America/New_York
CHANNEL = "C0GENERAL1"


@dataclass
class Sent:
    response: httpx.Response
    response_url: str
    ack_seconds: float


@dataclass
class Driver:
    url: str
    slack: RunningSlackStandin
    sim: AnySimulator
    http: httpx.AsyncClient
    secret: str = DEMO_SIGNING_SECRET
    runtime: Runtime | None = None
    # Replies return once the outbox has sent what is owed (the messages a step owes are
    # sent just after it): tests read the channels as a person would a moment later.
    # Fault tests turn it off and wait for what they expect themselves.
    drain_outbox: bool = True

    async def post(
        self, body: str, *, timestamp: int | None = None, secret: str | None = None
    ) -> httpx.Response:
        headers = signed_headers(secret or self.secret, body, timestamp=timestamp)
        return await self.http.post(f"{self.url}/slack/events", content=body, headers=headers)

    async def command(
        self,
        text: str,
        *,
        user: str = ALICE,
        channel: str = CHANNEL,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> Sent:
        url = self.slack.new_response_url()
        body = slash_command(text, response_url=url, user_id=user, channel_id=channel)
        started = time.monotonic()
        response = await self.post(body, timestamp=timestamp, secret=secret)
        return Sent(response, url, time.monotonic() - started)

    async def reply(self, sent: Sent, wait: float = 10.0) -> dict[str, Any]:
        assert sent.response.status_code == 200, sent.response.text
        posts = await self.slack.wait_for_response(sent.response_url, timeout=wait)
        assert len(posts) == 1
        if self.drain_outbox:
            await self.outbox_drained()
        return posts[0].body

    async def outbox_drained(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until no outbox row is pending (or `timeout`, then the test's own assertions
        say what is missing)."""
        store = self.runtime.store if self.runtime is not None else None
        if store is None:
            return
        statement = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == PENDING)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                async with store.engine.connect() as connection:
                    if not await connection.scalar(statement):
                        return
            except DatabaseUnavailable:
                return  # a test that stopped the database: nothing is sent meanwhile
            await asyncio.sleep(0.02)

    async def ask(self, text: str, **kwargs: Any) -> dict[str, Any]:
        return await self.reply(await self.command(text, **kwargs))

    def channel_of(self, message: dict[str, Any]) -> str:
        """Where a message is: a channel message the stand-in holds is clicked where it was
        posted; anything else (a reply to the caller) in CHANNEL."""
        ts = message.get("ts")
        found = (channel for (channel, at) in self.slack.messages if ts and at == ts)
        return next(found, CHANNEL)

    async def press(
        self, message: dict[str, Any], label: str, *, user: str = ALICE, index: int = 0
    ) -> dict[str, Any]:
        buttons = [b for b in render_message(message).buttons if b.label == label]
        assert buttons, f"no {label!r} button in {render_message(message).lines}"
        url = self.slack.new_response_url()
        body = block_action(
            buttons[index].action,
            response_url=url,
            user_id=user,
            channel_id=self.channel_of(message),
            message=message,
        )
        response = await self.post(body)
        return await self.reply(Sent(response, url, 0.0))


def settings_for(sim: AnySimulator, slack: RunningSlackStandin, **changes: Any) -> Settings:
    base = demo_settings(slack.api_url, sim.provider_settings())
    return base.model_copy(update=changes)


FAST_RETRIES = RetryPolicy(initial_backoff=0.01, max_backoff=0.05)
_TEMPLATE: list[Path] = []


async def _migrated_template() -> Path:
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="roomops-template-"))
        await migrate(f"sqlite:///{folder / 'template.db'}")
        # The migration's engine is disposed: the WAL is folded back, the file is whole.
        _TEMPLATE.append(folder / "template.db")
    return _TEMPLATE[0]


@asynccontextmanager
async def running_bot(
    sim: AnySimulator,
    slack: RunningSlackStandin,
    parts: Mapping[str, Any] | None = None,
    /,
    **changes: Any,
) -> AsyncIterator[Driver]:
    """`changes` are settings; `parts` go to the runtime as they are (a clock, say)."""
    with tempfile.TemporaryDirectory(prefix="roomops-test-") as folder:
        if "database_url" not in changes:
            # A copy of one database migrated per test process: each bot gets a fresh one.
            database = Path(folder) / "roomops.db"
            shutil.copyfile(await _migrated_template(), database)
            changes["database_url"] = f"sqlite:///{database}"
        # Retries as many as in production, with short pauses between them.
        parts = {"retry_policy": FAST_RETRIES, **(parts or {})}
        runtime = await open_runtime(settings_for(sim, slack, **changes), **parts)
        async with (
            serve_http(runtime, host="127.0.0.1", port=0) as server,
            httpx.AsyncClient(timeout=10, verify=verified_tls()) as http,
        ):
            yield Driver(server.url, slack, sim, http, runtime=runtime)


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("text") or "")


def blocks_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or [])
