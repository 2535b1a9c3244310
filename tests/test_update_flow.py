"""`/rooms update` end to end: the real bot over HTTP with signed requests, the Slack
stand-in, the SignalWire simulator and the store (SQLite, and PostgreSQL where races
matter)."""

from __future__ import annotations

import asyncio
import copy
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.approvals.model import ApprovalStatus
from bot.demo import DEMO_SIGNING_SECRET
from bot.services.approvals import TAKE_OVER_AFTER
from bot.slack.blocks.approvals import APPROVE_BUTTON, REJECT_BUTTON
from bot.slack.buttons import STALE_BUTTON, ButtonSigner
from bot.store import open_store
from simulators import (
    AnySimulator,
    Fault,
    RunningSimulator,
    RunningTelnyxSimulator,
    TelnyxSimulatorConfig,
    run_telnyx_simulator,
)
from simulators.slack_api import RunningSlackStandin
from simulators.slack_payloads import block_action
from tests import wire
from tests.conftest import ON_BOTH_PROVIDERS
from tests.slack_driver import ALICE, BOB, CHANNEL, Driver, Sent, blocks_text, running_bot, text_of

APPROVALS = "C0APPROVAL"
CAROL = "U0CAROL003"
ALICE_DM = "D0ALICE001"
REQUEST_ID = re.compile(
    r"request `?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", re.IGNORECASE
)


