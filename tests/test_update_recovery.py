"""The write path when things go wrong: a slow attempt taken over, an unexpected error
while applying, Slack refusing to update a message, a job round with one bad request, and
buttons in the approval channel when ALLOWED_CHANNELS is set. The real bot over HTTP, the
Slack stand-in and the SignalWire simulator, as in tests/test_update_flow.py."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.approvals.model import ApprovalStatus
from bot.services.approvals import TAKE_OVER_AFTER
from bot.store import Store, open_store
from simulators import AnySimulator, Fault, RunningSimulator
from simulators.slack_api import RunningSlackStandin
from tests.slack_driver import BOB, CHANNEL, Driver, running_bot, text_of
from tests.test_update_flow import (
    ALICE_DM,
    APPROVALS,
    Clock,
    ask_update,
    buttons_of,
    puts,
    request_id_of,
    request_message,
    room,
    wait_until,
)

# What a 2xx answer with a body nobody expected looks like: not a room at all.
ODD_BODY = Fault(kind="body", status=200, body='["not", "a", "room"]', method="PUT")
REFERENCE = re.compile(r"RoomOps failed while applying; reference E-[0-9A-F]{8}")


def store_of(bot: Driver) -> Store:
    assert bot.runtime is not None and bot.runtime.store is not None
    return bot.runtime.store


def messages_in(slack: RunningSlackStandin, channel: str) -> list[dict[str, Any]]:
    return slack.channel_messages(channel)


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not so within {seconds} s")


def other_room(sim: AnySimulator, max_members: int) -> Any:
    """A room besides standup that a max_members change would change."""
    return next(
        r
        for r in sim.dataset.rooms
        if r.name not in (None, "standup") and r.max_members != max_members
    )


# -- 1: a live attempt taken over cannot record its outcome twice ------------------------------


async def test_a_slow_apply_taken_over_ends_once(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    clock = Clock()
    parts = {"clock": clock, "approvals_interval": 0.05}
    async with running_bot(sim, slack, parts) as bot:
        request_id = await ask_update(bot)
        bot.sim.faults.add(Fault(kind="stall", seconds=1.5, method="PUT"))
        first = asyncio.create_task(bot.press(request_message(bot.slack), "Approve", user=BOB))
        await wait_until(lambda: len(puts(bot.sim)) == 1)  # the first PUT is stalling
        clock.now += TAKE_OVER_AFTER + timedelta(minutes=1)  # the job thinks it died

        async def taken_over_and_applied() -> bool:
            stored = await store_of(bot).approvals.get(request_id)
            return stored is not None and stored.status is ApprovalStatus.APPLIED

        await eventually(taken_over_and_applied)
        reply = await first  # the slow owner finishes after the resumer
        assert "applied" in text_of(reply)

        stored = await store_of(bot).approvals.get(request_id)
        assert stored is not None
        assert (stored.status, stored.attempts) == (ApprovalStatus.APPLIED, 2)
        assert room(bot.sim).max_members == 25
        # One outcome: told once, audited once, however many attempts reached the provider.
        assert len(bot.slack.channel_messages(ALICE_DM)) == 1
        audit = text_of(await bot.ask("audit"))
        assert audit.count("apply → applied") == 1, audit
        assert "RoomOps resume → applying" in audit


# -- 2: an unexpected error while applying ------------------------------------------------------


async def test_an_unexpected_error_while_applying_fails_with_retry(bot: Driver) -> None:
    request_id = await ask_update(bot)
    bot.sim.faults.add(ODD_BODY)
    reply = await bot.press(request_message(bot.slack), "Approve", user=BOB)
    assert "failed" in text_of(reply)
    stored = await store_of(bot).approvals.get(request_id)
    assert stored is not None and stored.status is ApprovalStatus.FAILED
    assert stored.failure_reason is not None and REFERENCE.fullmatch(stored.failure_reason)
    failed = request_message(bot.slack)
    assert "Status: failed" in text_of(failed) and REFERENCE.search(text_of(failed))
    assert [b["text"]["text"] for b in buttons_of(failed)] == ["Retry"]
    (dm,) = bot.slack.channel_messages(ALICE_DM)
    assert request_id in text_of(dm) and "failed" in text_of(dm).lower()

    done = await bot.press(failed, "Retry", user=BOB)
    assert "applied" in text_of(done) and room(bot.sim).max_members == 25


async def test_the_job_fails_a_bad_request_and_still_applies_the_next(
    sim: RunningSimulator, slack: RunningSlackStandin, migrated_url: str
) -> None:
    standup, other = room(sim), other_room(sim, 23)
    async with running_bot(sim, slack, database_url=migrated_url) as bot:
        first = await ask_update(bot, "max_members=23")
        second = request_id_of(await bot.ask(f"update {other.name} max_members=23"))
    # Both approved by a process that stopped before applying either.
    store = await open_store(migrated_url)
    try:
        decided_at = datetime.now(UTC)
        for request_id in (first, second):
            assert await store.approvals.decide(
                request_id, ApprovalStatus.PENDING, ApprovalStatus.APPROVED, BOB, decided_at
            )
    finally:
        await store.aclose()
    sim.faults.add(replace(ODD_BODY, path_prefix=f"/api/video/rooms/{standup.id}"))
    clock = Clock()
    clock.now = decided_at + TAKE_OVER_AFTER + timedelta(minutes=1)
    parts = {"clock": clock, "approvals_interval": 0.05}
    async with running_bot(sim, slack, parts, database_url=migrated_url) as bot:

        def status_of(request_id: str) -> str:
            (message,) = [m for m in messages_in(bot.slack, APPROVALS) if request_id in text_of(m)]
            return text_of(message)

        await wait_until(lambda: "Status: applied" in status_of(second))
        await wait_until(lambda: "Status: failed" in status_of(first))
        assert REFERENCE.search(status_of(first))
        assert room(bot.sim, other.name).max_members == 23
        assert room(bot.sim).max_members != 23


# -- 3: the approval channel is allowed where the bot posts ------------------------------------


async def test_approval_buttons_work_in_the_approval_channel_with_allowed_channels(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack, allowed_channels=(CHANNEL,)) as bot:
        await ask_update(bot)
        message = request_message(bot.slack)
        assert bot.channel_of(message) == APPROVALS
        reply = await bot.press(message, "Approve", user=BOB)
        assert "applied" in text_of(reply) and len(puts(bot.sim)) == 1
        # Other channels stay closed.
        elsewhere = await bot.command("help", channel="C0ELSEWHERE")
        assert "RoomOps is not enabled in this channel" in text_of(elsewhere.response.json())


# -- 4: Slack rate limits the edits: the message still ends up showing the outcome ---------------


async def test_a_rate_limited_edit_still_shows_the_outcome(bot: Driver) -> None:
    bot.drain_outbox = False
    request_id = await ask_update(bot)
    await bot.outbox_drained()
    message = request_message(bot.slack)
    # Every edit refused for a while (Retry-After 1): the outbox waits and sends it again.
    bot.slack.rate_limit_for("chat.update", seconds=1.2, retry_after=1)
    reply = await bot.press(message, "Approve", user=BOB)
    assert "applied" in text_of(reply)
    await wait_until(lambda: "Status: applied" in text_of(request_message(bot.slack)), 6)
    assert buttons_of(request_message(bot.slack)) == []
    assert len(messages_in(bot.slack, APPROVALS)) == 1
    assert len(puts(bot.sim)) == 1
    await wait_until(lambda: len(bot.slack.channel_messages(ALICE_DM)) == 1)
    assert request_id in text_of(bot.slack.channel_messages(ALICE_DM)[0])
    late = await bot.press(message, "Approve", user=BOB)
    assert "already approved" in text_of(late) and len(puts(bot.sim)) == 1
    await bot.outbox_drained()
    assert len(bot.slack.channel_messages(ALICE_DM)) == 1  # told once, not again


# -- 5: expiry shows every request and tells each requester once ---------------------------------


async def test_expiry_shows_every_request_and_tells_each_once(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    clock = Clock()
    parts = {"clock": clock, "approvals_interval": 0.05}
    async with running_bot(sim, slack, parts, approval_ttl_hours=1) as bot:
        ids = [await ask_update(bot, f"max_members={n}") for n in (21, 22, 23)]
        clock.now += timedelta(hours=1, seconds=1)

        def shown_expired(request_id: str) -> bool:
            return any(
                request_id in text_of(m) and "Status: expired" in text_of(m)
                for m in messages_in(bot.slack, APPROVALS)
            )

        await wait_until(
            lambda: (
                all(shown_expired(i) for i in ids)
                and len(bot.slack.channel_messages(ALICE_DM)) >= 3
            )
        )
        await bot.outbox_drained()
        assert len(bot.slack.channel_messages(ALICE_DM)) == 3
        assert len(messages_in(bot.slack, APPROVALS)) == 3
        assert text_of(await bot.ask("audit")).count("expire → expired") == 3
        for request_id in ids:
            stored = await store_of(bot).approvals.get(request_id)
            assert stored is not None and stored.status is ApprovalStatus.EXPIRED
