"""Building a digest and owing it to Slack: once per (channel, day), whichever replica
gets there.

Exactly once comes from the store, never from the scheduler: a post starts by claiming
(channel, day) with a lease, builds the digest, and then in one transaction closes the
claim and writes the message and its chart to the outbox, which delivers them (and, should
Slack take the message while the database does not hear of it, finds it by its metadata
rather than posting it twice). A replica that dies before that transaction leaves a lease
that runs out, and the next attempt takes the claim over; a build that fails gives its
claim back at once, so the next attempt need not wait.
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

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.digest.chart import hourly_chart_png
from bot.digest.collect import collect_report
from bot.digest.errors import DigestRefused
from bot.digest.owed import DIGEST_CHART, DIGEST_POST, digest_subject, owed_chart, owed_post
from bot.digest.render import render_digest
from bot.digest.summary import DaySummary, DigestReport
from bot.ids import is_user_id
from bot.owed import Owed
from bot.providers.base import VideoProvider
from bot.providers.flight import ReadFlights
from bot.services.jobs import daily_trigger
from bot.services.slack_port import SlackAnswered, SlackPort
from bot.settings import Settings
from bot.store.digests import Digests, Subscription
from bot.store.outbox import UNDELIVERED, Outbox, OutboxEntry

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
    # Written to the outbox: a deliverer sends it (at once, normally).
    QUEUED = "queued"
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
    # The outbox rows that carry it (QUEUED): the message, and the chart if there is one.
    post_entry: int | None = None
    chart_entry: int | None = None


def process_owner() -> str:
    """Who holds a claim, for the log and the table: host, pid and a per-start suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class DigestService:
    def __init__(
        self,
        provider: VideoProvider,
        digests: Digests,
        slack: SlackPort,
        settings: Settings,
        *,
        clock: Callable[[], datetime],
        outbox: Outbox,
        owner: str | None = None,
        on_owed: Callable[[], None] | None = None,
    ) -> None:
        self.provider = provider
        self.digests = digests
        self.outbox = outbox
        self.slack = slack
        self.settings = settings
        self.clock = clock
        # Wakes this process's deliverer once a digest is written to the outbox.
        self.on_owed = on_owed
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
        """Owe the digest of `day` to `channel` unless it is owed or posted already (or is
        being built by someone else right now); `force` owes a new post whatever the record
        says. QUEUED: the message (and its chart) are in the outbox."""
        owner = f"{self._owner}:{uuid.uuid4().hex[:8]}"  # one attempt, one owner
        if not force:
            refused = await self._claim(channel, day, owner)
            if refused is not None:
                return refused
        try:
            report = await self.report(day, zone)
            reply = render_digest(report)
            summary = report.summary
            # Drawing takes a CPU for a moment: off the loop that acknowledges Slack.
            png = None if summary.empty else await asyncio.to_thread(hourly_chart_png, summary)
            at = self.clock()
            entries: list[int] = []

            async def owe(connection: AsyncConnection) -> None:
                post_id = await self.outbox.add(
                    connection,
                    owed_post(channel, day, reply.payload(), sessions=summary.sessions),
                    at=at,
                )
                entries.append(post_id)
                if png is not None:
                    chart = _chart(channel, day, post_id, png, summary)
                    entries.append(await self.outbox.add(connection, chart, at=at))

            kept = await self.digests.mark_owed(
                channel, day, owner=owner, at=at, force=force, also=owe
            )
        except BaseException:
            if not force:
                await self._give_back(channel, day, owner)
            raise
        if not kept:
            # The build outlasted the lease and another attempt took the claim over.
            log.warning("the digest for %s on %s was built after its claim ran out", channel, day)
            return PostOutcome(PostStatus.IN_PROGRESS, channel, day)
        if self.on_owed is not None:
            self.on_owed()
        log.info(
            "the digest for %s to %s is queued (%d sessions%s)",
            day,
            channel,
            summary.sessions,
            ", with its chart" if png is not None else "",
        )
        return PostOutcome(
            PostStatus.QUEUED,
            channel,
            day,
            posted_at=at,
            sessions=summary.sessions,
            post_entry=entries[0],
            chart_entry=entries[1] if len(entries) > 1 else None,
        )

    async def _claim(self, channel: str, day: date, owner: str) -> PostOutcome | None:
        """Take the day's claim for `owner`; when another has it, what to answer instead."""
        claimed = await self.digests.claim(
            channel, day, owner=owner, lease_seconds=LEASE_SECONDS, at=self.clock()
        )
        if claimed:
            return None
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

    async def owed(self, channel: str, day: date) -> tuple[OutboxEntry, OutboxEntry | None] | None:
        """The latest post of this digest in the outbox and its chart (if any): what is
        owed, sent, or given up on; None when it never went through the outbox."""
        entries = await self.outbox.for_subject(digest_subject(channel, day))
        posts = [e for e in entries if e.kind == DIGEST_POST]
        if not posts:
            return None
        post = posts[-1]
        charts = [e for e in entries if e.kind == DIGEST_CHART and e.payload.get("post") == post.id]
        return post, charts[-1] if charts else None

    async def last_refusal(self, channel: str, day: date) -> datetime | None:
        """When the outbox last gave up on this digest's post (Slack refused it), if the
        latest try ended so; None otherwise."""
        owed = await self.owed(channel, day)
        if owed is not None and owed[0].status == UNDELIVERED:
            return owed[0].due_at
        return None

    async def _give_back(self, channel: str, day: date, owner: str) -> None:
        try:
            await asyncio.shield(self.digests.release(channel, day, owner=owner))
        except Exception:  # the lease runs out by itself; the build's own error matters more
            log.exception("could not release the digest claim for %s on %s", channel, day)

    # -- this channel's subscription --------------------------------------------------------

    async def subscribe(
        self, channel: str, user: str, post_time: time | None, timezone: str | None
    ) -> Subscribed:
        """A daily digest in `channel`; what is not given comes from the settings. Said in
        the channel first: the people there should know who set it up, and a channel
        RoomOps cannot post to fails here (DigestRefused), before anything is stored."""
        post_time = post_time or self.settings.digest_time
        timezone = timezone or self.settings.digest_timezone
        before = await self.digests.subscription(channel)
        now = self.clock()
        first = next_post(Target(channel, post_time, timezone, "subscription", since=now), now)
        when = f"{post_time.strftime('%H:%M')} {timezone}"
        await self._announce(
            channel,
            f"{_mention(user)} set this channel to get the daily rooms digest at {when}, "
            f"the first on {day_text(first)}. `/rooms digest unsubscribe` stops it.",
        )
        await self.digests.subscribe(
            Subscription(
                channel=channel,
                post_time=post_time,
                timezone=timezone,
                created_by=user,
                created_at=now,
            )
        )
        log.info("digest subscription for %s: daily at %s", channel, when)
        return Subscribed(post_time, timezone, first, before)

    async def unsubscribe(self, channel: str, user: str) -> Unsubscribed:
        """Stops `channel`'s subscription, if it has one; the channel is told, if it can be."""
        removed = await self.digests.unsubscribe(channel)
        configured = self.settings_target()
        still = configured if configured is not None and configured.channel == channel else None
        if removed:
            log.info("digest subscription for %s removed", channel)
            await self._announce(
                channel,
                f"{_mention(user)} stopped the daily rooms digest in this channel.",
                required=False,
            )
        return Unsubscribed(removed, still)

    async def _announce(self, channel: str, text: str, *, required: bool = True) -> None:
        try:
            await self.slack.post(channel, text, unfurl_links=False)
        except SlackAnswered as exc:
            error = exc.error
            if required and error in CANNOT_POST:
                raise DigestRefused(
                    f"RoomOps cannot post in this channel (Slack says {error}), so the digest "
                    "could not come here. Invite it (`/invite @roomops`), then subscribe again."
                ) from None
            if required:
                raise
            log.warning("could not tell %s about its digest subscription: %s", channel, error)