class Clock:
    """The bot's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def room(sim: AnySimulator, name: str = "standup") -> Any:
    found = sim.dataset.room_by_name(name)
    assert found is not None
    return found


def puts(sim: AnySimulator) -> list[Any]:
    """The room writes: SignalWire's PUTs, Telnyx's PATCHes."""
    return wire.writes(sim)


def request_message(slack: RunningSlackStandin) -> dict[str, Any]:
    """The request's message as it is now (a copy: later updates leave it as it was, like a
    screen that has not refreshed yet)."""
    messages = slack.channel_messages(APPROVALS)
    assert messages, "nothing was posted to the approval channel"
    return copy.deepcopy(messages[-1])


def request_id_of(reply: dict[str, Any]) -> str:
    found = REQUEST_ID.search(text_of(reply))
    assert found, text_of(reply)
    return found.group(1)


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in message.get("blocks") or []
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


async def nothing_was_stored_or_sent(bot: Driver) -> None:
    await asyncio.sleep(0.1)
    assert bot.slack.calls_to("chat.postMessage") == []
    assert puts(bot.sim) == []
    assert bot.runtime is not None and bot.runtime.store is not None
    assert await bot.runtime.store.approvals.list_recent() == []


async def ask_update(bot: Driver, fields: str | None = None, **kwargs: Any) -> str:
    fields = fields or f"{wire.members_field(bot.sim)}=25"
    reply = await bot.ask(f"update standup {fields}", **kwargs)
    return request_id_of(reply)


# -- asking and approving -------------------------------------------------------------------


@ON_BOTH_PROVIDERS
async def test_a_typed_update_is_posted_and_applied_once_when_approved(bot: Driver) -> None:
    standup = room(bot.sim)
    members, recording = wire.members_field(bot.sim), wire.recording_field(bot.sim)
    was = wire.room_value(bot.sim, standup.id, members)
    assert wire.room_value(bot.sim, standup.id, recording) is False
    reply = await bot.ask(f"update StandUp {members}=25 {recording}=yes")
    request_id = request_id_of(reply)
    # The requester's confirmation: the id and a link to the request's message.
    assert reply["response_type"] == "ephemeral"
    assert "https://roomops-standin.slack.com/archives/C0APPROVAL/p" in blocks_text(reply)
    message = request_message(bot.slack)
    text, blocks = text_of(message), blocks_text(message)
    assert request_id in text and f"<@{ALICE}>" in text
    assert f"{members} {was} → 25" in text
    assert f"{recording} false → true" in text
    assert "<!date^" in blocks  # the expiry as a Slack date token
    approve, reject = buttons_of(message)
    assert (approve["text"]["text"], approve["style"]) == ("Approve", "primary")
    assert (reject["text"]["text"], reject["style"]) == ("Reject", "danger")
    assert approve["confirm"]["confirm"]["text"] == "Approve" and "confirm" in reject
    # The value is the request id and nothing else, signed for its own button.
    signer = ButtonSigner(DEMO_SIGNING_SECRET)
    assert signer.unsign(APPROVE_BUTTON, approve["value"]) == request_id
    assert signer.unsign(REJECT_BUTTON, reject["value"]) == request_id
    assert puts(bot.sim) == []

    decided = await bot.press(message, "Approve", user=BOB)
    assert "applied" in text_of(decided)
    (put,) = puts(bot.sim)
    assert (put.method, put.path) == (
        wire.write_method(bot.sim),
        wire.room_path(bot.sim, standup.id),
    )
    assert put.json == {members: 25, recording: True}
    assert wire.room_value(bot.sim, standup.id, members) == 25
    assert wire.room_value(bot.sim, standup.id, recording) is True
    updated = request_message(bot.slack)
    assert buttons_of(updated) == []
    assert f"Approved by <@{BOB}>" in text_of(updated) and "applied" in text_of(updated)
    assert "Status: applied" in text_of(updated)
    (dm,) = bot.slack.channel_messages(ALICE_DM)
    assert request_id in text_of(dm) and "applied" in text_of(dm)
    audit = await bot.ask("audit standup")
    for step in ("request → pending", "post → posted", "approve → approved", "apply → applied"):
        assert step in text_of(audit), step


async def test_reject_changes_nothing_and_tells_the_requester(bot: Driver) -> None:
    request_id = await ask_update(bot)
    reply = await bot.press(request_message(bot.slack), "Reject", user=BOB)
    assert "Rejected" in text_of(reply)
    assert puts(bot.sim) == []
    updated = request_message(bot.slack)
    assert buttons_of(updated) == [] and f"Rejected by <@{BOB}>" in text_of(updated)
    (dm,) = bot.slack.channel_messages(ALICE_DM)
    assert request_id in text_of(dm) and "Rejected" in text_of(dm)
    again = await bot.press(request_message_before(bot.slack, request_id), "Approve", user=BOB)
    assert "already rejected" in text_of(again)
    assert puts(bot.sim) == []


def request_message_before(slack: RunningSlackStandin, request_id: str) -> dict[str, Any]:
    """The message as it was first posted (a stale copy still showing its buttons)."""
    (call,) = [c for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == APPROVALS]
    assert request_id in str(call.args["text"])
    return {"text": call.args["text"], "blocks": call.args["blocks"]}


# -- refusals: nothing is stored, posted or sent ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("update standup max_members=500", "`max_members` must be a whole number from 1 to 300"),
        ("update standup join_from=", "SignalWire cannot clear `join_from`"),
        ("update standup colour=red", "`colour` is not a room field"),
        ("update standupp max_members=25", "No room named `standupp` on SignalWire. Did you mean"),
    ],
)
async def test_a_bad_request_is_refused_before_anything_happens(
    bot: Driver, text: str, says: str
) -> None:
    reply = await bot.ask(text)
    assert says in text_of(reply)
    await nothing_was_stored_or_sent(bot)


@pytest.mark.parametrize(
    ("sim", "text", "says"),
    [
        (
            "telnyx",
            "update standup quality=1080p",
            "`quality` is a SignalWire room setting; Telnyx rooms have no such field.",
        ),
        ("telnyx", "update standup max_members=25", "Did you mean `max_participants`?"),
        ("telnyx", "update standup max_participants=51", "from 2 to 50"),
        ("telnyx", "update standup webhook_event_url=hooks.example.com", "https://hooks.example"),
        ("telnyx", "update standupp max_participants=25", "No room named `standupp` on Telnyx."),
        (
            "signalwire",
            "update standup webhook_timeout_secs=10",
            "`webhook_timeout_secs` is a Telnyx room setting; SignalWire rooms have no such field",
        ),
    ],
    indirect=["sim"],
)
async def test_each_provider_refuses_the_others_fields_by_name(
    bot: Driver, text: str, says: str
) -> None:
    reply = await bot.ask(text)
    assert says in text_of(reply)
    await nothing_was_stored_or_sent(bot)


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_telnyx_webhooks_change_and_clear_in_one_patch(bot: Driver) -> None:
    assert isinstance(bot.sim, RunningTelnyxSimulator)
    standup = room(bot.sim).id
    bot.sim.change_room(standup, webhook_timeout_secs=25, webhook_event_failover_url="")
    await ask_update(
        bot,
        "webhook_event_url=<https://hooks.example.com/rooms?team=ops&env=prod|hooks.example.com> "
        "webhook_timeout_secs= webhook_event_failover_url=",
    )
    message = request_message(bot.slack)
    # An empty failover URL is already what the room has: not part of the request.
    assert "webhook_event_failover_url" not in text_of(message)
    await bot.press(message, "Approve", user=BOB)
    (patch,) = puts(bot.sim)
    assert patch.method == "PATCH" and patch.json == {
        "webhook_event_url": "https://hooks.example.com/rooms?team=ops&env=prod",
        "webhook_timeout_secs": None,
    }
    shown = bot.sim.room(standup)
    assert shown is not None and shown.webhook_timeout_secs is None
    assert shown.webhook_event_url == "https://hooks.example.com/rooms?team=ops&env=prod"
    assert "Status: applied" in text_of(request_message(bot.slack))


async def test_a_request_that_changes_nothing_is_refused(bot: Driver) -> None:
    current = room(bot.sim).max_members
    reply = await bot.ask(f"update standup max_members={current}")
    assert "No change: `standup` already has `max_members` as asked" in text_of(reply)
    await nothing_was_stored_or_sent(bot)


@pytest.mark.parametrize(
    ("changes", "names"),
    [
        ({"approvers": ()}, "APPROVERS is not set"),
        ({"approval_channel": None}, "APPROVAL_CHANNEL is not set"),
        ({"approvers": (), "approval_channel": None}, "APPROVERS and APPROVAL_CHANNEL are not"),
    ],
)
async def test_updates_are_off_without_approvers_or_a_channel(
    sim: RunningSimulator, slack: RunningSlackStandin, changes: dict[str, Any], names: str
) -> None:
    async with running_bot(sim, slack, **changes) as bot:
        for text in ("update standup max_members=25", "update standup"):
            reply = await bot.ask(text)
            assert names in text_of(reply)
        assert bot.slack.calls_to("views.open") == []
        await nothing_was_stored_or_sent(bot)


async def test_only_requesters_may_ask(sim: RunningSimulator, slack: RunningSlackStandin) -> None:
    async with running_bot(sim, slack, requesters=(BOB,)) as bot:
        reply = await bot.ask("update standup max_members=25", user=ALICE)
        assert "Only the people listed in REQUESTERS" in text_of(reply)
        await nothing_was_stored_or_sent(bot)
        assert request_id_of(await bot.ask("update standup max_members=25", user=BOB))


async def test_a_request_whose_post_fails_is_kept_for_the_approvals_list(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack, approval_channel="#no-such-channel") as bot:
        reply = await bot.ask("update standup max_members=25")
        assert "posting it to the approval channel failed (Slack answered channel_not_found)" in (
            text_of(reply)
        )
        request_id = request_id_of(reply)
        listed = await bot.ask("approvals", user=BOB)
        assert request_id in text_of(listed)
        # Given up on: the list says so, with Slack's reason, and so does the audit.
        assert (
            f"Request `{request_id}`: its message could not be delivered: channel_not_found"
            in blocks_text(listed)
        )
        await bot.press(listed, "Approve", user=BOB)
        assert len(puts(bot.sim)) == 1
        assert "post → undelivered" in text_of(await bot.ask("audit"))


# -- who decides --------------------------------------------------------------------------


async def test_two_people_see_every_change(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack, approvers=(ALICE, BOB)) as bot:
        await ask_update(bot, user=ALICE)
        message = request_message(bot.slack)
        own = await bot.press(message, "Approve", user=ALICE)
        assert "another approver must decide it" in text_of(own)
        stranger = await bot.press(message, "Reject", user=CAROL)
        assert "Only approvers can decide" in text_of(stranger)
        assert puts(bot.sim) == [] and buttons_of(request_message(bot.slack)) != []
        audit = text_of(await bot.ask("audit"))
        assert "approve → refused" in audit and "reject → refused" in audit
        await bot.press(message, "Approve", user=BOB)
        assert len(puts(bot.sim)) == 1


async def test_self_approval_when_allowed(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack, approvers=(ALICE,), allow_self_approval=True) as bot:
        await ask_update(bot, user=ALICE)
        reply = await bot.press(request_message(bot.slack), "Approve", user=ALICE)
        assert "applied" in text_of(reply) and len(puts(bot.sim)) == 1


# -- races: applied at most once ---------------------------------------------------------------


@pytest.fixture
async def racing_bot(
    sim: RunningSimulator, slack: RunningSlackStandin, migrated_url: str
) -> AsyncIterator[Driver]:
    approvers = (BOB, CAROL, "U0DAVE0004")
    async with running_bot(sim, slack, database_url=migrated_url, approvers=approvers) as bot:
        yield bot


async def test_a_double_click_applies_once(racing_bot: Driver) -> None:
    bot = racing_bot
    await ask_update(bot)
    message = request_message(bot.slack)
    first, second = await asyncio.gather(
        bot.press(message, "Approve", user=BOB), bot.press(message, "Approve", user=BOB)
    )
    assert len(puts(bot.sim)) == 1
    texts = sorted([text_of(first), text_of(second)], key=lambda t: "already" in t)
    assert "applied" in texts[0] and "already approved" in texts[1]


async def test_ten_concurrent_clicks_apply_once(racing_bot: Driver) -> None:
    bot = racing_bot
    request_id = await ask_update(bot, "max_members=33 layout=2x2")
    message = request_message(bot.slack)
    users = [BOB, CAROL, "U0DAVE0004"]
    labels = ["Approve", "Approve", "Reject"]
    replies = await asyncio.gather(
        *(bot.press(message, labels[n % 3], user=users[n % 3]) for n in range(10))
    )
    winners = [r for r in replies if "already" not in text_of(r)]
    assert len(winners) == 1, [text_of(r) for r in replies]
    assert bot.runtime is not None and bot.runtime.store is not None
    stored = await bot.runtime.store.approvals.get(request_id)
    assert stored is not None
    if stored.status is ApprovalStatus.APPLIED:
        (put,) = puts(bot.sim)
        assert put.json == {"max_members": 33, "layout": "2x2"}
    else:
        assert stored.status is ApprovalStatus.REJECTED and puts(bot.sim) == []


# -- the room changes behind the bot's back ---------------------------------------------------


@ON_BOTH_PROVIDERS
async def test_a_field_changed_since_the_request_makes_it_stale(bot: Driver) -> None:
    standup = room(bot.sim)
    members = wire.members_field(bot.sim)
    was = wire.room_value(bot.sim, standup.id, members)
    await ask_update(bot, f"{members}=25 {wire.recording_field(bot.sim)}=yes")
    bot.sim.change_room(standup.id, **{members: 7})
    reply = await bot.press(request_message(bot.slack), "Approve", user=BOB)
    assert "not applied" in text_of(reply)
    assert puts(bot.sim) == [] and wire.room_value(bot.sim, standup.id, members) == 7
    updated = request_message(bot.slack)
    assert buttons_of(updated) == []
    assert f"{members} was {was} when asked and is now 7" in text_of(updated)


@ON_BOTH_PROVIDERS
async def test_a_field_already_at_the_requested_value_is_not_sent_again(bot: Driver) -> None:
    members, recording = wire.members_field(bot.sim), wire.recording_field(bot.sim)
    await ask_update(bot, f"{members}=25 {recording}=yes")
    bot.sim.change_room(room(bot.sim).id, **{recording: True})
    await bot.press(request_message(bot.slack), "Approve", user=BOB)
    (put,) = puts(bot.sim)
    assert put.json == {members: 25}


# -- time runs out -----------------------------------------------------------------------------


async def test_requests_expire_and_a_late_click_says_so(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    clock = Clock()
    parts = {"clock": clock, "approvals_interval": 0.05}
    async with running_bot(sim, slack, parts, approval_ttl_hours=2) as bot:
        request_id = await ask_update(bot)
        message = request_message(bot.slack)
        clock.now += timedelta(hours=2, seconds=1)
        await wait_until(lambda: "Status: expired" in text_of(request_message(bot.slack)))
        assert buttons_of(request_message(bot.slack)) == []
        late = await bot.press(message, "Approve", user=BOB)
        assert f"Request `{request_id}` expired before it was decided" in text_of(late)
        assert puts(bot.sim) == []
        assert "Expired" in text_of(bot.slack.channel_messages(ALICE_DM)[-1])
        assert request_id not in text_of(await bot.ask("approvals"))
        assert "expire → expired" in text_of(await bot.ask("audit"))


async def test_a_click_after_the_deadline_expires_it_even_before_the_job_runs(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    clock = Clock()
    parts = {"clock": clock, "approvals_interval": 3600}
    async with running_bot(sim, slack, parts, approval_ttl_hours=1) as bot:
        await ask_update(bot)
        clock.now += timedelta(hours=1)
        late = await bot.press(request_message(bot.slack), "Approve", user=BOB)
        assert "expired before it was decided" in text_of(late)
        assert "Status: expired" in text_of(request_message(bot.slack))
        assert puts(bot.sim) == []


async def wait_until(condition: Any, seconds: float = 5.0) -> None:
    """For what the bot does on its own (the job): no reply to wait for, only its effect."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not so within {seconds} s")


