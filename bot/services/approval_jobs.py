"""The approvals' periodic jobs, on the process's scheduler (bot/services/jobs.py): expire
requests whose time ran out and finish what a stopped process left half-done; and, every
second, settle what this process could not record while the database was down.

Running them on every replica is safe: each step is a compare-and-set in the store, so one
replica does each piece of work and the others find nothing left.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.services.approvals import ApprovalService
from bot.services.jobs import Jobs
from bot.store.errors import DatabaseUnavailable
from bot.store.outage import OutageLog

log = logging.getLogger("bot.services.approval_jobs")
# While the database is down every round fails the same way: a line a minute, no traceback.
_outage = OutageLog(log)

INTERVAL_SECONDS = 30.0
# How often a process that holds approvals it could not record (the database was down)
# tries to settle them: a step that costs nothing when it holds none.
SETTLE_SECONDS = 1.0
# The first round waits this long (or one interval, if shorter): serving comes first, and
# replicas started together do not all do the same round at once.
FIRST_DELAY_SECONDS = 5.0
APPROVALS_JOB = "approvals"
SETTLE_JOB = "approvals-settle"


async def approvals_round(service: ApprovalService) -> None:
    """One round of the approvals job: expire what ran out, resume what was cut off."""
    await service.settle_unrecorded()
    await service.expire_due()
    await service.resume_unfinished()


async def settle_round(service: ApprovalService) -> None:
    """Frequent and cheap: nothing to do (and no database call) unless this process holds
    approvals it could not record; those are settled as soon as the database answers."""
    if len(service.unsettled):
        await service.settle_unrecorded()


class ApprovalJob:
    """One of the approvals' jobs: a round that fails is logged, and the next one runs."""

    def __init__(
        self, work: Callable[[], Awaitable[object]], *, interval: float = INTERVAL_SECONDS
    ) -> None:
        if interval <= 0:
            raise ValueError("interval must be > 0")
        self._work = work
        self.interval = interval
        self.runs = 0

    def schedule(self, jobs: Jobs, job_id: str) -> None:
        jobs.every(
            job_id,
            self.run_once,
            seconds=self.interval,
            first_delay=min(self.interval, FIRST_DELAY_SECONDS),
        )

    async def run_once(self) -> None:
        try:
            await self._work()
        except asyncio.CancelledError:
            raise
        except DatabaseUnavailable as exc:
            _outage.warning("the approvals job waits for the database: %s", exc)
        except Exception:  # the next round tries again; a bad round must not end the job
            log.exception("the approvals job failed; it runs again in %.0f s", self.interval)
        finally:
            self.runs += 1


def schedule_approval_jobs(
    jobs: Jobs,
    service: ApprovalService,
    *,
    interval: float = INTERVAL_SECONDS,
    settle_interval: float = SETTLE_SECONDS,
) -> tuple[ApprovalJob, ApprovalJob]:
    """The approvals job and the settling job, added to `jobs` (started with it)."""
    job = ApprovalJob(lambda: approvals_round(service), interval=interval)
    job.schedule(jobs, APPROVALS_JOB)
    settle = ApprovalJob(lambda: settle_round(service), interval=settle_interval)
    settle.schedule(jobs, SETTLE_JOB)
    return job, settle
