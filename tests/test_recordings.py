"""`/rooms recordings` and its "Get link" button, end to end: the real bot over HTTP, the
Slack stand-in, and each provider's simulator; expected values come from the simulator's
dataset or from the provider client, which tests/test_provider_drilldown.py checks
against the dataset."""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.providers.models import Recording
from bot.providers.signalwire import SignalWireProvider
from bot.providers.telnyx import TelnyxProvider
from bot.render.kit import actions, button
from bot.slack.blocks.recordings import LINK_BUTTON, NOT_READY, human_size
from bot.slack.blocks.sessions import SESSION_BUTTON
from bot.slack.buttons import STALE_BUTTON
from simulators import AnySimulator, RunningTelnyxSimulator
from tests.conftest import FAST_HTTP, FAST_RETRIES, ON_BOTH_PROVIDERS
from tests.slack_driver import ALICE, BOB, Driver, blocks_text, text_of

ROW_ID = re.compile(r"\| id ([0-9a-f-]{36})$", re.MULTILINE)

Client = SignalWireProvider | TelnyxProvider


@pytest.fixture
async def client(sim: AnySimulator) -> AsyncIterator[Client]:
    """The provider client, to know what the listing should show."""
    made: Client
    if isinstance(sim, RunningTelnyxSimulator):
        made = TelnyxProvider.connect(
            sim.base_url, sim.api_key, http_settings=FAST_HTTP, policy=FAST_RETRIES
        )
    else:
        made = SignalWireProvider.connect(
            sim.base_url,
            sim.config.project_id,
            sim.config.api_token,
            http_settings=FAST_HTTP,
            policy=FAST_RETRIES,
        )
    yield made
    await made.aclose()


async def _find(client: Client, status: str) -> Recording:
    cursor = None
    for _ in range(10):
        page = await client.recordings_page(cursor=cursor, page_size=20)
        found = [r for r in page.items if r.status == status and r.session_id]
        if found:
            return found[0]
        cursor = page.next_cursor
    raise AssertionError(f"no {status} recording")


def _ids(reply: dict[str, object]) -> list[str]:
    return ROW_ID.findall(text_of(reply))


@ON_BOTH_PROVIDERS
async def test_recordings_newest_first_and_more_pages_on_without_repeats(
    bot: Driver, client: Client
) -> None:
    first = await bot.ask("recordings limit=4")
    second = await bot.press(first, "More")
    third = await bot.press(second, "More")
    pages = [_ids(m) for m in (first, second, third)]
    expected = await client.recordings_page(page_size=12)
    assert pages[0] + pages[1] + pages[2] == [r.id for r in expected.items]
    assert len(set(pages[0] + pages[1] + pages[2])) == 12
    assert "Showing 4 recordings, newest first. More are available." in text_of(first)
    assert "Showing recordings 5–8" in text_of(second)
    assert first["response_type"] == "ephemeral"
    # Each completed one has a Get link button, and only those.
    done = [r for r in expected.items[:4] if r.completed]
    assert blocks_text(first).count('"action_id": "rooms_recording_link"') == len(done)
    assert bot.slack.calls_to("chat.postMessage") == []


@ON_BOTH_PROVIDERS
async def test_one_sessions_recordings_show_status_size_and_duration(
    bot: Driver, client: Client
) -> None:
    done = await _find(client, "completed")
    reply = await bot.ask(f"recordings `{done.session_id}`")
    assert _ids(reply) == [done.id]
    text = text_of(reply)
    assert f"Recordings (Showing 1 recording matching session {done.session_id}" in text
    assert "\n• completed | started " in text and "Get link" in blocks_text(reply)
    assert done.size_bytes is not None and done.size_bytes >= 10**6
    assert f" | {human_size(done.size_bytes)} | " in text
    if isinstance(bot.sim, RunningTelnyxSimulator):
        assert "$" not in text  # Telnyx reports no cost
    else:
        assert done.cost_in_dollars is not None and f"${done.cost_in_dollars:.2f}" in text


@ON_BOTH_PROVIDERS
async def test_a_recording_still_processing_says_so_and_has_no_button(
    bot: Driver, client: Client
) -> None:
    processing = await _find(client, "processing")
    reply = await bot.ask(f"recordings {processing.session_id}")
    assert _ids(reply) == [processing.id]
    assert "processing: no link yet" in blocks_text(reply)
    assert "Get link" not in blocks_text(reply)


@ON_BOTH_PROVIDERS
@pytest.mark.parametrize("typed", ["not-a-uuid", "../rooms", "6f1c5b8e1d7e4f559a550c7b1e4f7a10"])
async def test_a_malformed_session_is_refused_without_a_provider_call(
    bot: Driver, typed: str
) -> None:
    reply = await bot.ask(f"recordings {typed}")
    assert "is not a session id" in text_of(reply)
    assert "Usage: /rooms recordings [SESSION] [limit=N]" in text_of(reply)
    assert bot.sim.requests == []


@ON_BOTH_PROVIDERS
async def test_an_unknown_session_is_named(bot: Driver) -> None:
    unknown = "6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10"
    reply = await bot.ask(f"recordings {unknown}")
    if isinstance(bot.sim, RunningTelnyxSimulator):
        # Telnyx filters its recordings by session: an unknown one simply has none.
        assert text_of(reply) == f"No recordings matching session {unknown}."
    else:
        assert text_of(reply) == f"No room session with id `{unknown}` on SignalWire."


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_a_telnyx_room_name_is_escaped_in_the_listing(bot: Driver, client: Client) -> None:
    done = await _find(client, "completed")
    assert done.room_id is not None
    bot.sim.change_room(done.room_id, unique_name="<!channel> *Ops* & co")
    reply = await bot.ask(f"recordings {done.session_id}")
    shown = text_of(reply) + blocks_text(reply)
    assert "<!channel>" not in shown
    assert "&lt;!channel&gt; *Ops* &amp; co" in blocks_text(reply)
    assert f"| room &lt;!channel&gt; *Ops* &amp; co | id {done.id}" in text_of(reply)


