"""A bare Bolt AsyncApp that only acknowledges `/rooms`: the baseline for ack latency.

Served by the same aiohttp adapter as RoomOps, so the difference is RoomOps' own work.
"""

from __future__ import annotations

import asyncio
import os
import sys

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.serve import build_web_app


async def serve(port: int) -> None:
    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    app.command("/rooms")(only_ack)
    runner = web.AppRunner(build_web_app(app), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