def _chart(channel: str, day: date, post_id: int, png: bytes, summary: DaySummary) -> Owed:
    return owed_chart(
        channel,
        day,
        post_id,
        png,
        filename=f"rooms-digest-{day.isoformat()}.png",
        title=f"Room sessions by hour, {day.isoformat()} ({summary.zone})",
        alt_text=f"Bar chart of the {summary.sessions} room sessions of "
        f"{day.isoformat()} by the hour they started ({summary.zone})",
    )


def _from_subscription(subscription: Subscription) -> Target:
    return Target(
        subscription.channel,
        subscription.post_time,
        subscription.timezone,
        "subscription",
        since=subscription.created_at,
    )


@dataclass(frozen=True)
class Subscribed:
    post_time: time
    timezone: str
    first: datetime  # the first digest this subscription posts
    before: Subscription | None  # what it replaced


@dataclass(frozen=True)
class Unsubscribed:
    removed: bool  # whether the channel had a subscription
    still: Target | None  # DIGEST_CHANNEL's target, when it is this channel


def next_post(target: Target, now: datetime) -> datetime:
    """When `target` next gets its digest: the scheduler's own trigger, asked."""
    moment = daily_trigger(target.post_time, target.zone).get_next_fire_time(None, now)
    assert isinstance(moment, datetime)  # a daily trigger always has a next time
    return moment


def day_text(moment: datetime) -> str:
    return f"{moment.strftime('%A')} {moment.day} {moment.strftime('%B %Y')} at {moment:%H:%M}"


def _mention(user: str) -> str:
    return f"<@{user}>" if is_user_id(user) else "Someone"