# -- the provider fails, then Retry ---------------------------------------------------------


@ON_BOTH_PROVIDERS
async def test_a_provider_failure_shows_the_reason_and_retry_applies_once(bot: Driver) -> None:
    bot.sim.faults.add(
        Fault(kind="status", status=503, times=10, method=wire.write_method(bot.sim))
    )
    request_id = await ask_update(bot)
    reply = await bot.press(request_message(bot.slack), "Approve", user=BOB)
    assert "failed" in text_of(reply)
    failed = request_message(bot.slack)
    assert "Status: failed" in text_of(failed) and "503" in text_of(failed)
    (retry,) = buttons_of(failed)
    assert retry["text"]["text"] == "Retry" and "confirm" in retry
    standup, members = room(bot.sim).id, wire.members_field(bot.sim)
    assert wire.room_value(bot.sim, standup, members) != 25
    bot.sim.faults.clear()
    refused = await bot.press(failed, "Retry", user=ALICE)
    assert "Only approvers" in text_of(refused)
    attempts = len(puts(bot.sim))
    done = await bot.press(failed, "Retry", user=BOB)
    assert "applied" in text_of(done)
    assert len(puts(bot.sim)) == attempts + 1
    assert wire.room_value(bot.sim, standup, members) == 25
    assert "Status: applied" in text_of(request_message(bot.slack))
    again = await bot.press(failed, "Retry", user=BOB)
    assert f"Request `{request_id}` is applied, so there is nothing to retry" in text_of(again)
    assert len(puts(bot.sim)) == attempts + 1


