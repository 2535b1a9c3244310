"""The subcommand registry is the one place a `/rooms` subcommand is declared: help, usage
hints, suggestions, routing, the More button and the manifest's hint all come from it
(pure: no server)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
import yaml

from bot.commands.errors import Usage, UsageError
from bot.commands.options import limit, options
from bot.render.kit import Reply, section
from bot.slack.blocks.help import render_help
from bot.slack.blocks.provider_view import view_for
from bot.slack.buttons import ButtonRefused, ButtonSigner
from bot.slack.more import PURPOSE, MoreStates
from bot.slack.services import Services
from bot.slack.subcommands.base import (
    Caller,
    Grammar,
    MoreState,
    Paging,
    Registry,
    Subcommand,
    by_provider,
)
from bot.slack.subcommands.registry import REGISTRY, parse
from bot.slack.subcommands.sessions import SessionsCommand

ROOT = Path(__file__).resolve().parent.parent
SIGNER = ButtonSigner("signing-secret-for-registry-tests")
PROVIDERS = ("signalwire", "telnyx")
# What `/rooms help` said of `update` before the field lists were read from the catalogues.
UPDATE_SUMMARIES = {
    "signalwire": (
        "ask for a change of room fields (display_name, description, max_members, quality, "
        "join_from, join_until, remove_at, remove_after_seconds_elapsed, layout, "
        "record_on_start, enable_room_previews, sync_audio_video, meta), applied once an "
        "approver approves it; with only the room, a form filled with its current values"
    ),
    "telnyx": (
        "ask for a change of room fields (unique_name, max_participants, enable_recording, "
        "webhook_event_url, webhook_event_failover_url, webhook_timeout_secs), applied once "
        "an approver approves it; with only the room, a form filled with its current values"
    ),
}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_update_summary_from_the_catalogue_reads_as_before(provider: str) -> None:
    assert REGISTRY["update"].summary(provider) == UPDATE_SUMMARIES[provider]
    assert f"{REGISTRY['update'].usage}: {UPDATE_SUMMARIES[provider]}" in (
        render_help(REGISTRY, view=view_for(provider)).text.splitlines()
    )


@pytest.mark.parametrize("provider", PROVIDERS)
def test_help_lists_every_registered_subcommand_in_registry_order(provider: str) -> None:
    reply = render_help(REGISTRY, view=view_for(provider))
    lines = reply.text.splitlines()[1:-1]  # between the title and the examples
    assert lines == [f"{unit.usage}: {unit.summary(provider)}" for unit in REGISTRY]
    sections = [b["text"]["text"] for b in reply.blocks if b["type"] == "section"]
    assert sections == [f"`{unit.usage}`\n{unit.summary(provider)}" for unit in REGISTRY]
    for unit in REGISTRY:
        (only,) = [b for b in render_help(REGISTRY, unit.name).blocks if b["type"] == "section"]
        assert unit.usage in only["text"]["text"]


def test_the_manifest_hint_is_every_usage_line() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    (rooms,) = manifest["features"]["slash_commands"]
    hint = rooms["usage_hint"]
    assert hint == REGISTRY.manifest_hint()
    for unit in REGISTRY:
        assert unit.usage.replace("/rooms ", "") in hint


@pytest.mark.parametrize("name", REGISTRY.commands)
def test_a_refusal_carries_its_own_subcommands_usage(name: str) -> None:
    # Words every subcommand refuses: an unknown option, and more than any takes.
    with pytest.raises(UsageError) as refused:
        parse(f"{name} a=1 b c")
    assert refused.value.usage == REGISTRY[name].usage


@pytest.mark.parametrize("name", REGISTRY.commands)
def test_a_mistyped_subcommand_gets_the_usage_of_the_one_it_suggests(name: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse(name + "x")
    meant = re.search(r"Did you mean `([a-z]+)`", refused.value.message)
    assert meant is not None and meant.group(1) in REGISTRY.commands
    assert refused.value.usage == REGISTRY[meant.group(1)].usage


def test_an_unknown_word_lists_the_registered_commands() -> None:
    with pytest.raises(UsageError) as refused:
        parse("qqqqqqq")
    assert refused.value.usage == "/rooms help"
    listed = re.findall(r"`([a-z]+)`", refused.value.message.split("Commands:")[1])
    assert listed == list(REGISTRY.commands)


def _signed(words: list[str], shown: int, cursor: str | None) -> str:
    return SIGNER.sign(PURPOSE, [words, shown, cursor])


# The shortest text of each listing that pages (its name alone, where it takes no argument).
LISTED = {
    "members": "members 3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a",
    "events": "events 3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a",
}


@pytest.mark.parametrize("unit", [u for u in REGISTRY if u.paging], ids=lambda u: u.name)
def test_more_refuses_a_state_that_its_subcommand_does_not_page_by(unit: Subcommand[Any]) -> None:
    assert unit.paging is not None
    states = MoreStates(SIGNER, REGISTRY)
    typed = LISTED.get(unit.name, unit.name)
    words = REGISTRY.unparse(parse(typed))
    right, wrong = ("c", None) if unit.paging.takes == "cursor" else (None, "c")
    assert states.decode(_signed(words, 10, right)) == MoreState(parse(typed), 10, right)
    # A button value edited to page a cursor listing by offset, or the other way round.
    with pytest.raises(ButtonRefused):
        states.decode(_signed(words, 10, wrong))


@pytest.mark.parametrize("words", [["help"], ["room", "standup"], ["approvals"], ["digest"]])
def test_more_refuses_a_subcommand_that_does_not_page(words: list[str]) -> None:
    for cursor in (None, "c"):
        with pytest.raises(ButtonRefused):
            MoreStates(SIGNER, REGISTRY).decode(_signed(words, 10, cursor))


def test_a_more_button_already_in_a_channel_still_decodes() -> None:
    # The payload as RoomOps has signed it all along: the words, the rows shown, the cursor.
    value = _signed(["sessions", "status=completed", "limit=5"], 5, "next")
    state = MoreStates(SIGNER, REGISTRY).decode(value)
    assert state == MoreState(parse("sessions status=completed limit=5"), 5, "next")
    assert isinstance(state.command, SessionsCommand)


# -- a subcommand the registry has never seen ----------------------------------------------

PING = Usage("ping", "/rooms ping [n=N]")


@dataclass(frozen=True)
class PingCommand:
    n: int


def _parse_ping(args: list[str], _grammar: Grammar) -> PingCommand:
    return PingCommand(limit(PING, options(PING, args, allowed=("n",)).get("n")))


async def _answer_ping(command: PingCommand, _services: Services, _caller: Caller) -> Reply:
    return Reply(f"pong {command.n}", [section(f"pong {command.n}")])


async def _next_ping(state: MoreState, _services: Services, _user: str | None) -> Reply:
    return Reply(f"pong {state.shown}", [])


PING_UNIT = Subcommand(
    name=PING.name,
    usage=PING.line,
    summary=by_provider("answers pong", telnyx="answers pong on Telnyx"),
    examples=by_provider(("/rooms ping n=3",)),
    parse=_parse_ping,
    answer=_answer_ping,
    forms=(PingCommand,),
    paging=Paging(
        takes="offset",
        unparse=lambda command: [f"n={command.n}"],
        next_page=_next_ping,
    ),
)


async def test_a_unit_added_to_a_registry_is_routed_listed_and_paged() -> None:
    registry = REGISTRY.with_unit(PING_UNIT)
    parsed = registry.read(["ping", "n=3"])
    assert parsed.unit is PING_UNIT and parsed.command == PingCommand(3)
    caller = Caller(user_id="U1", channel_id="C1", payload={}, registry=registry)
    reply = await parsed.unit.answer(parsed.command, cast(Services, None), caller)
    assert reply is not None and reply.text == "pong 3"
    # Its own usage on a refusal, and the suggestion for a typo.
    with pytest.raises(UsageError) as refused:
        registry.read(["ping", "n=zero"])
    assert refused.value.usage == PING.line
    with pytest.raises(UsageError) as mistyped:
        registry.read(["pingg"])
    assert mistyped.value.usage == PING.line
    # Listed in help (with its provider's summary and examples) and in the manifest's hint.
    shown = render_help(registry, view=view_for("telnyx")).text
    assert "/rooms ping [n=N]: answers pong on Telnyx" in shown
    assert "/rooms ping n=3" in shown
    assert registry.manifest_hint().endswith(" | ping [n=N]")
    assert render_help(registry, "ping").text.splitlines()[1] == "/rooms ping [n=N]: answers pong"
    assert registry.parse("help ping").topic == "ping"
    assert REGISTRY.parse("help ping").topic is None
    # Its More button pages through the unit.
    states = MoreStates(SIGNER, registry)
    state = states.decode(states.encode(MoreState(PingCommand(3), 7)))
    assert state == MoreState(PingCommand(3), 7)
    assert (await states.paging(state).next_page(state, cast(Services, None), None)).text == (
        "pong 7"
    )
    # The registry it was added to is left as it was.
    assert "ping" not in REGISTRY
    with pytest.raises(UsageError):
        REGISTRY.read(["ping"])
    with pytest.raises(ButtonRefused):
        MoreStates(SIGNER, REGISTRY).decode(states.encode(MoreState(PingCommand(3), 7)))


def test_a_registry_refuses_two_units_of_one_name() -> None:
    with pytest.raises(ValueError):
        REGISTRY.with_unit(REGISTRY["room"])
    with pytest.raises(ValueError):
        Registry((PING_UNIT,))  # no help
