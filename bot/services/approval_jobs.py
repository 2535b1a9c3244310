"""The approvals' periodic job: expire requests whose time ran out and finish what a
stopped process left half-done. Shortly after start, then every `interval` seconds.

Running it on every replica is safe: each step is a compare-and-set in the store, so one
replica does each piece of work and the others find nothing left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.store.errors import DatabaseUnavailable
from bot.store.outage import OutageLog

log = logging.getLogger("bot.services.approval_jobs")
# While the database is down every round fails the same way: a line a minute, no traceback.
_outage = OutageLog(log)

INTERVAL_SECONDS = 30.0
# How often a process that holds approvals it could not record (the database was down)
# tries to settle them: a step that costs nothing when it holds none.
SETTLE_SECONDS = 1.0
STOP_SECONDS = 2.0
# The first round waits this long (or one interval, if shorter): serving comes first, and
# replicas started together do not all do the same round at once.
FIRST_DELAY_SECONDS = 5.0


class PeriodicJob:
    def __init__(
        self, work: Callable[[], Awaitable[object]], *, interval: float = INTERVAL_SECONDS
    ) -> None:
        if interval <= 0:
            raise ValueError("interval must be > 0")
        self._work = work
        self._interval = interval
        self._first_delay = min(interval, FIRST_DELAY_SECONDS)
        self._task: asyncio.Task[None] | None = None
        self.runs = 0

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start on the running loop (idempotent)."""
        if self.running:
            return
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="approvals job")

    async def stop(self, timeout: float = STOP_SECONDS) -> None:  # noqa: ASYNC109
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        # A database call cut off by the cancellation may never settle (seen with aiosqlite
        # under SQLAlchemy): shutting down must not wait for it.
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            log.warning("the %s did not stop within %.0f s; left behind", task.get_name(), timeout)
            return
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def run_once(self) -> None:
        try:
            await self._work()
        except asyncio.CancelledError:
            raise
        except DatabaseUnavailable as exc:
            _outage.warning("the approvals job waits for the database: %s", exc)
        except Exception:  # the next round tries again; a bad round must not end the job
            log.exception("the approvals job failed; it runs again in %.0f s", self._interval)
        finally:
            self.runs += 1

    async def _loop(self) -> None:
        await asyncio.sleep(self._first_delay)
        while True:
            await self.run_once()
            await asyncio.sleep(self._interval)
