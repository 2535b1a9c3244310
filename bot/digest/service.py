"""Building a digest and posting it: once per (channel, day), whichever replica gets there.

Exactly once comes from the store, never from the scheduler: a post starts by claiming
(channel, day) with a lease and ends by marking it posted. A replica that dies in between
leaves a lease that runs out, and the next attempt takes the claim over. A post that fails
gives its claim back at once, so the next attempt need not wait.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Literal
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.digest.chart import hourly_chart_png
from bot.digest.collect import collect_report
from bot.digest.render import render_digest
from bot.digest.summary import DigestReport
from bot.providers.base import VideoProvider
from bot.providers.flight import ReadFlights
from bot.settings import Settings
from bot.store.digests import Digests, Subscription

log = logging.getLogger("bot.digest")

# Long enough for a busy day's walk and the post; short enough that a replica that died
# holding it delays the digest by minutes, not hours.
LEASE_SECONDS = 15 * 60
# Channels due at the same moment in the same zone, and previews, share one walk through
# the sessions while it is this fresh; "in progress" figures are this much behind at most.
REPORT_TTL_SECONDS = 120.0
# What chat.postMessage says about a channel RoomOps cannot post in.
CANNOT_POST = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})


@dataclass(frozen=True)
class Target:
    """A channel that gets the digest every day at `post_time` in `timezone`."""

    channel: str
    post_time: time
    timezone: str
    source: Literal["settings", "subscription"]
    # When it began: a digest due before then is not this target's to catch up on.
    since: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class PostStatus(Enum):
    POSTED = "posted"
    ALREADY_POSTED = "already posted"
    # Another replica (or run) holds a live claim: it is posting this digest right now.
    IN_PROGRESS = "being posted elsewhere"


@dataclass(frozen=True)
class PostOutcome:
    status: PostStatus
    channel: str
    day: date
    message_ts: str | None = None
    posted_at: datetime | None = None
    # Sessions in the day; None when nothing was built.
    sessions: int | None = None
    chart_posted: bool = False


def process_owner() -> str:
    """Who holds a claim, for the log and the table: host, pid and a per-start suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class DigestService:
    def __init__(
        self,
        provider: VideoProvider,
        digests: Digests,
        client: AsyncWebClient,
        settings: Settings,
        *,
        clock: Callable[[], datetime],
        owner: str | None = None,
    ) -> None:
        self.provider = provider
        self.digests = digests
        self.client = client
        self.settings = settings
        self.clock = clock
        self._owner = owner or process_owner()
        self._reports = ReadFlights(REPORT_TTL_SECONDS, max_entries=32)

    # -- what and where --------------------------------------------------------------------

    def settings_target(self) -> Target | None:
        channel = self.settings.digest_channel
        if channel is None:
            return None
        return Target(channel, self.settings.digest_time, self.settings.digest_timezone, "settings")

    async def targets(self) -> list[Target]:
        """DIGEST_CHANNEL and every subscription; a channel subscribed on purpose keeps its
        own time and zone even when it is DIGEST_CHANNEL too."""
        found: dict[str, Target] = {}
        configured = self.settings_target()
        if configured is not None:
            found[configured.channel] = configured
        for subscription in await self.digests.subscriptions():
            found[subscription.channel] = _from_subscription(subscription)
        return list(found.values())

    async def target(self, channel: str) -> Target | None:
        subscription = await self.digests.subscription(channel)
        if subscription is not None:
            return _from_subscription(subscription)
        configured = self.settings_target()
        return configured if configured is not None and configured.channel == channel else None

    # -- building and posting --------------------------------------------------------------

    async def report(self, day: date, zone: ZoneInfo) -> DigestReport:
        key = ("DIGEST", day.isoformat(), (("zone", zone.key),))
        report: DigestReport = await self._reports.get(
            key, lambda: collect_report(self.provider, day, zone, now=self.clock())
        )
        return report

    async def post(
        self, channel: str, day: date, zone: ZoneInfo, *, force: bool = False
    ) -> PostOutcome:
        """Post the digest of `day` to `channel` unless it was posted already (or is being
        posted by someone else right now); `force` posts again whatever the record says."""
        owner = f"{self._owner}:{uuid.uuid4().hex[:8]}"  # one attempt, one owner
        if not force:
            claimed = await self.digests.claim(
                channel, day, owner=owner, lease_seconds=LEASE_SECONDS, at=self.clock()
            )
            if not claimed:
                claim = await self.digests.get_claim(channel, day)
                if claim is not None and claim.posted_at is not None:
                    return PostOutcome(
                        PostStatus.ALREADY_POSTED,
                        channel,
                        day,
                        message_ts=claim.message_ts,
                        posted_at=claim.posted_at,
                    )
                return PostOutcome(PostStatus.IN_PROGRESS, channel, day)
        try:
            report = await self.report(day, zone)
            reply = render_digest(report)
            response = await self.client.chat_postMessage(
                channel=channel, unfurl_links=False, unfurl_media=False, **reply.payload()
            )
        except BaseException:
            if not force:
                await self._give_back(channel, day, owner)
            raise
        ts = response.get("ts")
        message_ts = ts if isinstance(ts, str) else None
        posted_at = self.clock()
        if force:
            await self.digests.record_forced(
                channel, day, owner=owner, at=posted_at, message_ts=message_ts
            )
        elif not await self.digests.mark_posted(
            channel, day, owner=owner, at=posted_at, message_ts=message_ts
        ):
            log.warning("the digest for %s on %s was posted after its claim ran out", channel, day)
        chart = False
        if not report.summary.empty:
            chart = await self._upload_chart(report, channel)
        log.info(
            "posted the digest for %s to %s (%d sessions%s)",
            day,
            channel,
            report.summary.sessions,
            ", with its chart" if chart else "",
        )
        return PostOutcome(
            PostStatus.POSTED,
            channel,
            day,
            message_ts=message_ts,
            posted_at=posted_at,
            sessions=report.summary.sessions,
            chart_posted=chart,
        )

    async def _give_back(self, channel: str, day: date, owner: str) -> None:
        try:
            await asyncio.shield(self.digests.release(channel, day, owner=owner))
        except Exception:  # the lease runs out by itself; the post's own error matters more
            log.exception("could not release the digest claim for %s on %s", channel, day)

    async def _upload_chart(self, report: DigestReport, channel: str) -> bool:
        """The chart goes after the message; the digest stands without it, so a failure
        here is logged and leaves the post as it is."""
        summary = report.summary
        try:
            # Drawing takes a CPU for a moment: off the loop that acknowledges Slack.
            png = await asyncio.to_thread(hourly_chart_png, summary)
            await self.client.files_upload_v2(
                channel=channel,
                file=png,
                filename=f"rooms-digest-{summary.day.isoformat()}.png",
                title=f"Room sessions by hour, {summary.day.isoformat()} ({summary.zone})",
                alt_txt=f"Bar chart of the {summary.sessions} room sessions of "
                f"{summary.day.isoformat()} by the hour they started ({summary.zone})",
            )
        except Exception:
            log.exception("the digest chart for %s on %s was not posted", channel, summary.day)
            return False
        return True


def _from_subscription(subscription: Subscription) -> Target:
    return Target(
        subscription.channel,
        subscription.post_time,
        subscription.timezone,
        "subscription",
        since=subscription.created_at,
    )
