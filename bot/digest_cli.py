"""`python -m bot digest [--date D] [--channel C] [--dry-run] [--force]`: one digest now.

The digest goes through the outbox as it does under `serve`: the run writes it there, then
delivers its own rows (retrying as `serve` would) for up to `wait_seconds`, and says what
happened: posted; still queued (Slack has not taken it yet: a running `serve` keeps trying
for up to a day); or refused, and why.

Exit 0 when the digest was posted, or had been already (a second run posts nothing and says
so); 2 when the settings, the channel or the date are wrong; 1 when Slack, the provider or
the database failed, or the digest is still queued.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import aiohttp

from bot.app import SLACK_TIMEOUT_SECONDS, build_deliverer, build_provider, build_web_client
from bot.digest.days import previous_day
from bot.digest.errors import DigestIncomplete
from bot.digest.render import render_digest_text
from bot.ids import channel_id_problem
from bot.logs import configure_logging
from bot.providers.errors import NotSupported, ProviderError
from bot.services.delivery import Deliverer
from bot.services.digests import CANNOT_POST, DigestService, PostOutcome, PostStatus
from bot.services.slack_port import SlackAnswered
from bot.settings import Settings, load_settings, settings_for
from bot.slack.services import utc_now
from bot.slack.web_api import WebApiSlack
from bot.store.errors import DatabaseUrlError, StoreError
from bot.store.outbox import PENDING, SENT, OutboxEntry
from bot.store.store import open_store
from bot.store.urls import is_sqlite, normalise_database_url

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
# How long a run delivers its digest itself before leaving it to a running `serve`.
INLINE_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class DigestArgs:
    date: str | None = None
    channel: str | None = None
    dry_run: bool = False
    force: bool = False
    wait_seconds: float = INLINE_WAIT_SECONDS


class _Refused(Exception):
    """A wrong channel or date: one line, exit 2."""


class _NotPosted(Exception):
    """Slack would not take the digest: one line, exit 1."""


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
    except _NotPosted as exc:
        err(str(exc))
        return EXIT_FAILED
    except DatabaseUrlError as exc:
        err(str(exc))
        return EXIT_USAGE
    except NotSupported as exc:
        err(f"VIDEO_PROVIDER: {exc}")
        return EXIT_USAGE
    except StoreError as exc:  # not migrated, not reachable: as `serve` says it
        err(str(exc))
        return EXIT_USAGE
    except SlackAnswered as exc:
        error = exc.error or "an error"
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
    # A dry run writes nothing: not the claim, not the outbox.
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
        slack = WebApiSlack(build_web_client(settings, session))
        service = DigestService(
            provider, store.digests, slack, settings, clock=utc_now, outbox=store.outbox
        )
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
        owed = await service.owed(channel, day)
        # Queued now, or by an earlier run and not yet in Slack: deliver it here.
        if owed is None or (outcome.status is not PostStatus.QUEUED and owed[0].status != PENDING):
            out(_outcome_line(outcome, zone))
            return EXIT_OK
        deliverer = build_deliverer(settings, store, session, clock=utc_now)
        post, chart = await _deliver(deliverer, owed, args.wait_seconds)
        return _report(outcome, post, chart, zone, out)
    finally:
        await session.close()
        await provider.aclose()
        await store.aclose()


async def _deliver(
    deliverer: Deliverer, owed: tuple[OutboxEntry, OutboxEntry | None], seconds: float
) -> tuple[OutboxEntry, OutboxEntry | None]:
    """Deliver this digest's rows (and no one else's) until they are done or `seconds`
    pass."""
    ids = [e.id for e in owed if e is not None]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        await deliverer.run_once(only=ids)
        entries = [await deliverer.outbox.get(i) for i in ids]
        pending = [e for e in entries if e is not None and e.status == PENDING]
        left = deadline - loop.time()
        if not pending or left <= 0:
            break
        due = min(e.due_at for e in pending)
        wait = (due - deliverer.clock()).total_seconds()
        await asyncio.sleep(min(max(wait, 0.02), left))
    post = entries[0]
    assert post is not None  # outbox rows are never deleted
    return post, entries[1] if len(entries) > 1 else None


def _report(
    outcome: PostOutcome,
    post: OutboxEntry,
    chart: OutboxEntry | None,
    zone: ZoneInfo,
    out: Callable[[str], None],
) -> int:
    where = f"{outcome.channel}, {outcome.day.isoformat()} ({zone.key})"
    if post.status == SENT:
        if chart is None:
            extra = "no chart"
        elif chart.status == SENT:
            extra = "with its chart"
        elif chart.status == PENDING:
            extra = "its chart is queued"
        else:
            extra = f"its chart was not posted ({chart.last_error})"
        sessions = post.payload.get("sessions")
        out(f"digest: posted to {where}: {sessions} sessions, {extra}")
        return EXIT_OK
    if post.status == PENDING:
        why = f" ({post.last_error})" if post.last_error else ""
        out(
            f"digest: queued for {where}: Slack has not taken it yet{why}; "
            "a running `serve` keeps trying for up to a day"
        )
        return EXIT_FAILED
    # Given up on: nothing is in the channel (the claim was reopened with it).
    error = post.last_error or "an error"
    if error in CANNOT_POST:
        raise _Refused(
            f"--channel {outcome.channel}: Slack says {error} (is the id right, and is RoomOps "
            "in that channel?); nothing posted"
        )
    raise _NotPosted(f"digest: Slack refused the post ({error}); nothing posted")


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
    if outcome.status is PostStatus.ALREADY_POSTED:
        at = outcome.posted_at.isoformat(timespec="seconds") if outcome.posted_at else "earlier"
        return f"digest: already posted to {where} at {at}; nothing posted (--force posts it again)"
    return f"digest: another run is posting to {where} right now; nothing posted"
