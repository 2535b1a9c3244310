"""Every walk through a provider's pages is bounded (bot/providers/walks.py): a page cap, a
time budget, an end at a page that brings no new ids or a next token seen before, and
Telnyx's `meta` checked against its page. Against simulators whose paging never ends
(Telnyx: every page the same, `meta.total_pages` in the millions; SignalWire: the last
page's `links.next` leads back to the first), the real bot answers within seconds, says the
listing was cut short, and stops calling the provider; the digest refuses to show or post
figures from a walk cut short."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]

import bot.digest_cli
from bot.digest.collect import collect_report
from bot.digest.errors import DigestIncomplete
from bot.providers.base import RoomQuery, SessionQuery, VideoProvider
from bot.providers.listing import filter_sessions
from bot.providers.models import Page, RoomSession
from bot.providers.signalwire import SignalWireProvider
from bot.providers.telnyx import MAX_PLAUSIBLE_RESULTS, TelnyxProvider, check_page_meta
from bot.providers.walks import CutReason, WalkCut, WalkCutShort, WalkGuard, WalkLimits
from bot.slack.blocks.listing import cut_note
from bot.slack.errors import describe_failure
from simulators import AnySimulator, RunningSimulator, RunningTelnyxSimulator
from simulators.slack_api import RunningSlackStandin
from tests.conftest import ON_BOTH_PROVIDERS, SIM_NOW
from tests.openapi_check import SPECS, load_spec
from tests.slack_driver import Driver, running_bot, text_of
from tests.test_digest_cli import digest_here
from tests.test_digest_flow import DAY, DIGESTS, FAST, Clock, day_sessions, posts, settle
from tests.test_update_flow import wait_until

CUT = "showing what it returned before that"
UTC_ZONE = ZoneInfo("UTC")
# The simulators' data begins on 23 October (28 days before SIM_NOW): a window from the
# day before reaches the end of every listing, where the broken paging starts.
OLDEST_DAY = "2026-10-23"


# -- the guard, pure ---------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def ids(*names: str) -> list[dict[str, str]]:
    return [{"id": name} for name in names]


def take(guard: WalkGuard, items: list[dict[str, str]], token: str | None = None) -> Any:
    return guard.take(items, lambda item: item["id"], token)


def test_a_page_that_brings_no_new_ids_ends_the_walk_and_is_dropped() -> None:
    guard = WalkGuard("Telnyx", "session listing")
    assert take(guard, ids("a", "b", "c")) == (ids("a", "b", "c"), None)
    # Sessions that started meanwhile push the list down: a repeat at the top is dropped.
    assert take(guard, ids("c", "d")) == (ids("d"), None)
    kept, cut = take(guard, ids("c", "d"))
    assert kept == [] and cut is not None and cut.reason is CutReason.REPEATED
    assert cut.sentence() == "Telnyx's session listing repeated itself after 2 pages"
    assert cut_note(cut) == (
        "Telnyx's session listing repeated itself after 2 pages; "
        "showing what it returned before that."
    )


def test_a_next_token_seen_before_ends_the_walk_after_its_page() -> None:
    guard = WalkGuard("SignalWire", "room listing")
    assert take(guard, ids("a"), "PT1") == (ids("a"), None)
    kept, cut = take(guard, ids("b"), "PT1")
    assert kept == ids("b")  # new items, then back to where it had been
    assert cut is not None and cut.reason is CutReason.REPEATED and cut.pages == 2


def test_an_empty_page_that_says_more_follow_ends_the_walk() -> None:
    guard = WalkGuard("SignalWire", "room listing")
    kept, cut = take(guard, [], "PT1")
    assert kept == [] and cut is not None and cut.reason is CutReason.INCONSISTENT
    assert take(WalkGuard("SignalWire", "room listing"), [], None) == ([], None)  # the end


def test_the_page_cap_and_the_time_budget() -> None:
    clock = FakeClock()
    guard = WalkGuard("Telnyx", "room listing", WalkLimits(pages=2, seconds=5), clock=clock)
    for page in range(2):
        guard.check()
        take(guard, ids(f"p{page}"))
    with pytest.raises(WalkCutShort) as capped:
        guard.check()
    assert capped.value.cut.reason is CutReason.PAGES
    assert str(capped.value) == "Telnyx's room listing went on past 2 pages, RoomOps' limit"

    timed = WalkGuard("Telnyx", "room listing", WalkLimits(seconds=5), clock=clock)
    timed.check()
    nested = timed.nested("listing of active sessions")  # shares the clock and the budget
    clock.now += 5
    for walk in (timed, nested):
        with pytest.raises(WalkCutShort) as late:
            walk.check()
        assert late.value.cut.reason is CutReason.TIME
    assert "took longer than 5 s, RoomOps' limit" in str(late.value)


def test_ids_are_remembered_within_a_bound() -> None:
    guard = WalkGuard("Telnyx", "session listing", WalkLimits(remembered_ids=3))
    take(guard, ids("a", "b", "c"))
    take(guard, ids("d", "e"))  # a and b are forgotten: memory stays at 3 ids
    assert take(guard, ids("a", "b")) == (ids("a", "b"), None)
    assert take(guard, ids("a", "b"))[1] is not None  # remembered again


async def test_a_page_still_on_the_way_when_the_budget_runs_out_is_cancelled() -> None:
    guard = WalkGuard("Telnyx", "room listing", WalkLimits(seconds=0.1))
    started = time.monotonic()
    with pytest.raises(WalkCutShort) as late:
        async with guard.fetching():
            await asyncio.sleep(5)
    assert late.value.cut.reason is CutReason.TIME and time.monotonic() - started < 1


# -- Telnyx's meta, checked against its page (pure) ---------------------------------------------


def meta(number: int, size: int, pages: int, results: int) -> dict[str, int]:
    return {
        "page_number": number,
        "page_size": size,
        "total_pages": pages,
        "total_results": results,
    }


@pytest.mark.parametrize(
    ("body", "number", "count", "expected"),
    [
        (meta(1, 25, 3, 55), 1, 25, 2),
        (meta(3, 25, 3, 55), 3, 5, None),  # the last page
        (meta(1, 25, 0, 0), 1, 0, None),  # nothing at all
        (meta(1, 25, 1, 0), 1, 0, None),  # ...as some lists say it
        ({"total_pages": 4}, 2, 25, 3),  # what there is of it
        (None, 1, 25, 2),  # no meta: a full page may have a next
        (None, 1, 7, None),
    ],
)
def test_a_consistent_meta_gives_the_next_page(
    body: Any, number: int, count: int, expected: int | None
) -> None:
    assert check_page_meta(body, number=number, size=25, count=count) == (expected, None)


@pytest.mark.parametrize(
    ("body", "number", "count", "problem"),
    [
        (meta(1, 25, 3, 55), 2, 25, "page 2 came back as page 1"),
        (meta(1, 25, 9, 55), 1, 25, "it claims 9 pages for 55 results of 25 a page"),
        (meta(1, 25, 2_000_000, 50_000_000), 1, 7, "page 1 of 2,000,000 held 7 items, not 25"),
        (meta(1, 25, 40_000_001, MAX_PLAUSIBLE_RESULTS + 1), 1, 25, "it claims 1,000,000,001"),
        (meta(3, 25, 3, 55), 3, 25, "the last page, 3, held 25 items, not 5"),
        (meta(4, 25, 3, 55), 4, 2, "page 4 held 2 items past the last page, 3"),
        (meta(1, 25, 3, 55), 1, 30, "more than its page size of 25"),
        ({**meta(1, 25, 3, 55), "total_pages": True}, 1, 25, "meta.total_pages is not a whole"),
        ({**meta(1, 25, 3, 55), "total_results": -1}, 1, 25, "meta.total_results is negative"),
        ({**meta(1, 25, 3, 55), "total_results": "55"}, 1, 25, "meta.total_results is not"),
    ],
)
def test_a_meta_that_contradicts_its_page_is_not_believed(
    body: Any, number: int, count: int, problem: str
) -> None:
    following, found = check_page_meta(body, number=number, size=25, count=count)
    assert following is None and found is not None and problem in found


# -- the clients against the simulators' broken paging -----------------------------------------


async def set_paging(sim: AnySimulator, mode: str) -> None:
    root = sim.root_url if isinstance(sim, RunningTelnyxSimulator) else sim.base_url
    async with httpx.AsyncClient(base_url=root) as admin:
        answer = await admin.post("/__sim/paging", json={"mode": mode})
        assert answer.status_code == 200, answer.text


def broken_mode(sim: AnySimulator) -> str:
    return "repeat" if isinstance(sim, RunningTelnyxSimulator) else "loop"


async def test_the_steering_surface_refuses_a_mode_the_simulator_lacks(sim: AnySimulator) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as admin:
        refused = await admin.post("/__sim/paging", json={"mode": "repeat"})
        assert refused.status_code == 400 and "normal, loop" in refused.text
        assert (await admin.post("/__sim/paging", json={"mode": 3})).status_code == 400


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_telnyx_repeat_pages_are_schema_valid(sim: RunningTelnyxSimulator) -> None:
    await set_paging(sim, "repeat")
    schemas = load_spec(SPECS / "telnyx-video-rooms.openapi.yaml")["components"]["schemas"]

    def valid(name: str, body: Any) -> None:
        schema = {**schemas[name], "components": {"schemas": schemas}}
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        assert [e.message for e in validator.iter_errors(body)] == []

    headers = {"Authorization": f"Bearer {sim.api_key}"}
    async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as client:
        pages = [
            (await client.get("/room_sessions", params={"page[number]": n})).json()
            for n in (1, 2, 977)
        ]
    assert pages[0]["data"] == pages[1]["data"] == pages[2]["data"] != []
    for number, page in zip((1, 2, 977), pages, strict=True):
        valid("PaginationMeta", page["meta"])
        assert page["meta"]["page_number"] == number
        assert page["meta"]["total_pages"] >= 1_000_000
    # The items are the first page's as the simulator always serves it (whose schema
    # tests/test_telnyx_simulator.py checks); only the claims about them are made up.
    await set_paging(sim, "normal")
    async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as client:
        first = (await client.get("/room_sessions", params={"page[number]": 1})).json()
    assert first["data"] == pages[0]["data"]


def connect(sim: AnySimulator) -> VideoProvider:
    if isinstance(sim, RunningTelnyxSimulator):
        return TelnyxProvider.connect(sim.base_url, sim.api_key)
    return SignalWireProvider.connect(sim.base_url, sim.config.project_id, sim.config.api_token)


@ON_BOTH_PROVIDERS
async def test_a_walk_that_never_ends_stops_with_its_cut(sim: AnySimulator) -> None:
    await set_paging(sim, broken_mode(sim))
    provider = connect(sim)
    found = []
    try:
        with pytest.raises(WalkCutShort) as cut_short:
            async for room in provider.rooms(RoomQuery()):
                found.append(room)
    finally:
        await provider.aclose()
    assert found and len({room.id for room in found}) == len(found)  # none twice
    assert len(sim.requests) <= 2
    assert cut_short.value.cut.provider == provider.label


async def test_the_page_cap_ends_a_long_walk(provider: SignalWireProvider) -> None:
    found = []
    with pytest.raises(WalkCutShort) as capped:
        async for session in provider.room_sessions(
            SessionQuery(), page_size=5, limits=WalkLimits(pages=3)
        ):
            found.append(session)
    assert len(found) == 15 and capped.value.cut.reason is CutReason.PAGES


# -- through the real bot -------------------------------------------------------------------------


async def calls_stop(sim: AnySimulator) -> int:
    """The provider calls so far, once a second more has added none."""
    before = len(sim.requests)
    await asyncio.sleep(1.0)
    assert len(sim.requests) == before, "the provider is still being called"
    return before


async def timed_ask(bot: Driver, text: str) -> tuple[str, float]:
    started = time.monotonic()
    reply = await bot.ask(text)
    return text_of(reply), time.monotonic() - started


@ON_BOTH_PROVIDERS
async def test_replies_over_endless_pages_say_they_were_cut_short(
    sim: AnySimulator, slack: RunningSlackStandin
) -> None:
    await set_paging(sim, broken_mode(sim))
    label = "Telnyx" if isinstance(sim, RunningTelnyxSimulator) else "SignalWire"
    async with running_bot(sim, slack, {"clock": Clock(SIM_NOW)}) as bot:
        # One page of sessions is no walk, but on Telnyx it needs the rooms' names first:
        # a listing of rooms, while none are known yet.
        first = ["sessions"] if label == "Telnyx" else []
        for command in [*first, "sessions match=no-such-room", "list"]:
            reply, took = await timed_ask(bot, command)
            assert took < 3, command
            assert f"{label}'s" in reply and CUT in reply, (command, reply)
            assert "That is all of them" not in reply and "More are available" not in reply
        reply, took = await timed_ask(bot, "room No-Such-Room")
        assert took < 3
        assert f"RoomOps could not look through every room for `No-Such-Room`: {label}'s" in reply

        digest, took = await timed_ask(bot, f"digest {OLDEST_DAY}")
        assert took < 3
        assert f"The digest for {OLDEST_DAY} could not be built: {label}'s" in digest
        assert "figures would be incomplete" in digest and "Sessions:" not in digest
        await calls_stop(sim)


@pytest.mark.parametrize("sim", ["signalwire"], indirect=True)
async def test_a_walk_out_of_time_answers_with_what_it_found_and_stops(
    sim: AnySimulator, slack: RunningSlackStandin
) -> None:
    sim.set_latency(2.0)  # no page arrives before then
    parts = {"walk_limits": WalkLimits(seconds=0.3)}
    async with running_bot(sim, slack, parts) as bot:
        reply, took = await timed_ask(bot, "list")
        assert took < 1.8
        assert "SignalWire's room listing took longer than 0.3 s, RoomOps' limit" in reply
        assert CUT in reply
        assert await calls_stop(sim) == 1  # the page on its way was abandoned, not retried


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_a_reply_past_its_deadline_stops_every_provider_call(
    sim: AnySimulator, slack: RunningSlackStandin
) -> None:
    sim.set_latency(2.0)  # no answer arrives before then
    async with running_bot(sim, slack, {"reply_seconds": 0.4}) as bot:
        reply, took = await timed_ask(bot, "room No-Such-Room")
        assert took < 1.8
        assert "Telnyx is not answering right now (no answer within 0.4 s)" in reply
        # The lookup by name would go on to list every room: nothing more was asked.
        assert await calls_stop(sim) == 1


@ON_BOTH_PROVIDERS
async def test_the_scheduler_posts_no_incomplete_digest_and_warns_once(
    sim: AnySimulator, slack: RunningSlackStandin, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.services.scheduler")
    await set_paging(sim, broken_mode(sim))
    # The day before the data begins: an empty day, so the post needs no chart.
    day = date.fromisoformat(OLDEST_DAY) - timedelta(days=1)
    clock = Clock(datetime.combine(day + timedelta(days=1), dtime(9, 0, 10), tzinfo=UTC))
    # No read cache: the mended provider's first page is read again at the next try.
    async with running_bot(
        sim, slack, {"clock": clock, **FAST}, digest_channel=DIGESTS, provider_cache_seconds=0
    ) as bot:
        await wait_until(lambda: any("not posted" in r.getMessage() for r in caplog.records))
        await settle(bot)
        failures = [r for r in caplog.records if "not posted" in r.getMessage()]
        assert len(failures) == 1 and failures[0].levelno == logging.WARNING
        message = failures[0].getMessage()
        assert not failures[0].exc_info  # one line, no traceback
        assert "repeated itself" in message or "contradicted itself" in message
        assert posts(slack, DIGESTS) == []
        await set_paging(sim, "normal")  # the provider mends; the next try posts it whole
        clock.now += timedelta(minutes=10)
        await wait_until(lambda: len(posts(slack, DIGESTS)) == 1)
        assert "No room sessions" in text_of(posts(slack, DIGESTS)[0])


@pytest.mark.parametrize("sim", ["signalwire"], indirect=True)
async def test_the_cli_posts_no_incomplete_digest(
    sim: RunningSimulator,
    slack: RunningSlackStandin,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A run in a thread of this process must not replace pytest's log handlers.
    monkeypatch.setattr(bot.digest_cli, "configure_logging", lambda *_a, **_k: None)
    await set_paging(sim, "loop")
    url = f"sqlite:///{tmp_path / 'roomops.db'}"
    for extra in (["--dry-run"], ["--channel", DIGESTS]):
        run = await digest_here(sim, slack, url, "--date", OLDEST_DAY, *extra)
        assert run.code == 1 and run.out == ""
        assert run.err == (
            f"digest: The digest for {OLDEST_DAY} could not be built: SignalWire's session "
            "listing repeated itself after 1 page, so its figures would be incomplete. "
            "Nothing was posted; try again later.\n"
        )
    assert slack.calls_to("chat.postMessage") == []


def test_a_cut_that_reaches_the_error_path_is_worded_not_referenced() -> None:
    cut = WalkCut("Telnyx", "room listing", CutReason.REPEATED, 3)
    failure = describe_failure(WalkCutShort(cut))
    assert failure.reference is None
    assert failure.reply.text.startswith(
        "Telnyx's room listing repeated itself after 3 pages, so RoomOps cannot answer that"
    )
    incomplete = describe_failure(DigestIncomplete(date(2026, 11, 19), cut))
    assert incomplete.reference is None
    assert "The digest for 2026-11-19 could not be built: Telnyx's" in incomplete.reply.text


@pytest.mark.parametrize("sim", ["signalwire"], indirect=True)
async def test_a_loop_after_the_window_is_passed_costs_the_digest_nothing(
    sim: RunningSimulator,
) -> None:
    """The last page's next link leads back, but a newest-first walk has passed the window
    on that page: nothing after it was needed, so the digest is whole."""
    await set_paging(sim, "loop")
    provider = connect(sim)
    try:
        report = await collect_report(provider, DAY, UTC_ZONE, now=SIM_NOW)
    finally:
        await provider.aclose()
    assert report.summary.sessions == day_sessions(sim, DAY, UTC_ZONE) > 0


def test_a_next_link_back_is_no_cut_once_the_window_is_passed() -> None:
    since = datetime(2026, 11, 19, tzinfo=UTC)
    sessions = [
        RoomSession(id="b", start_time=since + timedelta(hours=1)),
        RoomSession(id="a", start_time=since - timedelta(hours=1)),
    ]
    back = WalkCut("SignalWire", "session listing", CutReason.REPEATED, 2)
    window = SessionQuery(started_after=since)
    page = filter_sessions(Page[RoomSession](items=sessions, cut=back), window, may_stop=True)
    assert page.cut is None and page.next_cursor is None and [s.id for s in page.items] == ["b"]
    doubtful = WalkCut("Telnyx", "session listing", CutReason.INCONSISTENT, 1, "page 2 …")
    page = filter_sessions(Page[RoomSession](items=sessions, cut=doubtful), window, may_stop=True)
    assert page.cut == doubtful  # the page itself is in doubt