@ON_BOTH_PROVIDERS
async def test_retry_rechecks_staleness(bot: Driver) -> None:
    bot.sim.faults.add(
        Fault(kind="status", status=503, times=10, method=wire.write_method(bot.sim))
    )
    await ask_update(bot)
    await bot.press(request_message(bot.slack), "Approve", user=BOB)
    bot.sim.faults.clear()
    bot.sim.change_room(room(bot.sim).id, **{wire.members_field(bot.sim): 3})
    attempts = len(puts(bot.sim))
    reply = await bot.press(request_message(bot.slack), "Retry", user=BOB)
    assert "not applied" in text_of(reply) and len(puts(bot.sim)) == attempts


# -- restarts ----------------------------------------------------------------------------------


async def test_a_pending_request_survives_a_restart(
    sim: RunningSimulator, slack: RunningSlackStandin, tmp_path: Any
) -> None:
    database = f"sqlite:///{tmp_path}/kept.db"
    async with running_bot(sim, slack, database_url=database) as bot:
        request_id = await ask_update(bot)
        message = request_message(bot.slack)
    async with running_bot(sim, slack, database_url=database) as bot:
        assert request_id in text_of(await bot.ask("approvals"))
        reply = await bot.press(message, "Approve", user=BOB)
        assert "applied" in text_of(reply) and len(puts(bot.sim)) == 1


