"""The approvals job's loop: it runs, keeps running after a failed round, and stops."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.services.approval_jobs import PeriodicJob


async def test_rounds_repeat_survive_failures_and_stop(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    async def work() -> None:
        calls.append(len(calls))
        if len(calls) == 2:
            raise RuntimeError("the database went away for a moment")

    job = PeriodicJob(work, interval=0.01)
    job.start()
    job.start()  # once only
    for _ in range(200):
        if len(calls) >= 4:
            break
        await asyncio.sleep(0.01)
    await job.stop()
    assert len(calls) >= 4 and not job.running
    stopped_at = len(calls)
    await asyncio.sleep(0.05)
    assert len(calls) == stopped_at
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failed) == 1 and "runs again" in failed[0].getMessage()


def test_an_interval_must_be_positive() -> None:
    async def work() -> None:
        return None

    with pytest.raises(ValueError, match="interval"):
        PeriodicJob(work, interval=0)
