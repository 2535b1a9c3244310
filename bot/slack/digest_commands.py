"""`/rooms digest ...`: a preview to the caller, and this channel's subscription."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.commands.model import DigestCommand, DigestSubscribeCommand, DigestUnsubscribeCommand
from bot.digest.days import previous_day
from bot.digest.errors import DigestRefused
from bot.digest.render import render_digest
from bot.ids import is_user_id
from bot.render.kit import Reply, context, section
from bot.services.digests import CANNOT_POST, DigestService, Target
from bot.services.scheduler import daily_trigger
from bot.services.slack_port import SlackAnswered
from bot.slack.services import Services
from bot.store.digests import Subscription

log = logging.getLogger("bot.slack.digest")

DigestCommands = DigestCommand | DigestSubscribeCommand | DigestUnsubscribeCommand
DIGEST_COMMANDS = (DigestCommand, DigestSubscribeCommand, DigestUnsubscribeCommand)
# How far back a preview may go: each day further back is another walk through every
# session since, newest first.
MAX_PREVIEW_DAYS = 92


def digest_service(services: Services) -> DigestService:
    if services.digest is None:
        raise RuntimeError("the store is not open, so digests cannot run")
    return services.digest


async def answer_digest_command(
    command: DigestCommands, services: Services, body: dict[str, Any]
) -> Reply:
    service = digest_service(services)
    channel = body.get("channel_id")
    if not isinstance(channel, str) or not channel:
        raise DigestRefused("Digests belong to a channel: run this in the channel itself.")
    if isinstance(command, DigestSubscribeCommand):
        return await _subscribe(command, service, channel, body.get("user_id"))
    if isinstance(command, DigestUnsubscribeCommand):
        return await _unsubscribe(service, channel, body.get("user_id"))
    zone = await services.zones.zone(body.get("user_id"))
    day = preview_day(command.day, services.clock(), zone)
    report = await service.report(day, zone)
    note = subscription_line(await service.target(channel), services.clock())
    return render_digest(
        report,
        note=f"Preview, only you can see it. {note} The posted digest adds a chart by hour.",
    )


def preview_day(asked: date | None, now: datetime, zone: ZoneInfo) -> date:
    """The day to preview, or a refusal naming the days that can be (pure)."""
    if asked is None:
        return previous_day(now, zone)
    today = now.astimezone(zone).date()
    if asked > today:
        raise DigestRefused(
            f"{asked.isoformat()} has not begun yet in your time zone ({zone.key}). "
            f"`/rooms digest` previews yesterday, {(today - timedelta(days=1)).isoformat()}."
        )
    if asked < today - timedelta(days=MAX_PREVIEW_DAYS):
        raise DigestRefused(
            f"A preview goes back {MAX_PREVIEW_DAYS} days at most: pick a date from "
            f"{(today - timedelta(days=MAX_PREVIEW_DAYS)).isoformat()} on."
        )
    return asked


def subscription_line(target: Target | None, now: datetime) -> str:
    """This channel's subscription, as one sentence of mrkdwn (pure)."""
    if target is None:
        return (
            "This channel gets no daily digest; "
            "`/rooms digest subscribe [HH:MM] [TZ]` posts one here every day."
        )
    when = f"{target.post_time.strftime('%H:%M')} {target.timezone}"
    source = (
        "set by DIGEST_CHANNEL"
        if target.source == "settings"
        else "`/rooms digest unsubscribe` stops it"
    )
    upcoming = next_post(target, now)
    return f"This channel gets it every day at {when}, next on {_day_text(upcoming)} ({source})."


def next_post(target: Target, now: datetime) -> datetime:
    moment = daily_trigger(target.post_time, target.zone).get_next_fire_time(None, now)
    assert isinstance(moment, datetime)  # a daily trigger always has a next time
    return moment


async def _subscribe(
    command: DigestSubscribeCommand, service: DigestService, channel: str, user: Any
) -> Reply:
    settings = service.settings
    post_time = command.post_time or settings.digest_time
    timezone = command.timezone or settings.digest_timezone
    who = user if isinstance(user, str) else ""
    before = await service.digests.subscription(channel)
    now = service.clock()
    target = Target(channel, post_time, timezone, "subscription", since=now)
    when = f"{post_time.strftime('%H:%M')} {timezone}"
    first = _day_text(next_post(target, now))
    # Said in the channel first: the people there should know who set it up, and a channel
    # RoomOps cannot post to fails here, before anything is stored.
    await _announce(
        service,
        channel,
        f"{_mention(who)} set this channel to get the daily rooms digest at {when}, "
        f"the first on {first}. `/rooms digest unsubscribe` stops it.",
    )
    await service.digests.subscribe(
        Subscription(
            channel=channel, post_time=post_time, timezone=timezone, created_by=who, created_at=now
        )
    )
    if before is None:
        lead = f"Subscribed: this channel gets the rooms digest every day at {when}"
    else:
        was = f"{before.post_time.strftime('%H:%M')} {before.timezone}"
        lead = f"Changed: this channel now gets the rooms digest every day at {when} (was {was})"
    text = (
        f"{lead}, the first on {first}. Each covers the day before, in {timezone}. "
        "`/rooms digest` previews it; `/rooms digest unsubscribe` stops it."
    )
    log.info("digest subscription for %s: daily at %s", channel, when)
    return Reply(text, [section(f":white_check_mark: {text}")])


async def _unsubscribe(service: DigestService, channel: str, user: Any) -> Reply:
    removed = await service.digests.unsubscribe(channel)
    configured = service.settings_target()
    still = (
        f" It still gets the digest every day at {configured.post_time.strftime('%H:%M')} "
        f"{configured.timezone} from the DIGEST_CHANNEL setting, which only an admin can change."
        if configured is not None and configured.channel == channel
        else ""
    )
    if removed:
        log.info("digest subscription for %s removed", channel)
        who = user if isinstance(user, str) else ""
        await _announce(
            service,
            channel,
            f"{_mention(who)} stopped the daily rooms digest in this channel.",
            required=False,
        )
        text = "Unsubscribed: this channel no longer gets the daily rooms digest." + still
        return Reply(text, [section(f":white_check_mark: {text}")])
    text = "This channel has no digest subscription, so nothing changed." + still
    return Reply(text, [section(text), context("`/rooms digest subscribe [HH:MM] [TZ]` adds one")])


async def _announce(
    service: DigestService, channel: str, text: str, *, required: bool = True
) -> None:
    try:
        await service.slack.post(channel, text, unfurl_links=False)
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


def _mention(user: str) -> str:
    return f"<@{user}>" if is_user_id(user) else "Someone"


def _day_text(moment: datetime) -> str:
    return f"{moment.strftime('%A')} {moment.day} {moment.strftime('%B %Y')} at {moment:%H:%M}"