async def test_a_request_made_on_one_provider_is_not_applied_on_the_other(
    sim: RunningSimulator, slack: RunningSlackStandin, tmp_path: Any
) -> None:
    database = f"sqlite:///{tmp_path}/kept.db"
    async with running_bot(sim, slack, database_url=database) as bot:
        await ask_update(bot)
        message = request_message(bot.slack)
    config = TelnyxSimulatorConfig(seed=7, session_count=20)
    async with (
        run_telnyx_simulator(config) as telnyx,
        running_bot(telnyx, slack, database_url=database) as bot,
    ):
        reply = await bot.press(message, "Approve", user=BOB)
        assert "failed" in text_of(reply)
        assert "made for SignalWire, and RoomOps now runs on Telnyx" in text_of(
            request_message(bot.slack)
        )
        assert puts(telnyx) == [] and puts(sim) == []


async def test_a_bot_stopped_between_the_decision_and_the_put_finishes_on_the_next_start(
    sim: RunningSimulator, slack: RunningSlackStandin, migrated_url: str
) -> None:
    async with running_bot(sim, slack, database_url=migrated_url) as bot:
        request_id = await ask_update(bot)
    # What a process killed right after winning the decision leaves behind.
    store = await open_store(migrated_url)
    try:
        decided_at = datetime.now(UTC)
        assert await store.approvals.decide(
            request_id, ApprovalStatus.PENDING, ApprovalStatus.APPROVED, BOB, decided_at
        )
    finally:
        await store.aclose()
    clock = Clock()
    clock.now = decided_at + TAKE_OVER_AFTER + timedelta(minutes=1)
    parts = {"clock": clock, "approvals_interval": 0.05}
    async with running_bot(sim, slack, parts, database_url=migrated_url) as bot:
        await wait_until(lambda: "Status: applied" in text_of(request_message(bot.slack)))
        assert len(puts(bot.sim)) == 1
        assert "RoomOps resume → applying" in text_of(await bot.ask("audit"))


