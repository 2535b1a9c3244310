"""The daily digest end to end: `/rooms digest` previews and subscriptions, the scheduler
posting once per (channel, day) with its chart, catch-up after downtime, a crash between
claim and post, and a subscription made through one replica firing on another. The real
bot over HTTP, the Slack stand-in and the SignalWire simulator; the bots' clock is the
test's."""

from __future__ import annotations

import logging
import shutil
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.digest.days import day_window
from bot.store import Store
from simulators import AnySimulator, RunningSimulator, RunningTelnyxSimulator
from simulators.faults import Fault
from simulators.slack_api import RunningSlackStandin
from tests.conftest import ON_BOTH_PROVIDERS
from tests.slack_driver import ALICE, CHANNEL, Driver, _migrated_template, running_bot, text_of
from tests.test_update_flow import wait_until

DIGESTS = "C0DIGEST01"
DUE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # the simulator's data ends at 15:30 that day
DAY = date(2026, 11, 19)
FAST = {"digest_refresh": 0.05}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def store_of(bot: Driver) -> Store:
    assert bot.runtime is not None and bot.runtime.store is not None
    return bot.runtime.store


def day_sessions(sim: AnySimulator, day: date, zone: ZoneInfo) -> int:
    """Brute force over the simulator's whole history: what the digest must count."""
    start, end = day_window(day, zone)
    everything = sim.dataset.sessions(range(sim.dataset.session_count))
    return sum(1 for s in everything if start <= s.start_time < end)


def posts(slack: RunningSlackStandin, channel: str) -> list[dict[str, Any]]:
    return slack.channel_messages(channel)


def charts(slack: RunningSlackStandin, channel: str) -> list[Any]:
    return [f for f in slack.files.values() if f.channel_id == channel and f.completed]


async def settle(bot: Driver, refreshes: int = 3) -> None:
    """Let the scheduler look a few more times: whatever it would do twice, it has done."""
    assert bot.runtime is not None and bot.runtime.digest_scheduler is not None
    scheduler = bot.runtime.digest_scheduler
    target = scheduler.refreshes + refreshes
    await wait_until(lambda: scheduler.refreshes >= target)


# -- /rooms digest ---------------------------------------------------------------------------


async def test_subscribe_shows_in_the_preview_and_unsubscribe_removes_it(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack, {"clock": Clock(DUE)}) as bot:
        reply = text_of(await bot.ask("digest subscribe 7:30 europe/berlin"))
        assert "Subscribed" in reply and "every day at 07:30 Europe/Berlin" in reply
        assert "Saturday 21 November 2026 at 07:30" in reply  # 08:00 UTC: tomorrow's
        stored = await store_of(bot).digests.subscription(CHANNEL)
        assert stored is not None
        assert (stored.post_time, stored.timezone, stored.created_by) == (
            time(7, 30),
            "Europe/Berlin",
            ALICE,
        )

        changed = text_of(await bot.ask("digest subscribe 08:15"))
        assert (
            "Changed" in changed and "08:15 UTC" in changed and "was 07:30 Europe/Berlin" in changed
        )

        preview = text_of(await bot.ask("digest"))
        assert "every day at 08:15 UTC" in preview and "Preview, only you can see it" in preview

        gone = text_of(await bot.ask("digest unsubscribe"))
        assert "Unsubscribed" in gone
        assert await store_of(bot).digests.subscription(CHANNEL) is None
        again = text_of(await bot.ask("digest unsubscribe"))
        assert "no digest subscription, so nothing changed" in again
        assert "gets no daily digest" in text_of(await bot.ask("digest"))
        # The channel was told of each change, and by whom; previews stay with the caller.
        told = [text_of(m) for m in posts(slack, CHANNEL)]
        assert len(told) == 3, told
        assert told[0].startswith(f"<@{ALICE}> set this channel to get the daily rooms digest")
        assert "at 07:30 Europe/Berlin" in told[0] and "at 08:15 UTC" in told[1]
        assert told[2] == f"<@{ALICE}> stopped the daily rooms digest in this channel."


