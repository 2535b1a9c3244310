"""`/rooms recordings` and its "Get link" button, end to end: the real bot over HTTP, the
Slack stand-in, and each provider's simulator; expected values come from the simulator's
dataset or from the provider client, which tests/test_provider_drilldown.py checks
against the dataset."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.providers.models import Recording
from bot.providers.signalwire import SignalWireProvider
from bot.providers.telnyx import TelnyxProvider
from bot.slack.blocks.recordings import human_size
from simulators import AnySimulator, RunningTelnyxSimulator
from tests.conftest import FAST_HTTP, FAST_RETRIES, ON_BOTH_PROVIDERS
from tests.slack_driver import Driver, blocks_text, text_of

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
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
