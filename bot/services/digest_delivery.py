"""What the outbox sends for a digest: the message (`digest.post`) and, once that is in
Slack, its chart (`digest.chart`)."""

from __future__ import annotations

import base64
import binascii
from datetime import date

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.digest.owed import DIGEST_CHART, DIGEST_POST
from bot.services.delivery import Composer, Defer, Outgoing, Post, Upload
from bot.store.digests import Digests
from bot.store.outbox import PENDING, SENT, Outbox, OutboxEntry

# How soon a chart looks again for its post.
CHART_WAIT_SECONDS = 1.0


class DigestPostComposer:
    def __init__(self, digests: Digests) -> None:
        self.digests = digests

    async def compose(self, entry: OutboxEntry) -> Outgoing:
        payload = entry.payload
        blocks = payload.get("blocks")
        return Post(
            channel=entry.channel,
            text=str(payload.get("text") or ""),
            blocks=blocks if isinstance(blocks, list) else None,
            extra={"unfurl_links": False, "unfurl_media": False},
        )

    async def sent(
        self, connection: AsyncConnection, entry: OutboxEntry, channel: str, ts: str | None
    ) -> None:
        day = date.fromisoformat(str(entry.payload["day"]))
        await self.digests.record_message(connection, entry.channel, day, ts)

    async def undelivered(
        self, connection: AsyncConnection, entry: OutboxEntry, error: str
    ) -> None:
        """Nothing reached the channel: the day is not posted, and may be tried again."""
        day = date.fromisoformat(str(entry.payload["day"]))
        await self.digests.reopen(entry.channel, day, connection=connection)


class DigestChartComposer:
    """The chart follows its post: not before it is in Slack, not at all if it never is."""

    def __init__(self, outbox: Outbox, *, wait_seconds: float = CHART_WAIT_SECONDS) -> None:
        self.outbox = outbox
        self.wait_seconds = wait_seconds

    async def compose(self, entry: OutboxEntry) -> Outgoing:
        payload = entry.payload
        post = await self.outbox.get(int(payload["post"]))
        if post is None or post.status not in (PENDING, SENT):
            return None  # the digest itself was given up on: a chart alone means nothing
        if post.status == PENDING:
            return Defer(self.wait_seconds)
        try:
            content = base64.b64decode(str(payload["png"]), validate=True)
        except (binascii.Error, ValueError):
            return None
        return Upload(
            channel=post.sent_channel or entry.channel,
            filename=str(payload["filename"]),
            title=str(payload["title"]),
            alt_text=str(payload["alt_text"]),
            content=content,
        )

    async def sent(
        self, connection: AsyncConnection, entry: OutboxEntry, channel: str, ts: str | None
    ) -> None:
        return None


def digest_composers(
    digests: Digests, outbox: Outbox, *, chart_wait_seconds: float = CHART_WAIT_SECONDS
) -> dict[str, Composer]:
    return {
        DIGEST_POST: DigestPostComposer(digests),
        DIGEST_CHART: DigestChartComposer(outbox, wait_seconds=chart_wait_seconds),
    }
