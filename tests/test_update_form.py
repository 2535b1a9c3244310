"""`/rooms update ROOM` without fields: the form opens at once, fills with the room's
values, shows problems under their fields, and a valid submission is asked for approval."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.slack.buttons import STALE_BUTTON
from simulators import RunningSimulator, RunningTelnyxSimulator
from simulators.slack_api import RunningSlackStandin
from simulators.slack_payloads import signed_headers, view_submission
from tests import wire
from tests.conftest import ON_BOTH_PROVIDERS
from tests.slack_driver import ALICE, CHANNEL, Driver, running_bot, text_of

APPROVALS = "C0APPROVAL"


def room_reads(bot: Driver) -> int:
    rooms = wire.room_path(bot.sim, "").rstrip("/")
    return sum(1 for r in bot.sim.requests if r.path.startswith(rooms))


async def open_form(bot: Driver, ref: str = "standup") -> dict[str, Any]:
    # Slack's trigger_id lasts 3 s, so the form must open before the provider is read:
    # count the room reads the simulator has seen at the moment views.open arrives.
    reads_before = room_reads(bot)
    reads_at_open: list[int] = []

    def on_event(method: str, _: dict[str, Any]) -> None:
        if method == "views.open":
            reads_at_open.append(room_reads(bot))

    bot.slack.on_event = on_event
    try:
        sent = await bot.command(f"update {ref}")
        assert sent.response.status_code == 200 and sent.response.content == b""
        (opened,) = await bot.slack.wait_for_call("views.open")
        (updated,) = await bot.slack.wait_for_call("views.update")
    finally:
        bot.slack.on_event = None
    assert opened.args["trigger_id"]
    assert "submit" not in opened.args["view"]
    assert reads_at_open == [reads_before]  # opened before any read of the room
    assert room_reads(bot) > reads_before  # and filled from one made after
    assert updated.ok, updated.error
    return bot.slack.views[updated.args["view_id"]]


def state_of(view: dict[str, Any], **changes: str | None) -> dict[str, Any]:
    """The inputs as Slack reports them: as filled, except `changes` (None empties one)."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        name, element = block["block_id"], block["element"]
        if element["type"] == "static_select":
            chosen = element.get("initial_option")
            if name in changes:
                chosen = {"value": changes[name]} if changes[name] is not None else None
            values[name] = {"value": {"type": "static_select", "selected_option": chosen}}
        else:
            text = changes[name] if name in changes else element.get("initial_value")
            values[name] = {"value": {"type": "plain_text_input", "value": text}}
    return values


async def submit(bot: Driver, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    response = await bot.post(view_submission(view, user_id=ALICE, values=values))
    assert response.status_code == 200, response.text
    return json.loads(response.content) if response.content else {}


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b.get("type") == "input"}


async def test_the_form_is_filled_with_the_rooms_current_values(bot: Driver) -> None:
    room = bot.sim.dataset.room_by_name("standup")
    assert room is not None
    view = await open_form(bot, "STANDUP")
    fields = inputs(view)
    assert fields["max_members"]["initial_value"] == str(room.max_members)
    assert fields["quality"]["initial_option"]["value"] == room.quality
    assert fields["layout"]["initial_option"]["value"] == room.layout
    flag = fields["record_on_start"]["initial_option"]["value"]
    assert flag == ("true" if room.record_on_start else "false")
    assert view["submit"]["text"] == "Ask for approval"


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_on_telnyx_the_form_holds_telnyx_fields(bot: Driver) -> None:
    standup = room_of(bot)
    assert isinstance(bot.sim, RunningTelnyxSimulator)
    bot.sim.change_room(standup, webhook_timeout_secs=25)
    shown = bot.sim.room(standup)
    assert shown is not None
    view = await open_form(bot)
    fields = inputs(view)
    assert list(fields) == [
        "unique_name",
        "max_participants",
        "enable_recording",
        "webhook_event_url",
        "webhook_event_failover_url",
        "webhook_timeout_secs",
    ]
    assert fields["unique_name"]["initial_value"] == "standup"
    assert fields["max_participants"]["initial_value"] == str(shown.max_participants)
    assert fields["webhook_event_url"]["initial_value"] == shown.webhook_event_url
    assert fields["webhook_timeout_secs"]["initial_value"] == "25"
    assert "SignalWire" not in json.dumps(view)
    answer = await submit(
        bot,
        view,
        state_of(view, max_participants="51", webhook_event_url="hooks.example.com/rooms"),
    )
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"max_participants", "webhook_event_url"}
    assert "from 2 to 50" in answer["errors"]["max_participants"]
    assert "https://hooks.example.com/rooms" in answer["errors"]["webhook_event_url"]
    # Emptying the timeout clears it: Telnyx's default again.
    cleared = await submit(bot, view, state_of(view, webhook_timeout_secs=None))
    assert cleared == {}
    assert bot.runtime is not None and bot.runtime.store is not None
    await wait_for_request(bot)
    (request,) = await bot.runtime.store.approvals.list_pending()
    assert [(c.field, c.old, c.new) for c in request.changes] == [
        ("webhook_timeout_secs", 25, None)
    ]