async def test_a_channel_the_bot_is_not_in_cannot_subscribe(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    # Private: chat:write.public lets RoomOps post in any public channel, not in this one.
    slack.add_channel("G0OUTSIDE1", "outside", is_private=True, is_member=False)
    async with running_bot(sim, slack) as bot:
        reply = text_of(await bot.ask("digest subscribe", channel="G0OUTSIDE1"))
        assert "cannot post in this channel (Slack says not_in_channel)" in reply
        assert "/invite @roomops" in reply
        assert await store_of(bot).digests.subscriptions() == []


@ON_BOTH_PROVIDERS
async def test_the_preview_counts_the_callers_yesterday_and_posts_nothing(
    sim: AnySimulator, slack: RunningSlackStandin
) -> None:
    london = ZoneInfo("Europe/London")  # ALICE's zone in the stand-in
    async with running_bot(sim, slack, {"clock": Clock(DUE)}) as bot:
        reply = await bot.ask("digest")
        expected = day_sessions(sim, DAY, london)
        assert expected > 0
        assert f"Sessions: {expected}" in text_of(reply)
        assert "Thursday 19 November 2026" in text_of(reply)
        assert reply["response_type"] == "ephemeral"

        older = await bot.ask("digest 2026-11-12")
        assert f"Sessions: {day_sessions(sim, date(2026, 11, 12), london)}" in text_of(older)

        future = text_of(await bot.ask("digest 2026-11-22"))
        assert "2026-11-22 has not begun yet" in future and "2026-11-19" in future
        too_old = text_of(await bot.ask("digest 2025-01-01"))
        assert "92 days at most" in too_old
        assert posts(slack, CHANNEL) == [] and slack.files == {}


# -- the schedule ------------------------------------------------------------------------------


@ON_BOTH_PROVIDERS
async def test_a_due_digest_is_posted_once_with_its_chart(
    sim: AnySimulator, slack: RunningSlackStandin
) -> None:
    clock = Clock(DUE + timedelta(seconds=30))
    async with running_bot(sim, slack, {"clock": clock, **FAST}, digest_channel=DIGESTS) as bot:
        await wait_until(lambda: len(charts(slack, DIGESTS)) == 1)
        (message,) = posts(slack, DIGESTS)
        expected = day_sessions(sim, DAY, ZoneInfo("UTC"))
        assert f"Sessions: {expected}" in text_of(message)
        assert any(b["type"] == "header" for b in message["blocks"])
        (chart,) = charts(slack, DIGESTS)
        assert chart.filename == "rooms-digest-2026-11-19.png"
        assert chart.content.startswith(b"\x89PNG\r\n\x1a\n")
        claim = await store_of(bot).digests.get_claim(DIGESTS, DAY)
        assert claim is not None and claim.message_ts == message["ts"]

        await settle(bot)
        assert len(posts(slack, DIGESTS)) == 1 and len(charts(slack, DIGESTS)) == 1
        # The next day's is due tomorrow at 09:00, not before.
        clock.now = DUE + timedelta(hours=23, minutes=59)
        await settle(bot)
        assert len(posts(slack, DIGESTS)) == 1
        clock.now = DUE + timedelta(days=1, seconds=5)
        await wait_until(lambda: len(posts(slack, DIGESTS)) == 2)
        assert "Friday 20 November 2026" in text_of(posts(slack, DIGESTS)[-1])


async def test_a_missed_digest_is_caught_up_within_the_grace_period_only(
    sim: RunningSimulator, slack: RunningSlackStandin, caplog: pytest.LogCaptureFixture
) -> None:
    late = Clock(DUE + timedelta(hours=11, minutes=50))
    async with running_bot(sim, slack, {"clock": late, **FAST}, digest_channel=DIGESTS):
        await wait_until(lambda: len(posts(slack, DIGESTS)) == 1)
    assert "Thursday 19 November 2026" in text_of(posts(slack, DIGESTS)[0])

    caplog.set_level(logging.WARNING, logger="bot.services.scheduler")
    too_late = Clock(DUE + timedelta(hours=12, minutes=10))
    async with running_bot(
        sim, slack, {"clock": too_late, **FAST}, digest_channel="C0LATE0001"
    ) as bot:
        await settle(bot)
        assert posts(slack, "C0LATE0001") == []
    skipped = [
        r.getMessage() for r in caplog.records if "beyond DIGEST_GRACE_HOURS" in r.getMessage()
    ]
    assert len(skipped) == 1, skipped  # said once, not at every refresh
    assert "C0LATE0001 on 2026-11-19" in skipped[0]


@pytest.mark.parametrize(("status", "kind"), [(401, "Unauthorized"), (400, "Invalid")])
async def test_a_provider_refusal_is_one_warning_line_and_a_later_try(
    sim: RunningSimulator,
    slack: RunningSlackStandin,
    caplog: pytest.LogCaptureFixture,
    status: int,
    kind: str,
) -> None:
    sim.faults.add(Fault(kind="status", status=status, times=1000))
    caplog.set_level(logging.INFO, logger="bot.services.scheduler")
    clock = Clock(DUE + timedelta(seconds=10))
    async with running_bot(sim, slack, {"clock": clock, **FAST}, digest_channel=DIGESTS) as bot:
        await wait_until(lambda: any("not posted" in r.getMessage() for r in caplog.records))
        await settle(bot)
        failed = [r for r in caplog.records if "not posted" in r.getMessage()]
        assert len(failed) == 1, failed  # not once per refresh
        [record] = failed
        assert record.levelno == logging.WARNING and not record.exc_info
        assert record.getMessage() == (
            f"the digest for {DIGESTS} on 2026-11-19 was not posted (SignalWire: {kind} "
            f"(HTTP {status})); next try in 10 minutes"
        )
        assert posts(slack, DIGESTS) == []
        # The provider is back: the next try posts it.
        sim.faults.clear()
        clock.now += timedelta(minutes=10)
        await wait_until(lambda: len(charts(slack, DIGESTS)) == 1)
        assert len(posts(slack, DIGESTS)) == 1


async def test_a_claim_left_by_a_crash_is_taken_over_when_its_lease_runs_out(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    clock = Clock(DUE + timedelta(seconds=10))
    async with running_bot(sim, slack, {"clock": clock, **FAST}, digest_channel=DIGESTS) as bot:
        digests = store_of(bot).digests
        # Another replica claimed it and died before posting (claimed just before the
        # scheduler's first look).
        assert await digests.claim(DIGESTS, DAY, owner="dead:1", lease_seconds=900, at=clock.now)
        await settle(bot)
        assert posts(slack, DIGESTS) == []
        clock.now += timedelta(seconds=901)
        # The chart goes up after the claim is marked posted: wait for it, not the message.
        await wait_until(lambda: len(charts(slack, DIGESTS)) == 1)
        assert len(posts(slack, DIGESTS)) == 1
        claim = await digests.get_claim(DIGESTS, DAY)
        assert claim is not None and claim.owner != "dead:1" and claim.posted_at is not None


async def test_a_failed_post_is_retried_later_and_not_recorded(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    slack.add_channel("G0NOTIN001", "not-in", is_private=True, is_member=False)
    clock = Clock(DUE + timedelta(seconds=10))
    async with running_bot(
        sim, slack, {"clock": clock, **FAST}, digest_channel="G0NOTIN001"
    ) as bot:
        await wait_until(lambda: len(slack.calls_to("chat.postMessage")) >= 1)
        await settle(bot)
        assert len(slack.calls_to("chat.postMessage")) == 1  # not once per refresh
        digests = store_of(bot).digests
        assert await digests.get_claim("G0NOTIN001", DAY) is None  # given back
        slack.channels["G0NOTIN001"]["is_member"] = True  # someone invited the bot
        clock.now += timedelta(minutes=10)
        await wait_until(lambda: len(charts(slack, "G0NOTIN001")) == 1)  # after the record
        assert await digests.was_posted("G0NOTIN001", DAY)
        assert len(posts(slack, "G0NOTIN001")) == 1


async def test_a_subscription_made_on_one_replica_fires_on_another(
    sim: RunningSimulator, slack: RunningSlackStandin, tmp_path: Path
) -> None:
    database = tmp_path / "shared.db"
    shutil.copyfile(await _migrated_template(), database)
    url = f"sqlite:///{database}"
    clock = Clock(DUE - timedelta(minutes=5))
    async with AsyncExitStack() as stack:
        other = await stack.enter_async_context(
            running_bot(sim, slack, {"clock": clock, **FAST}, database_url=url)
        )
        async with running_bot(sim, slack, {"clock": clock, **FAST}, database_url=url) as one:
            assert "Subscribed" in text_of(await one.ask("digest subscribe 09:00 UTC"))
        # Only `other` runs now, started before the subscription existed.
        await settle(other)
        assert len(posts(slack, CHANNEL)) == 1  # the subscription's notice, no digest yet
        clock.now = DUE + timedelta(seconds=1)
        await wait_until(lambda: len(posts(slack, CHANNEL)) == 2)
        assert "Thursday 19 November 2026" in text_of(posts(slack, CHANNEL)[1])
        assert other.runtime is not None and other.runtime.digest_scheduler is not None
        assert other.runtime.digest_scheduler.next_run(CHANNEL) is not None

        assert "Unsubscribed" in text_of(await other.ask("digest unsubscribe"))
        await settle(other)
        assert other.runtime.digest_scheduler.next_run(CHANNEL) is None


@pytest.mark.parametrize("migrated_url", ["postgresql"], indirect=True)
async def test_two_bots_sharing_one_postgresql_post_once(
    sim: RunningSimulator, slack: RunningSlackStandin, migrated_url: str
) -> None:
    clock = Clock(DUE + timedelta(seconds=3))
    settings = {"digest_channel": DIGESTS, "database_url": migrated_url}
    async with AsyncExitStack() as stack:
        bots = [
            await stack.enter_async_context(
                running_bot(sim, slack, {"clock": clock, **FAST}, **settings)
            )
            for _ in range(3)
        ]
        await wait_until(lambda: len(posts(slack, DIGESTS)) == 1)
        for bot in bots:
            await settle(bot)
        assert len(posts(slack, DIGESTS)) == 1 and len(charts(slack, DIGESTS)) == 1


async def test_channels_due_together_share_one_walk_through_the_sessions(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    clock = Clock(DUE - timedelta(minutes=1))
    async with running_bot(sim, slack, {"clock": clock, **FAST}, digest_channel=DIGESTS) as bot:
        assert "Subscribed" in text_of(await bot.ask("digest subscribe 09:00 UTC"))
        before = len(sim.requests)
        clock.now = DUE + timedelta(seconds=2)
        await wait_until(lambda: len(charts(slack, DIGESTS) + charts(slack, CHANNEL)) == 2)
        walks = [r for r in sim.requests[before:] if r.path.endswith("/room_sessions")]
        # 400 sessions in the simulator: one page of 1000 holds the whole two-day window.
        assert len(walks) == 1, [r.path for r in walks]
        assert walks[0].query["page_size"] == "1000"
        assert text_of(posts(slack, DIGESTS)[-1]) == text_of(posts(slack, CHANNEL)[-1])


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_on_telnyx_a_days_digest_reads_only_that_days_sessions(
    sim: RunningTelnyxSimulator, slack: RunningSlackStandin
) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    clock = Clock(DUE)
    async with running_bot(sim, slack, {"clock": clock, **FAST}) as bot:
        assert "Subscribed" in text_of(await bot.ask("digest subscribe 10:00 Europe/Berlin"))
        before = len(sim.requests)
        clock.now = DUE + timedelta(seconds=2)  # 10:00 in Berlin
        await wait_until(lambda: len(charts(slack, CHANNEL)) == 1)
        message = posts(slack, CHANNEL)[-1]  # after the subscription's announcement
        assert f"Sessions: {day_sessions(sim, DAY, berlin)}" in text_of(message)
        assert "cost" not in text_of(message).lower()  # Telnyx reports none
        walks = [r for r in sim.requests[before:] if r.path == "/v2/room_sessions"]
        # The day and the one before (the digest compares them): in Berlin, 23:00 on the
        # 17th to 23:00 on the 19th, UTC. Those dates go on the wire, never the whole history.
        assert walks and all(
            (r.query["filter[date_created_at][gte]"], r.query["filter[date_created_at][lte]"])
            == ("2026-11-17", "2026-11-19")
            for r in walks
        )
        assert len(walks) == 1  # 400 sessions over 28 days: one page of 250 holds three days


async def test_an_empty_day_posts_one_line_and_no_chart(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    # The simulator's history ends on 20 November: 9 December had no sessions at all.
    clock = Clock(datetime(2026, 12, 10, 9, 0, 5, tzinfo=UTC))
    async with running_bot(sim, slack, {"clock": clock, **FAST}, digest_channel=DIGESTS) as bot:
        await wait_until(lambda: len(posts(slack, DIGESTS)) == 1)
        await settle(bot)
    (message,) = posts(slack, DIGESTS)
    assert text_of(message) == "No room sessions on Wednesday 9 December 2026 (UTC)."
    assert len(message["blocks"]) == 1 and charts(slack, DIGESTS) == []
    assert slack.calls_to("files.getUploadURLExternal") == []


async def test_no_grace_still_posts_on_time_but_never_late(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    clock = Clock(DUE + timedelta(seconds=40))
    settings = {"digest_channel": DIGESTS, "digest_grace_hours": 0}
    async with running_bot(sim, slack, {"clock": clock, **FAST}, **settings):
        await wait_until(lambda: len(posts(slack, DIGESTS)) == 1)
    late = Clock(DUE + timedelta(minutes=5))
    settings["digest_channel"] = "C0LATE0001"
    async with running_bot(sim, slack, {"clock": late, **FAST}, **settings) as bot:
        await settle(bot)
        assert posts(slack, "C0LATE0001") == []
