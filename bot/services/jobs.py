"""The process's one scheduler: APScheduler 3 in the bot's own event loop, on every replica.

The digests' jobs (bot/services/scheduler.py) and the approvals' rounds
(bot/services/approval_jobs.py) run on it. Every piece of work they do is decided by the
store, so each replica running its own scheduler is safe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger("bot.services.jobs")

# How long stopping waits for a round it cut off.
STOP_SECONDS = 2.0


class Jobs:
    def __init__(self, *, stop_seconds: float = STOP_SECONDS) -> None:
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._stop_seconds = stop_seconds
        self._stopping = False
        # Rounds of `every` jobs now running: stopping cancels them and waits (a little).
        self._rounds: set[asyncio.Task[object]] = set()

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    def start(self) -> None:
        """Start in the running event loop (idempotent); jobs added before wait for it."""
        if not self.running:
            self.scheduler.start()

    def every(
        self,
        job_id: str,
        work: Callable[[], Awaitable[object]],
        *,
        seconds: float,
        first_delay: float,
    ) -> None:
        """Run `work` `first_delay` seconds from now, then `seconds` after each run ends.

        After the end, not at a fixed rate: a round can outlast its interval (a database
        gone silent holds a call for seconds), and the next one waits for it rather than
        being skipped with a warning at every tick (max_instances is 1 all the same)."""
        if seconds <= 0:
            raise ValueError("an interval must be > 0 seconds")

        async def round_() -> None:
            await self._round(job_id, work, seconds)

        self.scheduler.add_job(
            round_,
            IntervalTrigger(seconds=seconds, timezone=UTC),
            id=job_id,
            name=job_id,
            next_run_time=datetime.now(UTC) + timedelta(seconds=first_delay),
            coalesce=True,
            max_instances=1,
            # However late the loop gets to it (a busy event loop), the round runs, once.
            misfire_grace_time=None,
        )

    async def _round(
        self, job_id: str, work: Callable[[], Awaitable[object]], seconds: float
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        task.set_name(f"{job_id} job")
        self._rounds.add(task)
        self.scheduler.pause_job(job_id)  # no tick while this round runs
        try:
            await work()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # Cut off by stop(): an ending, not a failure for APScheduler to log.
        finally:
            self._rounds.discard(task)
            if not self._stopping:
                after = datetime.now(UTC) + timedelta(seconds=seconds)
                self.scheduler.modify_job(job_id, next_run_time=after)

    async def stop(self) -> None:
        """No more runs; rounds under way are cancelled and waited for, for a moment."""
        if not self.running:
            return
        self._stopping = True
        self.scheduler.pause()  # nothing more is started
        await asyncio.sleep(0)  # a round started a moment ago registers itself
        rounds = set(self._rounds)
        # Cancels what runs now (APScheduler's asyncio executor does so at shutdown), on
        # the loop's next turn.
        self.scheduler.shutdown(wait=False)
        await asyncio.sleep(0)
        if not rounds:
            return
        # A database call cut off by the cancellation may never settle (seen with aiosqlite
        # under SQLAlchemy): shutting down must not wait for it.
        _, pending = await asyncio.wait(rounds, timeout=self._stop_seconds)
        for task in pending:
            log.warning(
                "the %s did not stop within %.0f s; left behind",
                task.get_name(),
                self._stop_seconds,
            )


def daily_trigger(post_time: time, zone: ZoneInfo) -> CronTrigger:
    """Every day at `post_time`, local time in `zone` (DST handled by APScheduler)."""
    return CronTrigger(hour=post_time.hour, minute=post_time.minute, second=0, timezone=zone)
