"""`python -m bot digest [--date D] [--channel C] [--dry-run] [--force]`: one digest now.

Exit 0 when the digest was posted, or had been already (a second run posts nothing and says
so); 2 when the settings, the channel or the date are wrong; 1 when Slack, the provider or
the database failed.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.app import SLACK_TIMEOUT_SECONDS, build_provider, build_web_client
from bot.digest.days import previous_day
from bot.digest.errors import DigestIncomplete
from bot.digest.render import render_digest_text
from bot.digest.service import CANNOT_POST, DigestService, PostOutcome, PostStatus
from bot.ids import channel_id_problem
from bot.logs import configure_logging
from bot.providers.errors import NotSupported, ProviderError
from bot.settings import Settings, load_settings, settings_for
from bot.slack.services import utc_now
from bot.store.errors import DatabaseUrlError, StoreError
from bot.store.store import open_store
from bot.store.urls import is_sqlite, normalise_database_url

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class DigestArgs:
    date: str | None = None
    channel: str | None = None
    dry_run: bool = False
    force: bool = False


class _Refused(Exception):
    """A wrong channel or date: one line, exit 2."""


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def run_digest(
    args: DigestArgs,
    out: Callable[[str], None] = print,
    err: Callable[[str], None] = _stderr,
    settings_loader: Callable[[], Settings] = load_settings,
) -> int:
    def needless(problem: str) -> bool:
        return args.dry_run and problem.startswith("SLACK_")  # a dry run only prints

    settings = settings_for("digest", err, settings_loader, needless=needless)
    if settings is None:
        return EXIT_USAGE
    # What the run did is its own output; the log says only what went wrong on the way.
    configure_logging("WARNING", secrets=settings.secret_values())
    try:
        return asyncio.run(_digest(settings, args, out))
    except _Refused as exc:
        err(str(exc))
        return EXIT_USAGE
    except DatabaseUrlError as exc:
        err(str(exc))
        return EXIT_USAGE
    except NotSupported as exc:
        err(f"VIDEO_PROVIDER: {exc}")
        return EXIT_USAGE
    except StoreError as exc:  # not migrated, not reachable: as `serve` says it
        err(str(exc))
        return EXIT_USAGE
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else "an error"
        if error in CANNOT_POST:
            err(
                f"--channel {args.channel or settings.digest_channel}: Slack says {error} (is "
                "the id right, and is RoomOps in that channel?); nothing posted"
            )
            return EXIT_USAGE
        err(f"digest: Slack refused the post ({error}); nothing was recorded as posted")
        return EXIT_FAILED
    except ProviderError as exc:
        err(f"digest: {exc.provider} failed ({exc}); nothing was posted")
        return EXIT_FAILED
    except DigestIncomplete as exc:
        err(f"digest: {exc.message}")
        return EXIT_FAILED


async def _digest(settings: Settings, args: DigestArgs, out: Callable[[str], None]) -> int:
    channel = args.channel.strip() if args.channel else settings.digest_channel
    if channel is None and not args.dry_run:
        raise _Refused("digest: no channel: pass --channel C0123456789, or set DIGEST_CHANNEL")
    problem = None if channel is None else channel_id_problem(channel)
    if problem is not None:
        raise _Refused(f"--channel: {problem}")
    asked = _date(args.date)  # before anything is opened: a typo costs nothing
    url = normalise_database_url(settings.database_url)
    store = await open_store(url, migrate_first=is_sqlite(url))
    provider = build_provider(settings)
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=SLACK_TIMEOUT_SECONDS))
    try:
        client = build_web_client(settings, session)
        service = DigestService(provider, store.digests, client, settings, clock=utc_now)
        target = await service.target(channel) if channel else None
        zone = target.zone if target is not None else ZoneInfo(settings.digest_timezone)
        day = _day(asked, zone, allow_today=args.dry_run)
        if args.dry_run:
            report = await service.report(day, zone)
            out(render_digest_text(report))
            out(f"(dry run: nothing posted{f' to {channel}' if channel else ''})")
            return EXIT_OK
        assert channel is not None
        outcome = await service.post(channel, day, zone, force=args.force)
        out(_outcome_line(outcome, zone))
        return EXIT_OK
    finally:
        await session.close()
        await provider.aclose()
        await store.aclose()


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _Refused(f"--date must be a date like 2026-11-20, got {text[:40]!r}") from None


def _day(day: date | None, zone: ZoneInfo, *, allow_today: bool) -> date:
    now = utc_now()
    if day is None:
        return previous_day(now, zone)
    today = now.astimezone(zone).date()
    latest = today if allow_today else today - timedelta(days=1)
    if day > latest:
        raise _Refused(
            f"--date {day.isoformat()} has not ended yet in {zone.key}; "
            f"the latest whole day is {(today - timedelta(days=1)).isoformat()}"
            + ("" if allow_today else " (--dry-run shows a day so far)")
        )
    return day


def _outcome_line(outcome: PostOutcome, zone: ZoneInfo) -> str:
    where = f"{outcome.channel}, {outcome.day.isoformat()} ({zone.key})"
    if outcome.status is PostStatus.POSTED:
        chart = "with its chart" if outcome.chart_posted else "no chart"
        return f"digest: posted to {where}: {outcome.sessions} sessions, {chart}"
    if outcome.status is PostStatus.ALREADY_POSTED:
        at = outcome.posted_at.isoformat(timespec="seconds") if outcome.posted_at else "earlier"
        return f"digest: already posted to {where} at {at}; nothing posted (--force posts it again)"
    return f"digest: another run is posting to {where} right now; nothing posted"
