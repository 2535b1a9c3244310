"""Collecting a digest from the provider: one walk in pages of 1000 that stops after the
window, totals equal to a brute-force count over the simulator's data, and listings whose
pages are not newest first read to the end, with one warning."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.digest.collect import collect_report
from bot.digest.summary import DaySummary
from bot.providers.base import SessionQuery
from bot.providers.signalwire import SignalWireProvider
from simulators import RunningSimulator, SimulatorConfig, SimulatorDataset, run_simulator
from tests.conftest import FAST_HTTP, FAST_RETRIES, SIM_NOW

SESSIONS_PATH = "/api/video/room_sessions"
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ORDER_WARNING = "not newest first"


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@contextmanager
def connected(sim: RunningSimulator) -> Iterator[SignalWireProvider]:
    provider = SignalWireProvider.connect(
        sim.base_url,
        sim.config.project_id,
        sim.config.api_token,
        http_settings=FAST_HTTP,
        policy=FAST_RETRIES,
    )
    yield provider


def brute_force(
    dataset: SimulatorDataset, day: date, zone: ZoneInfo, now: datetime
) -> dict[str, Any]:
    """The day's figures straight from the simulator's sessions, one by one."""
    start, end = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
    mine = [
        s for s in dataset.sessions(range(dataset.session_count)) if start <= s.start_time < end
    ]
    seconds = [
        (now - s.start_time).total_seconds() if s.status == "in-progress" else s.duration or 0
        for s in mine
    ]
    spans = [
        (s.start_time, min(end, s.start_time + timedelta(seconds=max(1, length))))
        for s, length in zip(mine, seconds, strict=True)
    ]
    at_starts = {t: sum(a <= t < b for a, b in spans) for t, _ in spans}
    peak = max(at_starts.values(), default=0)
    costs = [Decimal(str(s.cost_in_dollars)) for s in mine]
    return {
        "sessions": len(mine),
        "seconds": sum(seconds),
        "distinct_rooms": len({s.room_id or s.name for s in mine}),
        "in_progress": sum(s.status == "in-progress" for s in mine),
        "peak_concurrent": peak,
        "peak_at": min((t for t, n in at_starts.items() if n == peak), default=None),
        "cost": sum(costs, Decimal(0)).quantize(Decimal("0.01"), ROUND_HALF_UP) if costs else None,
        "longest": max(seconds, default=None),
        "hours": Counter(int((s.start_time - start).total_seconds() // 3600) for s in mine),
    }


def figures(summary: DaySummary) -> dict[str, Any]:
    return {
        "sessions": summary.sessions,
        "seconds": summary.seconds,
        "distinct_rooms": summary.distinct_rooms,
        "in_progress": summary.in_progress,
        "peak_concurrent": summary.peak_concurrent,
        "peak_at": summary.peak_at,
        "cost": summary.cost,
        "longest": None if summary.longest is None else summary.longest.seconds,
        "hours": Counter({i: n for i, (_, n) in enumerate(summary.hours) if n}),
    }


@pytest.mark.parametrize(
    ("day", "zone"),
    [
        (date(2026, 11, 19), BERLIN),
        (date(2026, 11, 19), NEW_YORK),
        (date(2026, 11, 20), BERLIN),  # today so far: the live sessions count up to now
    ],
)
async def test_totals_equal_a_brute_force_count_in_one_call(
    sim: RunningSimulator, day: date, zone: ZoneInfo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    with connected(sim) as provider:
        try:
            report = await collect_report(provider, day, zone, now=SIM_NOW)
        finally:
            await provider.aclose()
    for summary, which in ((report.summary, day), (report.previous, day - timedelta(days=1))):
        assert summary.day == which and summary.zone == zone.key
        expected = brute_force(sim.dataset, which, zone, SIM_NOW)
        assert expected["sessions"] > 0
        assert figures(summary) == expected
    assert report.provider == "SignalWire"
    if day == SIM_NOW.date():
        assert report.summary.in_progress > 0
    # 400 sessions in all: one page of 1000 holds the window and what came after it.
    pages = [r for r in sim.requests if r.path == SESSIONS_PATH]
    assert [p.query for p in pages] == [{"page_size": "1000"}]
    assert ORDER_WARNING not in caplog.text


async def test_calls_grow_with_the_window_not_the_history() -> None:
    config = SimulatorConfig(seed=11, now=SIM_NOW, session_count=12_000)
    day = date(2026, 11, 19)
    async with run_simulator(config) as sim:
        dataset = sim.dataset
        window_start = local_midnight(day - timedelta(days=1), BERLIN)
        # Newest first: the first session older than the window is on the last page read.
        first_older = next(
            i
            for i in range(dataset.session_count)
            if dataset.start_ts(i) < window_start.timestamp()
        )
        with connected(sim) as provider:
            try:
                report = await collect_report(provider, day, BERLIN, now=SIM_NOW)
            finally:
                await provider.aclose()
        pages = [r for r in sim.requests if r.path == SESSIONS_PATH]
    in_window = sum(
        1
        for i in range(first_older)
        if dataset.start_ts(i) < local_midnight(day + timedelta(days=1), BERLIN).timestamp()
    )
    assert report.summary.sessions + report.previous.sessions == in_window > 1000
    assert len(pages) == first_older // 1000 + 1
    assert len(pages) < dataset.session_count // 1000
    assert all(p.query["page_size"] == "1000" for p in pages)


# -- pages out of order: a fake SignalWire ---------------------------------------------------

BASE = "https://fake.signalwire.test"
T0 = datetime(2026, 11, 19, 0, 0, tzinfo=UTC)  # the window's start


def _session(index: int, start: datetime) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{index:012d}",
        "room_id": None,
        "name": f"room-{index}",
        "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": 60,
        "status": "completed",
    }


def fake_signalwire(pages: list[list[datetime]]) -> tuple[httpx.MockTransport, list[int]]:
    """Serves `pages` of sessions with these start times; records which pages were read."""
    served: list[int] = []
    numbered = []
    index = 0
    for starts in pages:
        numbered.append([_session(index + i, start) for i, start in enumerate(starts)])
        index += len(starts)

    def handle(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("page_token")
        number = 0 if token is None else int(token.removeprefix("PT"))
        served.append(number)
        links = {}
        if number + 1 < len(numbered):
            links["next"] = f"{BASE}{SESSIONS_PATH}?page_size=1000&page_token=PT{number + 1}"
        return httpx.Response(200, json={"data": numbered[number], "links": links})

    return httpx.MockTransport(handle), served


async def read_window(pages: list[list[datetime]]) -> tuple[list[str], list[int]]:
    transport, served = fake_signalwire(pages)
    provider = SignalWireProvider.connect(
        BASE, "project", "token", policy=FAST_RETRIES, transport=transport
    )
    try:
        query = SessionQuery(started_after=T0, started_before=T0 + timedelta(days=1))
        found = [s.name or "" async for s in provider.room_sessions(query)]
    finally:
        await provider.aclose()
    return found, served


def hours(*offsets: float) -> list[datetime]:
    return [T0 + timedelta(hours=h) for h in offsets]


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if ORDER_WARNING in r.getMessage()]


async def test_newest_first_pages_stop_once_past_the_window(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.providers.listing")
    found, served = await read_window([hours(20, 10), hours(5, -1), hours(-2, -3)])
    assert served == [0, 1]
    assert found == ["room-0", "room-1", "room-2"]
    assert warnings(caplog) == []


async def test_a_page_out_of_order_makes_the_listing_read_to_the_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.providers.listing")
    pages = [
        hours(20, 10),
        hours(-5, 3),  # out of order inside the page
        hours(2, -1),  # newest first and past the window: would have stopped here
        hours(1, -4),  # still holds a session of the window
        hours(-6, 7),  # out of order again: no second warning
    ]
    found, served = await read_window(pages)
    assert served == [0, 1, 2, 3, 4]
    assert found == ["room-0", "room-1", "room-3", "room-4", "room-6", "room-9"]
    assert warnings(caplog) == ["page 2 of room sessions is not newest first; reading to the end"]


async def test_pages_out_of_order_with_each_other_also_read_to_the_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.providers.listing")
    # Each page is newest first on its own, but the second starts newer than the first ends.
    found, served = await read_window([hours(20, 10), hours(15, -1), hours(4, -2)])
    assert served == [0, 1, 2]
    assert found == ["room-0", "room-1", "room-2", "room-4"]
    assert warnings(caplog) == ["page 2 of room sessions is not newest first; reading to the end"]


async def test_one_page_at_a_time_still_stops_on_a_page_past_the_window() -> None:
    """The More button's single pages keep their behaviour: no listing, no memory."""
    transport, served = fake_signalwire([hours(2, -1), hours(1)])
    provider = SignalWireProvider.connect(
        BASE, "project", "token", policy=FAST_RETRIES, transport=transport
    )
    try:
        page = await provider.room_sessions_page(SessionQuery(started_after=T0))
    finally:
        await provider.aclose()
    assert [s.name for s in page.items] == ["room-0"] and page.next_cursor is None
    assert served == [0]
