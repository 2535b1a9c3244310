"""When digests go out: jobs on the process's scheduler (bot/services/jobs.py), on every
replica.

Each target (DIGEST_CHANNEL, each subscription) gets a daily cron job at its time in its
zone. A refresh job reads the targets from the store every `refresh_seconds`, so a
subscription made through any replica is scheduled on all of them without a restart, and
looks for digests that were due while no replica was running (within
DIGEST_GRACE_HOURS). Which replica posts is decided by the store's claim, not here.

APScheduler 3 numbers cron weekdays from Monday = 0 (not cron's Sunday = 0); the daily
trigger names no weekday, so the numbering cannot shift a digest to another day.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

from apscheduler.triggers.interval import IntervalTrigger

from bot.digest.days import digest_day, latest_due
from bot.digest.errors import DigestIncomplete
from bot.providers.errors import ProviderError
from bot.services.digests import DigestService, PostOutcome, Target
from bot.services.jobs import Jobs, daily_trigger
from bot.services.slack_port import SlackAnswered
from bot.store.errors import DatabaseUnavailable
from bot.store.outage import OutageLog

log = logging.getLogger("bot.services.scheduler")
_outage = OutageLog(log)

REFRESH_SECONDS = 60.0
# Serving comes first: the first look (and any catch-up) waits until the app is up.
FIRST_DELAY_SECONDS = 2.0
# After a failed post (the bot not in the channel, Slack down), wait this long before the
# next try, rather than failing once a minute until the grace period ends.
RETRY_AFTER = timedelta(minutes=10)
# A digest this close to its due time is on time, whatever DIGEST_GRACE_HOURS says (even 0):
# the cron job runs a moment after the minute, the refresh up to a minute after it.
ON_TIME = timedelta(seconds=REFRESH_SECONDS * 2)
_JOB_PREFIX = "digest:"
_REFRESH_JOB = "digest-refresh"


class DigestScheduler:
    def __init__(
        self,
        service: DigestService,
        jobs: Jobs,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        first_delay: float = FIRST_DELAY_SECONDS,
    ) -> None:
        if refresh_seconds <= 0:
            raise ValueError("refresh_seconds must be > 0")
        self.service = service
        self._jobs = jobs
        self._refresh_seconds = refresh_seconds
        self._first_delay = min(first_delay, refresh_seconds)
        self._started = False
        self._scheduled: dict[str, tuple[time, str]] = {}
        self._retry_at: dict[tuple[str, date], datetime] = {}
        self._skipped: set[tuple[str, date]] = set()
        self.refreshes = 0

    @property
    def running(self) -> bool:
        return self._started and self._jobs.running

    def start(self) -> None:
        """Add the refresh job to the process's scheduler (idempotent); it runs once that
        has started."""
        if not self._started:
            self._jobs.scheduler.add_job(
                self.refresh,
                IntervalTrigger(seconds=self._refresh_seconds, timezone=UTC),
                id=_REFRESH_JOB,
                next_run_time=datetime.now(UTC) + timedelta(seconds=self._first_delay),
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
            )
            self._started = True

    async def stop(self) -> None:
        """Remove the digests' jobs; the scheduler itself stops with the process's jobs."""
        started, self._started = self._started, False
        if started and self._jobs.running:
            for job_id in (_REFRESH_JOB, *(_JOB_PREFIX + c for c in self._scheduled)):
                if self._jobs.scheduler.get_job(job_id) is not None:
                    self._jobs.scheduler.remove_job(job_id)
        self._scheduled.clear()

    def next_run(self, channel: str) -> datetime | None:
        """When `channel`'s cron job fires next (None when it has none)."""
        if not self.running:
            return None
        job = self._jobs.scheduler.get_job(_JOB_PREFIX + channel)
        return None if job is None else job.next_run_time

    # -- jobs ------------------------------------------------------------------------------

    async def refresh(self) -> None:
        """Schedule what the store says now, then post what is due and not yet posted."""
        try:
            targets = await self.service.targets()
            self._sync(targets)
            for target in targets:
                await self._run_due(target)
        except DatabaseUnavailable as exc:
            # An outage is weather: one line a minute, not a traceback every refresh.
            _outage.warning(
                "the digest refresh could not read the store (%s); it runs again shortly", exc
            )
        except Exception:  # the next refresh tries again; a bad one must not end the job
            log.exception("the digest refresh failed; it runs again shortly")
        finally:
            self.refreshes += 1

    async def fire(self, channel: str) -> None:
        """A cron job's turn: re-read the target (it may have changed or gone)."""
        try:
            target = await self.service.target(channel)
            if target is not None:
                await self._run_due(target)
        except DatabaseUnavailable as exc:
            _outage.warning("the digest for %s could not read the store (%s)", channel, exc)
        except Exception:
            log.exception("the digest for %s failed", channel)

    def _sync(self, targets: list[Target]) -> None:
        if not self.running:
            return
        scheduler = self._jobs.scheduler
        wanted = {t.channel: t for t in targets}
        for channel in list(self._scheduled):
            if channel not in wanted:
                scheduler.remove_job(_JOB_PREFIX + channel)
                del self._scheduled[channel]
                log.info("digest for %s unscheduled", channel)
        for channel, target in wanted.items():
            when = (target.post_time, target.timezone)
            if self._scheduled.get(channel) == when:
                continue
            scheduler.add_job(
                self.fire,
                daily_trigger(target.post_time, target.zone),
                args=[channel],
                id=_JOB_PREFIX + channel,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                # Late runs are the refresh's business (it knows the grace period).
                misfire_grace_time=int(self._refresh_seconds) + 1,
            )
            self._scheduled[channel] = when
            log.info(
                "digest for %s scheduled daily at %s %s",
                channel,
                target.post_time.strftime("%H:%M"),
                target.timezone,
            )

    async def _run_due(self, target: Target) -> PostOutcome | None:
        """Post the digest that was last due for `target`, if it is within the grace
        period and not posted yet."""
        service = self.service
        now = service.clock()
        zone = target.zone
        due = latest_due(target.post_time, zone, now)
        day = digest_day(due, zone)
        key = (target.channel, day)
        if target.since is not None and due < target.since:
            return None  # due before it was subscribed: the first one is the next
        grace = timedelta(hours=service.settings.digest_grace_hours)
        if now - due > max(grace, ON_TIME):
            if key not in self._skipped and not await service.digests.was_posted(*key):
                self._skipped = {k for k in self._skipped if k[0] != target.channel}
                self._skipped.add(key)
                log.warning(
                    "the digest for %s on %s was due at %s and is %s late, beyond "
                    "DIGEST_GRACE_HOURS=%d: skipped",
                    target.channel,
                    day,
                    due.isoformat(timespec="minutes"),
                    _hours(now - due),
                    service.settings.digest_grace_hours,
                )
            return None
        retry_at = self._retry_at.get(key)
        if retry_at is not None and now < retry_at:
            return None
        if await service.digests.was_posted(*key):
            return None
        refused = await service.last_refusal(*key)
        if refused is not None and now < refused + RETRY_AFTER:
            return None  # Slack refused it a moment ago: the next try waits, as below
        try:
            outcome = await service.post(target.channel, day, zone)
        except Exception as exc:
            self._retry_at = {k: v for k, v in self._retry_at.items() if k[0] != target.channel}
            self._retry_at[key] = now + RETRY_AFTER
            # A provider's refusal or outage, or a listing cut short, is ordinary weather:
            # one line. Only the unexpected deserves a traceback.
            ordinary = isinstance(exc, ProviderError | DigestIncomplete)
            log.log(
                logging.WARNING if ordinary else logging.ERROR,
                "the digest for %s on %s was not posted (%s); next try in %d minutes",
                target.channel,
                day,
                _reason(exc),
                RETRY_AFTER.total_seconds() // 60,
                exc_info=not (ordinary or _is_slack_refusal(exc)),
            )
            return None
        self._retry_at.pop(key, None)
        return outcome


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"


def _is_slack_refusal(exc: Exception) -> bool:
    return isinstance(exc, SlackAnswered)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ProviderError):
        # The type and status only: the message may carry the provider's own words.
        status = f" (HTTP {exc.status})" if exc.status is not None else ""
        return f"{exc.provider}: {type(exc).__name__}{status}"
    if isinstance(exc, DigestIncomplete):
        return exc.cut.sentence()
    if isinstance(exc, SlackAnswered) and exc.error:
        return f"Slack said {exc.error}"
    return type(exc).__name__