# -- Get link ------------------------------------------------------------------------------

LINK_IN_TEXT = re.compile(r"^Link to recording [0-9a-f-]{36}: (\S+)$", re.MULTILINE)


def _link_of(reply: dict[str, Any]) -> str:
    found = LINK_IN_TEXT.search(text_of(reply))
    assert found, text_of(reply)
    return html.unescape(found.group(1))


def _stored_bytes(bot: Driver) -> bytes:
    """Everything the bot's SQLite database holds on disk (the file and its WAL)."""
    assert bot.runtime is not None
    database = Path(bot.runtime.settings.database_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in database.parent.glob(f"{database.name}*"))


async def _press_value(bot: Driver, value: str, *, user: str = ALICE) -> dict[str, Any]:
    """A click on a Get link button carrying `value`, as a forger would send it."""
    message = {"blocks": [actions(button("Get link", LINK_BUTTON, value))]}
    return await bot.press(message, "Get link", user=user)


@ON_BOTH_PROVIDERS
async def test_get_link_answers_only_the_presser_and_is_never_posted_stored_or_logged(
    bot: Driver, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    done = await _find(client, "completed")
    listing = await bot.ask(f"recordings {done.session_id}")
    asked_at = time.time()
    reply = await bot.press(listing, "Get link", user=BOB)  # Alice's listing, Bob presses
    url = _link_of(reply)
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert done.id is not None and done.id in url
    assert url.startswith(
        bot.sim.root_url
        if isinstance(bot.sim, RunningTelnyxSimulator)
        else bot.sim.base_url.split("/api")[0]
    )
    if isinstance(bot.sim, RunningTelnyxSimulator):
        assert "Telnyx does not say how long it lives, so it may expire" in text_of(reply)
        assert "<!date^" not in blocks_text(reply)
    else:
        [token] = re.findall(r"It expires <!date\^(\d+)\^", blocks_text(reply))
        assert asked_at + 900 - 5 <= int(token) <= time.time() + 900 + 5  # RECORDING_LINK_SECONDS
        [asked] = [r for r in bot.sim.requests if r.path.endswith(f"room_recordings/{done.id}")]
        assert asked.query.get("media_ttl") == "900"
    # Only the press's own response_url got it: no channel message, no other reply.
    assert bot.slack.calls_to("chat.postMessage") == []
    assert bot.slack.calls_to("chat.postEphemeral") == []
    assert bot.slack.messages == {}
    signature = url.split("signature=")[-1]
    assert len(signature) >= 32
    assert len([p for p in bot.slack.responses if signature in str(p.body)]) == 1
    assert not [r for r in caplog.records if signature in r.getMessage()]
    assert signature not in caplog.text
    assert signature.encode() not in _stored_bytes(bot)
    # Last, as the log checks are done: a link that works, fetched at the press.
    async with httpx.AsyncClient() as media:
        assert (await media.get(url)).status_code == 200


@ON_BOTH_PROVIDERS
async def test_get_link_on_a_recording_still_processing_says_try_later(
    bot: Driver, client: Client
) -> None:
    processing = await _find(client, "processing")
    assert bot.runtime is not None
    # A genuine button (signed by the bot) for a recording with no link yet.
    value = bot.runtime.services.buttons.sign(LINK_BUTTON, processing.id)
    reply = await _press_value(bot, value)
    assert text_of(reply) == f"{NOT_READY} ({processing.id})"
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert "http" not in text_of(reply)


@ON_BOTH_PROVIDERS
async def test_get_link_for_an_unknown_recording_names_it(bot: Driver) -> None:
    unknown = "6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10"
    assert bot.runtime is not None
    reply = await _press_value(bot, bot.runtime.services.buttons.sign(LINK_BUTTON, unknown))
    assert text_of(reply) == f"No recording with id `{unknown}` on {bot.runtime.provider.label}."


@ON_BOTH_PROVIDERS
@pytest.mark.parametrize("forged", ["not-a-signed-value", "purpose", "not-a-uuid"])
async def test_a_forged_get_link_value_is_stale_and_calls_no_provider(
    bot: Driver, forged: str
) -> None:
    assert bot.runtime is not None
    signer = bot.runtime.services.buttons
    done_id = "6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10"
    value = {
        "not-a-signed-value": forged,
        # A genuine value made for another button: worthless on this one.
        "purpose": signer.sign(SESSION_BUTTON, done_id),
        # Signed for this button, but not a recording id.
        "not-a-uuid": signer.sign(LINK_BUTTON, "../rooms"),
    }[forged]
    reply = await _press_value(bot, value)
    assert text_of(reply) == STALE_BUTTON
    assert bot.sim.requests == []


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (None, "size unknown"),
        (-5, "size unknown"),
        (0, "0 B"),
        (999, "999 B"),
        (5_600_000, "5.6 MB"),
        (263_700_000, "263.7 MB"),
        (1_250_000_000, "1.2 GB"),
    ],
)
def test_sizes_read_in_decimal_units(size: int | None, shown: str) -> None:
    assert human_size(size) == shown
