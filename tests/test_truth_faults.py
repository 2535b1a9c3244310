"""Telling the truth when something fails: the real bot over HTTP on a PostgreSQL server the
test stops and starts mid-flow (tests/databases.py `stoppable_db`), the Slack stand-in and the
SignalWire simulator. Each test asserts what each person was told, what the approval channel
ends up showing, and how many writes the provider saw."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

import bot.slack.delivery_claim as delivery_claim
from bot.simulator import Fault, RunningSimulator
from bot.simulator.slack_api import RunningSlackStandin
from bot.store.outage import OutageLog
from tests import wire
from tests.databases import StoppableDatabase
from tests.slack_driver import ALICE, BOB, Driver, running_bot, text_of
from tests.test_update_flow import (
    ALICE_DM,
    APPROVALS,
    ask_update,
    buttons_of,
    puts,
    request_message,
    wait_until,
)

NOT_ANSWERING = "database is not answering"


@pytest.fixture
async def pg_bot(
    sim: RunningSimulator, slack: RunningSlackStandin, stoppable_db: StoppableDatabase
) -> AsyncIterator[Driver]:
    parts = {"settle_interval": 0.05}
    async with running_bot(sim, slack, parts, database_url=stoppable_db.url) as driver:
        yield driver


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
    for text in ("approvals", "audit", f"update standup {wire.members_field(bot.sim)}=25"):
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


async def test_the_database_stopping_while_the_put_is_in_flight_is_told_and_settled(
    pg_bot: Driver, stoppable_db: StoppableDatabase
) -> None:
    bot = pg_bot
    members = wire.members_field(bot.sim)
    request_id = await ask_update(bot, f"{members}=25")
    bot.sim.faults.add(Fault(kind="stall", seconds=0.5, method=wire.write_method(bot.sim)))
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
    await wait_until(lambda: "Status: applied" in text_of(request_message(bot.slack)), 5)
    assert len(puts(bot.sim)) == 1  # re-read, found applied: not sent twice
    assert buttons_of(request_message(bot.slack)) == []
    (dm,) = bot.slack.channel_messages(ALICE_DM)
    assert request_id in text_of(dm) and "applied" in text_of(dm)
    assert len(bot.slack.channel_messages(APPROVALS)) == 1
    audit = text_of(await bot.ask("audit", user=ALICE))
    assert "settle → applying" in audit and "apply → applied" in audit


def wire_room(bot: Driver) -> str:
    found = bot.sim.dataset.room_by_name("standup")
    assert found is not None
    return str(found.id)
