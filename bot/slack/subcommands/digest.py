"""`/rooms digest [DATE]`: a preview to the caller; `/rooms digest subscribe [HH:MM] [TZ]`
and `/rooms digest unsubscribe`: this channel's daily digest. Three forms, one subcommand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.commands.errors import Usage
from bot.commands.options import nothing_more
from bot.commands.words import tidy
from bot.digest.days import previous_day
from bot.digest.errors import DigestRefused
from bot.digest.render import render_digest
from bot.render.kit import Reply, context, section
from bot.render.text import echo
from bot.services.digests import (
    DigestService,
    Subscribed,
    Target,
    Unsubscribed,
    day_text,
    next_post,
)
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, Subcommand, by_provider
from bot.suggest import closest
from bot.times import HHMM_RULE, find_zone, looks_like_hhmm, parse_hhmm, zone_guesses

USAGE = Usage(
    "digest",
    "/rooms digest [DATE] | /rooms digest subscribe [HH:MM] [TZ] | /rooms digest unsubscribe",
)
# How far back a preview may go: each day further back is another walk through every
# session since, newest first.
MAX_PREVIEW_DAYS = 92


@dataclass(frozen=True)
class DigestCommand:
    """Preview the digest of `day` to the caller; None: yesterday in the caller's zone."""

    day: date | None = None


@dataclass(frozen=True)
class DigestSubscribeCommand:
    """A daily digest in this channel; what is not given comes from the settings."""

    post_time: time | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class DigestUnsubscribeCommand:
    pass


Digest = DigestCommand | DigestSubscribeCommand | DigestUnsubscribeCommand


def parse(args: list[str], _grammar: Grammar) -> Digest:
    words = [tidy(arg) for arg in args if tidy(arg)]
    action = words[0].lower() if words else None
    if action == "subscribe":
        return _subscribe(words[1:])
    if action == "unsubscribe":
        nothing_more(USAGE, words[1:], "/rooms digest unsubscribe")
        return DigestUnsubscribeCommand()
    if len(words) > 1:
        raise USAGE.refuse(
            f"`/rooms digest` takes one date at most; remove `{echo(words[1], 30)}`."
        )
    if action is None or action == "yesterday":
        return DigestCommand()
    try:
        return DigestCommand(day=date.fromisoformat(words[0]))
    except ValueError:
        pass
    guesses = closest(action, ["subscribe", "unsubscribe", "yesterday"])
    hint = f" Did you mean `{guesses[0]}`?" if guesses else ""
    raise USAGE.refuse(
        f"`{echo(words[0])}` is not a date: type one like 2026-11-20, or `subscribe` / "
        f"`unsubscribe`.{hint}"
    )


def _subscribe(words: list[str]) -> DigestSubscribeCommand:
    post_time: time | None = None
    zone: str | None = None
    for word in words:
        if looks_like_hhmm(word) or word[:1].isdigit():
            if post_time is not None:
                raise USAGE.refuse("Give the time once, e.g. `/rooms digest subscribe 09:00`.")
            post_time = parse_hhmm(word)
            if post_time is None:
                raise USAGE.refuse(f"`{echo(word)}` is not a time: use {HHMM_RULE}.")
            continue
        if zone is not None:
            raise USAGE.refuse(
                f"Give one time zone; remove `{echo(word, 30)}`. "
                "E.g. `/rooms digest subscribe 09:00 Europe/Berlin`."
            )
        zone = find_zone(word)
        if zone is None:
            guesses = zone_guesses(word)
            hint = (
                " Did you mean " + " or ".join(f"`{g}`" for g in guesses) + "?"
                if guesses
                else " Time zones are IANA names such as `UTC`, `Europe/Berlin` or "
                "`America/New_York`."
            )
            raise USAGE.refuse(f"`{echo(word)}` is not a time zone.{hint}")
    return DigestSubscribeCommand(post_time=post_time, timezone=zone)


def digest_service(services: Services) -> DigestService:
    if services.digest is None:
        raise RuntimeError("the store is not open, so digests cannot run")
    return services.digest


async def answer(command: Digest, services: Services, caller: Caller) -> Reply:
    try:
        return await _answer(command, services, caller)
    except DigestRefused as refused:
        # What this channel or day cannot have, with the digest's usage beside it.
        raise USAGE.refuse(refused.message) from None


async def _answer(command: Digest, services: Services, caller: Caller) -> Reply:
    service = digest_service(services)
    channel = caller.channel_id
    if not channel:
        raise DigestRefused("Digests belong to a channel: run this in the channel itself.")
    user = caller.user_id or ""
    match command:
        case DigestSubscribeCommand(post_time=post_time, timezone=timezone):
            subscribed = await service.subscribe(channel, user, post_time, timezone)
            return subscribed_reply(subscribed)
        case DigestUnsubscribeCommand():
            unsubscribed = await service.unsubscribe(channel, user)
            return unsubscribed_reply(unsubscribed)
        case DigestCommand(day=day):
            zone = await services.zones.zone(caller.user_id)
            report = await service.report(preview_day(day, services.clock(), zone), zone)
            note = subscription_line(await service.target(channel), services.clock())
            return render_digest(
                report,
                note=f"Preview, only you can see it. {note} "
                "The posted digest adds a chart by hour.",
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
    return f"This channel gets it every day at {when}, next on {day_text(upcoming)} ({source})."


def subscribed_reply(subscribed: Subscribed) -> Reply:
    when = f"{subscribed.post_time.strftime('%H:%M')} {subscribed.timezone}"
    before = subscribed.before
    if before is None:
        lead = f"Subscribed: this channel gets the rooms digest every day at {when}"
    else:
        was = f"{before.post_time.strftime('%H:%M')} {before.timezone}"
        lead = f"Changed: this channel now gets the rooms digest every day at {when} (was {was})"
    text = (
        f"{lead}, the first on {day_text(subscribed.first)}. Each covers the day before, in "
        f"{subscribed.timezone}. `/rooms digest` previews it; `/rooms digest unsubscribe` "
        "stops it."
    )
    return Reply(text, [section(f":white_check_mark: {text}")])


def unsubscribed_reply(unsubscribed: Unsubscribed) -> Reply:
    configured = unsubscribed.still
    still = (
        f" It still gets the digest every day at {configured.post_time.strftime('%H:%M')} "
        f"{configured.timezone} from the DIGEST_CHANNEL setting, which only an admin can change."
        if configured is not None
        else ""
    )
    if unsubscribed.removed:
        text = "Unsubscribed: this channel no longer gets the daily rooms digest." + still
        return Reply(text, [section(f":white_check_mark: {text}")])
    text = "This channel has no digest subscription, so nothing changed." + still
    return Reply(text, [section(text), context("`/rooms digest subscribe [HH:MM] [TZ]` adds one")])


UNIT: Subcommand[Digest] = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider(
        "a preview of the daily digest for DATE (default yesterday), only to you, and this "
        "channel's subscription; subscribe posts it here every day at HH:MM in TZ"
    ),
    examples=by_provider(("/rooms digest subscribe 09:00 Europe/Berlin",)),
    parse=parse,
    answer=answer,
    forms=(DigestCommand, DigestSubscribeCommand, DigestUnsubscribeCommand),
)
