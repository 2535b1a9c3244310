"""Telling the truth when something fails: the real bot over HTTP on a PostgreSQL server the
test stops and starts mid-flow (tests/databases.py `stoppable_db`), the Slack stand-in and the
SignalWire simulator. Each test asserts what each person was told, what the approval channel
ends up showing, and how many writes the provider saw."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

import bot.services.approvals as approvals_module
import bot.services.scheduler as scheduler_module
import bot.slack.delivery_claim as delivery_claim
from bot.store.outage import OutageLog
from simulators import Fault, RunningSimulator
from simulators.slack_api import RunningSlackStandin
from tests import wire
from tests.databases import StoppableDatabase
from tests.slack_driver import ALICE, BOB, Driver, running_bot, text_of
from tests.test_update_flow import (
    ALICE_DM,
    APPROVALS,
    ask_update,
    buttons_of,
    puts,
    request_id_of,
    request_message,
    wait_until,
)

NOT_ANSWERING = "database is not answering"


# The outbox tries again within tenths of a second (production: seconds to minutes).
QUICK: dict[str, Any] = {
    "poll_seconds": 0.05,
    "backoff_first": timedelta(seconds=0.1),
    "backoff_cap": timedelta(seconds=0.3),
    # A row whose send could not be recorded is looked up again after this (production: 2 min).
    "lease": timedelta(seconds=1),
}
PARTS: dict[str, Any] = {"settle_interval": 0.05, "delivery": QUICK}


@pytest.fixture
async def pg_bot(
    sim: RunningSimulator, slack: RunningSlackStandin, stoppable_db: StoppableDatabase
) -> AsyncIterator[Driver]:
    async with running_bot(sim, slack, PARTS, database_url=stoppable_db.url) as driver:
        driver.drain_outbox = False  # each test waits for what it expects
        yield driver


@pytest.fixture
async def quick_bot(sim: RunningSimulator, slack: RunningSlackStandin) -> AsyncIterator[Driver]:
    async with running_bot(sim, slack, PARTS) as driver:
        driver.drain_outbox = False
        yield driver


async def ends_applied(bot: Driver, request_id: str, *, writes: int = 1) -> None:
    """What everyone ends up seeing after an approval that applied: one request message,
    showing the outcome without buttons; one DM to the requester; `writes` provider writes."""
    await wait_until(lambda: "Status: applied" in text_of(request_message(bot.slack)), 8)
    await wait_until(lambda: len(bot.slack.channel_messages(ALICE_DM)) >= 1, 8)
    await bot.outbox_drained()
    (message,) = bot.slack.channel_messages(APPROVALS)
    assert request_id in text_of(message) and buttons_of(message) == []
    (dm,) = bot.slack.channel_messages(ALICE_DM)
    assert request_id in text_of(dm) and "applied" in text_of(dm)
    assert len(puts(bot.sim)) == writes


def warnings_from(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == logger and r.levelno == logging.WARNING
    ]


async def test_reads_work_while_the_database_is_down_and_the_rest_says_so(
    pg_bot: Driver,
    stoppable_db: StoppableDatabase,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = pg_bot
    monkeypatch.setattr(delivery_claim, "_outage", OutageLog(delivery_claim.log))
    await stoppable_db.stop()
    caplog.set_level(logging.WARNING)
    listed = await bot.ask("list")
    assert "standup" in text_of(listed) and NOT_ANSWERING not in text_of(listed)
    needs_it = (
        "approvals",
        "audit",
        f"update standup {wire.members_field(bot.sim)}=25",
        "digest subscribe 09:00 Europe/Berlin",
    )
    for text in needs_it:
        reply = await bot.ask(text, user=BOB)
        assert NOT_ANSWERING in text_of(reply), text
        assert "nothing was stored" in text_of(reply) and "reference" not in text_of(reply)
    assert await asyncio.wait_for(bot.ask("list"), 5)
    # One line says the duplicate check is degraded, not one per request.
    (degraded,) = warnings_from(caplog, "bot.slack.deliveries")
    assert "this process only" in degraded
    assert bot.slack.calls_to("chat.postMessage") == [] and puts(bot.sim) == []
    await stoppable_db.start()
    assert NOT_ANSWERING not in text_of(await bot.ask("approvals"))


async def test_the_digest_scheduler_says_the_database_is_down_in_one_line(
    sim: RunningSimulator,
    slack: RunningSlackStandin,
    stoppable_db: StoppableDatabase,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scheduler_module, "_outage", OutageLog(scheduler_module.log))
    parts = {**PARTS, "digest_refresh": 0.05}
    async with running_bot(
        sim, slack, parts, database_url=stoppable_db.url, digest_channel="C0DIGEST01"
    ) as bot:
        assert bot.runtime is not None and bot.runtime.digest_scheduler is not None
        scheduler = bot.runtime.digest_scheduler
        await stoppable_db.stop()
        caplog.set_level(logging.WARNING)
        target = scheduler.refreshes + 4
        await wait_until(lambda: scheduler.refreshes >= target, 30)
        records = [r for r in caplog.records if r.name == "bot.services.scheduler"]
        # Four refreshes against a stopped database: one WARNING line, no traceback.
        assert [r.levelno for r in records] == [logging.WARNING], records
        assert records[0].exc_info is None and "could not read the store" in records[0].message
        await stoppable_db.start()


async def test_the_database_stopping_while_the_put_is_in_flight_is_told_and_settled(
    pg_bot: Driver, stoppable_db: StoppableDatabase
) -> None:
    bot = pg_bot
    members = wire.members_field(bot.sim)
    request_id = await ask_update(bot, f"{members}=25")
    bot.sim.faults.add(Fault(kind="stall", seconds=1.2, method=wire.write_method(bot.sim)))
    clicked = asyncio.create_task(bot.press(request_message(bot.slack), "Approve", user=BOB))
    await wait_until(lambda: len(puts(bot.sim)) == 1)
    await stoppable_db.stop()
    reply = text_of(await clicked)
    # The PUT landed; recording it failed. The approver is told exactly that.
    assert "was sent to SignalWire" in reply and "outcome" in reply, reply
    assert "nothing was changed" not in reply and "Something went wrong" not in reply
    assert wire.room_value(bot.sim, wire_room(bot), members) == 25
    assert "Status: applied" not in text_of(request_message(bot.slack))
    await stoppable_db.start()
    # Settled within moments of the database answering, not after TAKE_OVER_AFTER.
    # One provider write: the settling re-read the room and found it applied.
    await ends_applied(bot, request_id, writes=1)
    audit = text_of(await bot.ask("audit", user=ALICE))
    assert "settle → applying" in audit and "apply → applied" in audit


def wire_room(bot: Driver) -> str:
    found = bot.sim.dataset.room_by_name("standup")
    assert found is not None
    return str(found.id)


async def test_the_database_down_when_asked_stores_nothing_and_posts_nothing(
    pg_bot: Driver, stoppable_db: StoppableDatabase
) -> None:
    bot = pg_bot
    earlier = await ask_update(bot, f"{wire.members_field(bot.sim)}=24")
    await bot.outbox_drained()
    message = request_message(bot.slack)
    await stoppable_db.stop()
    reply = text_of(await bot.ask(f"update standup {wire.members_field(bot.sim)}=25"))
    assert NOT_ANSWERING in reply and "nothing was stored" in reply
    # A click needs the database too: it says so, and nothing reaches the provider.
    clicked = text_of(await bot.press(message, "Approve", user=BOB))
    assert NOT_ANSWERING in clicked and "nothing was stored or changed" in clicked
    await stoppable_db.start()
    await asyncio.sleep(0.3)  # the deliverer polls every 0.05 s: it would have posted by now
    (only,) = bot.slack.channel_messages(APPROVALS)
    assert earlier in text_of(only) and len(buttons_of(only)) == 2
    listed = text_of(await bot.ask("approvals", user=BOB))
    assert earlier in listed and listed.count("• ") == 1
    assert puts(bot.sim) == []


async def test_the_database_stopping_while_the_request_is_posted_posts_it_once_after(
    pg_bot: Driver, stoppable_db: StoppableDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = pg_bot
    monkeypatch.setattr(approvals_module, "POST_WAIT_SECONDS", 0.3)
    bot.slack.fail_for("chat.postMessage", seconds=0.8, status=500)
    asked = await bot.ask(f"update standup {wire.members_field(bot.sim)}=25")
    request_id, reply = request_id_of(asked), text_of(asked)
    # Stored, not yet in Slack: the requester is told exactly that.
    assert "will appear in <#C0APPROVAL> as soon as Slack takes it" in reply
    await stoppable_db.stop()
    # Slack recovers while the database is down: a try already under way may post (and
    # fail to record it); none can start.
    await asyncio.sleep(0.8)
    await stoppable_db.start()
    await wait_until(lambda: len(bot.slack.channel_messages(APPROVALS)) == 1, 8)
    await bot.outbox_drained()
    (message,) = bot.slack.channel_messages(APPROVALS)  # posted once, or found and adopted
    assert request_id in text_of(message) and len(buttons_of(message)) == 2
    decided = await bot.press(message, "Approve", user=BOB)
    assert "applied" in text_of(decided)
    await ends_applied(bot, request_id)


async def test_slack_500s_around_an_approval_still_deliver_the_edit_and_the_dm(
    quick_bot: Driver,
) -> None:
    bot = quick_bot
    request_id = await ask_update(bot)
    await bot.outbox_drained()
    bot.slack.fail_for("chat.update", seconds=1.0, status=500)
    bot.slack.fail_for("chat.postMessage", seconds=1.0, status=500)
    decided = await bot.press(request_message(bot.slack), "Approve", user=BOB)
    assert "applied" in text_of(decided)
    assert bot.slack.channel_messages(ALICE_DM) == []  # not yet: Slack is failing
    await ends_applied(bot, request_id)


async def test_slack_429s_around_an_approval_end_with_the_outcome_and_no_buttons(
    quick_bot: Driver,
) -> None:
    bot = quick_bot
    request_id = await ask_update(bot)
    await bot.outbox_drained()
    # Retry-After 1 (Slack's smallest) on every edit and post for half a second.
    bot.slack.rate_limit_for("chat.update", seconds=0.5, retry_after=1)
    bot.slack.rate_limit_for("chat.postMessage", seconds=0.5, retry_after=1)
    decided = await bot.press(request_message(bot.slack), "Approve", user=BOB)
    assert "applied" in text_of(decided)
    await ends_applied(bot, request_id)


async def test_a_request_post_taken_then_dropped_is_one_message_the_one_updated(
    quick_bot: Driver,
) -> None:
    bot = quick_bot
    bot.slack.drop_after_accepting("chat.postMessage")
    request_id = await ask_update(bot)
    await bot.outbox_drained()
    (message,) = bot.slack.channel_messages(APPROVALS)  # adopted, not posted again
    assert request_id in text_of(message) and len(buttons_of(message)) == 2
    decided = await bot.press(message, "Approve", user=BOB)
    assert "applied" in text_of(decided)
    await ends_applied(bot, request_id)
