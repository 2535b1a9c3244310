"""Two `python -m bot serve` processes behind one PostgreSQL, both with the digest due when
they start: it is posted once."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.simulator import RunningSimulator
from bot.simulator.slack_api import RunningSlackStandin
from tests.test_update_replicas import replica

CHANNEL = "C0DIGEST01"


@pytest.mark.parametrize("migrated_url", ["postgresql"], indirect=True)
async def test_two_replicas_catching_up_post_the_digest_once(
    sim: RunningSimulator, slack: RunningSlackStandin, migrated_url: str, tmp_path: Path
) -> None:
    # Due a minute ago (real time: these are real processes): both catch up at start.
    due = datetime.now(UTC) - timedelta(minutes=1)
    env = {
        "DIGEST_CHANNEL": CHANNEL,
        "DIGEST_TIME": due.strftime("%H:%M"),
        "DIGEST_TIMEZONE": "UTC",
    }
    async with AsyncExitStack() as stack:
        for _ in range(2):
            await stack.enter_async_context(replica(sim, slack, migrated_url, tmp_path, env))
        await slack.wait_for_call("chat.postMessage", timeout=30)
        # Both look first 2 s after their start, which was at most a second or two apart:
        # by now the other has tried too, and found the claim.
        await asyncio.sleep(3)
    assert len(slack.calls_to("chat.postMessage")) == 1
    (message,) = slack.channel_messages(CHANNEL)
    assert "Rooms digest" in message["text"] or "No room sessions" in message["text"]