async def test_a_put_that_landed_before_the_crash_is_not_sent_again(
    sim: RunningSimulator, slack: RunningSlackStandin, migrated_url: str
) -> None:
    async with running_bot(sim, slack, database_url=migrated_url) as bot:
        request_id = await ask_update(bot, "max_members=25")
    store = await open_store(migrated_url)
    try:
        at = datetime.now(UTC)
        P, A = ApprovalStatus.PENDING, ApprovalStatus.APPROVED
        assert await store.approvals.decide(request_id, P, A, BOB, at)
        assert await store.approvals.begin_apply(request_id, at)
    finally:
        await store.aclose()
    sim.change_room(room(sim).id, max_members=25)  # the PUT landed; the process did not see it
    clock = Clock()
    clock.now = at + TAKE_OVER_AFTER + timedelta(minutes=1)
    parts = {"clock": clock, "approvals_interval": 0.05}
    async with running_bot(sim, slack, parts, database_url=migrated_url) as bot:
        await wait_until(lambda: "Status: applied" in text_of(request_message(bot.slack)))
        assert puts(bot.sim) == []


# -- untrusted button values -------------------------------------------------------------------


async def test_tampered_and_foreign_request_ids_are_refused(bot: Driver) -> None:
    await ask_update(bot)
    message = request_message(bot.slack)
    approve = buttons_of(message)[0]
    signer = ButtonSigner(DEMO_SIGNING_SECRET)
    request_id = signer.unsign(APPROVE_BUTTON, approve["value"])
    values = {
        "tampered": approve["value"][:-2] + ("AA" if approve["value"][-2:] != "AA" else "BB"),
        "another purpose": signer.sign("rooms_room_details", request_id),
        "not an id": signer.sign(APPROVE_BUTTON, "../../rooms"),
        "another app": ButtonSigner("another-apps-secret").sign(APPROVE_BUTTON, request_id),
    }
    for why, value in values.items():
        reply = await click(bot, {**approve, "value": value}, BOB)
        assert STALE_BUTTON in text_of(reply), why
    foreign = signer.sign(APPROVE_BUTTON, "6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10")
    reply = await click(bot, {**approve, "value": foreign}, BOB)
    assert STALE_BUTTON in text_of(reply)
    assert puts(bot.sim) == []
    assert buttons_of(request_message(bot.slack)) != []


async def click(bot: Driver, element: dict[str, Any], user: str) -> dict[str, Any]:
    url = bot.slack.new_response_url()
    action = {
        "type": "button",
        "action_id": element["action_id"],
        "block_id": "x",
        "value": element["value"],
        "text": element["text"],
    }
    body = block_action(action, response_url=url, user_id=user, channel_id=CHANNEL)
    return await bot.reply(Sent(await bot.post(body), url, 0.0))


# -- listing ------------------------------------------------------------------------------------


async def test_approvals_lists_pending_requests_with_buttons_for_approvers(bot: Driver) -> None:
    first = await ask_update(bot, "max_members=25")
    second = await ask_update(bot, "layout=3x3")
    as_alice = await bot.ask("approvals", user=ALICE)
    assert first in text_of(as_alice) and second in text_of(as_alice)
    assert text_of(as_alice).index(first) < text_of(as_alice).index(second)
    assert '"action_id": "approval_approve"' not in blocks_text(as_alice)
    as_bob = await bot.ask("approvals", user=BOB)
    decided = await bot.press(as_bob, "Approve", user=BOB, index=1)
    assert "applied" in text_of(decided)
    (put,) = puts(bot.sim)
    assert put.json == {"layout": "3x3"}
    remaining = text_of(await bot.ask("approvals"))
    assert first in remaining and second not in remaining


async def test_audit_filters_by_room_and_limit(bot: Driver) -> None:
    await ask_update(bot)
    await bot.ask("update sales-demo max_members=5")
    everything = text_of(await bot.ask("audit"))
    assert "standup" in everything and "sales-demo" in everything
    only = text_of(await bot.ask("audit SALES-DEMO limit=1"))
    assert "sales-demo" in only and "standup" not in only
    assert only.count("\n•") == 1