def room_of(bot: Driver, name: str = "standup") -> str:
    room = bot.sim.dataset.room_by_name(name)
    assert room is not None
    return room.id


async def wait_for_request(bot: Driver) -> None:
    await bot.slack.wait_for_call("chat.postEphemeral")


async def test_problems_show_under_each_field_and_nothing_is_stored(bot: Driver) -> None:
    room = bot.sim.dataset.room_by_name("standup")
    assert room is not None
    bot.sim.change_room(room.id, join_from="2026-12-01T09:00:00Z")
    view = await open_form(bot)
    assert inputs(view)["join_from"]["initial_value"] == "2026-12-01T09:00:00Z"
    answer = await submit(
        bot, view, state_of(view, max_members="0", join_from=None, meta="[1]", layout="2x2")
    )
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert set(errors) == {"max_members", "join_from", "meta"}
    assert "max_members must be a whole number from 1 to 300" in errors["max_members"]
    assert "SignalWire cannot clear join_from" in errors["join_from"]
    await asyncio.sleep(0.1)
    assert bot.slack.channel_messages(APPROVALS) == []
    assert [r for r in bot.sim.requests if r.method == "PUT"] == []


@ON_BOTH_PROVIDERS
async def test_an_untouched_form_asks_for_a_change(bot: Driver) -> None:
    view = await open_form(bot)
    answer = await submit(bot, view, state_of(view))
    first = "unique_name" if wire.is_telnyx(bot.sim) else "display_name"
    assert answer == {
        "response_action": "errors",
        "errors": {first: "Change at least one field, or press Cancel."},
    }


async def test_a_valid_form_asks_for_the_changed_fields_only(bot: Driver) -> None:
    view = await open_form(bot)
    answer = await submit(bot, view, state_of(view, max_members="42", record_on_start="true"))
    assert answer == {}
    (told,) = await bot.slack.wait_for_call("chat.postEphemeral")
    assert (told.args["channel"], told.args["user"]) == (CHANNEL, ALICE)
    assert "Asked for approval" in told.args["text"]
    (message,) = bot.slack.channel_messages(APPROVALS)
    assert "max_members" in text_of(message)
    room = bot.sim.dataset.room_by_name("standup")
    assert room is not None and bot.runtime is not None and bot.runtime.store is not None
    (request,) = await bot.runtime.store.approvals.list_pending()
    expected = [("max_members", room.max_members, 42)]
    if not room.record_on_start:
        expected.append(("record_on_start", False, True))
    assert [(c.field, c.old, c.new) for c in request.changes] == expected


async def test_a_form_whose_metadata_was_tampered_with_is_refused(bot: Driver) -> None:
    view = await open_form(bot)
    forged = {**view, "private_metadata": view["private_metadata"][:-3] + "abc"}
    answer = await submit(bot, forged, state_of(view, max_members="42"))
    assert answer == {"response_action": "errors", "errors": {"display_name": STALE_BUTTON}}
    await asyncio.sleep(0.1)
    assert bot.slack.channel_messages(APPROVALS) == []


async def test_an_unknown_room_shows_in_the_form(bot: Driver) -> None:
    sent = await bot.command("update standupp")
    assert sent.response.status_code == 200
    (updated,) = await bot.slack.wait_for_call("views.update")
    shown = json.dumps(updated.args["view"])
    assert "No room named" in shown and "Did you mean" in shown
    assert "submit" not in updated.args["view"]


async def test_a_submission_replayed_to_another_replica_asks_once(
    sim: RunningSimulator, slack: RunningSlackStandin, tmp_path: Path
) -> None:
    shared = {"database_url": f"sqlite:///{tmp_path}/shared.db"}
    async with running_bot(sim, slack, **shared) as one, running_bot(sim, slack, **shared) as two:
        view = await open_form(one)
        body = view_submission(view, user_id=ALICE, values=state_of(view, max_members="42"))
        headers = signed_headers(one.secret, body)
        for bot in (one, two):
            response = await bot.http.post(f"{bot.url}/slack/events", content=body, headers=headers)
            assert response.status_code == 200
        await slack.wait_for_call("chat.postEphemeral")
        await asyncio.sleep(0.8)
        assert one.runtime is not None and one.runtime.store is not None
        assert len(await one.runtime.store.approvals.list_pending()) == 1
        assert len(slack.channel_messages(APPROVALS)) == 1
