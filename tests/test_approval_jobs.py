"""The approvals job on the process's scheduler (APScheduler): it runs, keeps running after
a failed round, and stops; a round is never overlapped, nor left running at shutdown."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.services.approval_jobs import APPROVALS_JOB, SETTLE_JOB, ApprovalJob
from bot.services.jobs import Jobs
from simulators import RunningSimulator
from simulators.slack_api import RunningSlackStandin
from tests.slack_driver import running_bot
from tests.test_update_flow import wait_until


async def test_rounds_repeat_survive_failures_and_stop(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    async def work() -> None:
        calls.append(len(calls))
        if len(calls) == 2:
            raise RuntimeError("the database went away for a moment")

    jobs = Jobs()
    ApprovalJob(work, interval=0.01).schedule(jobs, APPROVALS_JOB)
    jobs.start()
    jobs.start()  # once only
    for _ in range(200):
        if len(calls) >= 4:
            break
        await asyncio.sleep(0.01)
    await jobs.stop()
    assert len(calls) >= 4 and not jobs.running
    stopped_at = len(calls)
    await asyncio.sleep(0.05)
    assert len(calls) == stopped_at
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failed) == 1 and "runs again" in failed[0].getMessage()


def test_an_interval_must_be_positive() -> None:
    async def work() -> None:
        return None

    with pytest.raises(ValueError, match="interval"):
        ApprovalJob(work, interval=0)


async def test_a_slow_round_is_waited_for_not_overlapped_nor_skipped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    running: list[bool] = []
    overlapped: list[bool] = []

    async def slow() -> None:
        overlapped.append(bool(running))
        running.append(True)
        try:
            await asyncio.sleep(0.05)  # five intervals
        finally:
            running.pop()

    caplog.set_level(logging.WARNING)
    jobs = Jobs()
    job = ApprovalJob(slow, interval=0.01)
    job.schedule(jobs, APPROVALS_JOB)
    jobs.start()
    await wait_until(lambda: job.runs >= 3)
    await jobs.stop()
    assert job.runs >= 3 and not any(overlapped)
    # APScheduler says "skipped: maximum number of running instances reached" when a tick
    # finds the round still running; the round pauses its job instead.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_stopping_cuts_a_round_off_and_waits_for_it(caplog: pytest.LogCaptureFixture) -> None:
    started = asyncio.Event()
    ended: list[str] = []

    async def endless() -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            ended.append("cancelled")
            raise

    jobs = Jobs()
    ApprovalJob(endless, interval=0.01).schedule(jobs, APPROVALS_JOB)
    jobs.start()
    await asyncio.wait_for(started.wait(), 2)
    await asyncio.wait_for(jobs.stop(), 1)
    # Cut off and finished before stop() returned; nobody logged it as a failure.
    assert ended == ["cancelled"] and not jobs.running
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_the_bot_runs_the_approvals_jobs_beside_the_digests_and_stops_them(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack) as bot:
        runtime = bot.runtime
        assert runtime is not None and runtime.jobs is not None
        jobs = runtime.jobs
        assert jobs.running and runtime.digest_scheduler is not None
        ids = {job.id for job in jobs.scheduler.get_jobs()}
        assert {APPROVALS_JOB, SETTLE_JOB, "digest-refresh"} <= ids
    assert not jobs.running
