"""The simulator over real sockets: auth, filters, paging, room updates, faults, latency."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from simulators import Fault, RunningSimulator, SimulatorConfig, run_simulator

NOW = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)
AUTH = ("sim-project", "sim-token")
SESSIONS = "/api/video/room_sessions"
ROOMS = "/api/video/rooms"
CONFERENCES = "/api/video/conferences"
REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
async def sim() -> AsyncIterator[RunningSimulator]:
    async with run_simulator(SimulatorConfig(now=NOW, session_count=400, days=7)) as running:
        yield running


@pytest.fixture
async def client(sim: RunningSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sim.base_url, auth=AUTH, timeout=5) as http:
        yield http


def _errors(response: httpx.Response) -> dict[str, str]:
    """attribute -> message of a 422 body."""
    assert response.status_code == 422, response.text
    return {item["attribute"]: item["message"] for item in response.json()["errors"]}


async def _walk(client: httpx.AsyncClient, url: str) -> list[dict[str, Any]]:
    """Follow `next` links from `url`; return every page body."""
    pages = []
    next_url: str | None = url
    while next_url is not None:
        response = await client.get(next_url)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        next_url = response.json()["links"].get("next")
    return pages


# --------------------------------------------------------------------------- auth and 404


async def test_every_api_route_needs_basic_auth(sim: RunningSimulator) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as anonymous:
        for path in (SESSIONS, ROOMS, f"{ROOMS}/standup", CONFERENCES, "/api/video/nope"):
            response = await anonymous.get(path)
            assert response.status_code == 401
            assert response.json() == {"error": "Unauthorized"}
        wrong = await anonymous.get(SESSIONS, auth=("sim-project", "nope"))
        assert wrong.status_code == 401
        bearer = await anonymous.get(SESSIONS, headers={"Authorization": "Bearer sim-token"})
        assert bearer.status_code == 401
        assert (await anonymous.get(SESSIONS, auth=AUTH)).status_code == 200
    assert [r.authorization_ok for r in sim.requests][-3:] == [False, False, True]


async def test_unknown_things_are_404(client: httpx.AsyncClient) -> None:
    for path in (
        "/api/video/nope",
        f"{SESSIONS}/6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10",
        f"{SESSIONS}/not-a-uuid",
        f"{ROOMS}/no-such-room",
        f"{CONFERENCES}/6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10",
        f"{CONFERENCES}/all-hands",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"error": "Not Found"}


# --------------------------------------------------------------------------- sessions


async def test_session_filters_are_applied(
    sim: RunningSimulator, client: httpx.AsyncClient
) -> None:
    every = sim.dataset.sessions(range(sim.dataset.session_count))
    standup = sim.dataset.room_by_name("standup")
    assert standup is not None
    cases: list[tuple[dict[str, str], list[str]]] = [
        ({"room_name": "standup"}, [s.id for s in every if s.name == "standup"]),
        ({"room_id": standup.id.upper()}, [s.id for s in every if s.room_id == standup.id]),
        ({"room_name_matches": "SALES"}, [s.id for s in every if "sales" in s.name]),
        ({"status": "in-progress"}, [s.id for s in every if s.status == "in-progress"]),
        (
            {"status": "completed", "room_name_matches": "e"},
            [s.id for s in every if s.status == "completed" and "e" in s.name],
        ),
    ]
    for params, expected in cases:
        response = await client.get(SESSIONS, params={**params, "page_size": "1000"})
        assert response.status_code == 200
        assert [s["id"] for s in response.json()["data"]] == expected, params
        assert expected, f"the dataset should have sessions for {params}"


async def test_single_session_has_no_list_only_fields(
    sim: RunningSimulator, client: httpx.AsyncClient
) -> None:
    listed = (await client.get(SESSIONS, params={"page_size": 1})).json()["data"][0]
    single = (await client.get(f"{SESSIONS}/{listed['id']}")).json()
    list_only = {"cost_in_dollars", "enable_room_previews", "locked_cover"}
    assert set(listed) - set(single) == list_only
    assert {k: v for k, v in listed.items() if k not in list_only} == single
    assert single["status"] == "in-progress" and single["end_time"] is None


async def test_bad_filters_are_422_with_every_problem(client: httpx.AsyncClient) -> None:
    response = await client.get(
        SESSIONS, params={"room_id": "nope", "status": "live", "page_size": "0"}
    )
    errors = _errors(response)
    assert set(errors) == {"room_id", "status", "page_size"}
    assert "UUID" in errors["room_id"]
    assert "in-progress, completed" in errors["status"]
    item = response.json()["errors"][0]
    assert item["type"] == "validation_error" and item["code"] == "invalid_parameter"
    assert item["url"] == "https://signalwire.com/docs/apis/error-codes"


@pytest.mark.parametrize("size", ["0", "1001", "-1", "ten", "2.5"])
async def test_page_size_out_of_bounds(client: httpx.AsyncClient, size: str) -> None:
    errors = _errors(await client.get(SESSIONS, params={"page_size": size}))
    assert errors == {"page_size": "page_size must be an integer between 1 and 1000"}


async def test_page_size_limits_and_default(client: httpx.AsyncClient) -> None:
    default = (await client.get(SESSIONS)).json()
    assert len(default["data"]) == 50 and "next" in default["links"]
    one = (await client.get(SESSIONS, params={"page_size": "1"})).json()
    assert len(one["data"]) == 1
    everything = (await client.get(SESSIONS, params={"page_size": "1000"})).json()
    assert len(everything["data"]) == 400
    assert "next" not in everything["links"] and "prev" not in everything["links"]


async def test_paging_with_absolute_links(sim: RunningSimulator, client: httpx.AsyncClient) -> None:
    expected = [
        s.id for s in sim.dataset.sessions(range(sim.dataset.session_count)) if "e" in s.name
    ]
    first_url = f"{sim.base_url}{SESSIONS}?room_name_matches=e&page_size=40"
    pages = await _walk(client, first_url)
    assert len(pages) > 2
    assert [s["id"] for page in pages for s in page["data"]] == expected
    for number, page in enumerate(pages):
        links = page["links"]
        assert all(link.startswith(f"{sim.base_url}{SESSIONS}?") for link in links.values())
        assert all("room_name_matches=e" in link for link in links.values())
        assert parse_qs(urlsplit(links["first"]).query) == {
            "room_name_matches": ["e"],
            "page_size": ["40"],
        }
        assert ("prev" in links) == (number > 0)
        assert ("next" in links) == (number < len(pages) - 1)
    # `self` re-fetches the same page, and `prev` steps back exactly one page.
    third = pages[2]
    again = (await client.get(third["links"]["self"])).json()
    assert again["data"] == third["data"]
    back = (await client.get(third["links"]["prev"])).json()
    assert back["data"] == pages[1]["data"]
    assert (await client.get(pages[1]["links"]["prev"])).json()["data"] == pages[0]["data"]


async def test_paging_with_relative_links() -> None:
    config = SimulatorConfig(now=NOW, session_count=400, days=7, links="relative")
    async with (
        run_simulator(config) as sim,
        httpx.AsyncClient(base_url=sim.base_url, auth=AUTH) as client,
    ):
        pages = await _walk(client, f"{SESSIONS}?page_size=150")
        assert [len(page["data"]) for page in pages] == [150, 150, 100]
        for page in pages:
            assert all(link.startswith(f"{SESSIONS}?") for link in page["links"].values())
        ids = [s["id"] for page in pages for s in page["data"]]
        assert ids == [s.id for s in sim.dataset.sessions(range(400))]


async def test_page_tokens_are_checked(client: httpx.AsyncClient) -> None:
    missing = _errors(await client.get(SESSIONS, params={"page_number": "1"}))
    assert "page_token is required" in missing["page_token"]
    garbage = _errors(await client.get(SESSIONS, params={"page_number": "1", "page_token": "x"}))
    assert "invalid" in garbage["page_token"]
    assert "page_number" in _errors(await client.get(SESSIONS, params={"page_number": "-1"}))

    first = (await client.get(SESSIONS, params={"room_name": "standup", "page_size": 5})).json()
    token = parse_qs(urlsplit(first["links"]["next"]).query)["page_token"][0]
    other_filter = {"room_name": "eng-sync", "page_number": "1", "page_token": token}
    assert "invalid" in _errors(await client.get(SESSIONS, params=other_filter))["page_token"]
    wrong_page = {"room_name": "standup", "page_number": "2", "page_token": token}
    assert "page_number 2" in _errors(await client.get(SESSIONS, params=wrong_page))["page_token"]
    right = {"room_name": "standup", "page_number": "1", "page_token": token, "page_size": 5}
    assert (await client.get(SESSIONS, params=right)).status_code == 200


async def test_filtered_paging_over_a_million_sessions_is_cheap() -> None:
    config = SimulatorConfig(now=NOW, session_count=1_000_000)
    async with (
        run_simulator(config) as sim,
        httpx.AsyncClient(base_url=sim.base_url, auth=AUTH) as client,
    ):
        started = time.perf_counter()
        pages = []
        url: str | None = f"{SESSIONS}?room_name=board-meeting&page_size=20"
        for _ in range(3):
            assert url is not None
            page = (await client.get(url)).json()
            pages.append(page)
            url = page["links"].get("next")
        live = (await client.get(SESSIONS, params={"status": "in-progress"})).json()
        nothing = (await client.get(SESSIONS, params={"room_name": "no-such-room"})).json()
        assert nothing["data"] == [] and "next" not in nothing["links"]
        # A full scan of 1M sessions takes seconds; these pages scan a few thousand.
        assert time.perf_counter() - started < 2
        assert all(s["name"] == "board-meeting" for page in pages for s in page["data"])
        assert len({s["id"] for page in pages for s in page["data"]}) == 60
        assert live["data"] and all(s["status"] == "in-progress" for s in live["data"])


# --------------------------------------------------------------------------- rooms


async def test_rooms_by_id_and_name(sim: RunningSimulator, client: httpx.AsyncClient) -> None:
    listed = (await client.get(ROOMS)).json()
    names = [room["name"] for room in listed["data"]]
    assert names == [room.name for room in sim.dataset.rooms]
    assert all("active_session" not in room for room in listed["data"])

    by_name = (await client.get(f"{ROOMS}/standup")).json()
    by_id = (await client.get(f"{ROOMS}/{by_name['id']}")).json()
    assert by_name == by_id and by_name["name"] == "standup"

    live_room = sim.dataset.session(0).name
    with_active = (
        await client.get(f"{ROOMS}/{live_room}", params={"include_active_session": "true"})
    ).json()
    assert with_active["active_session"]["id"] == sim.dataset.session(0).id
    assert with_active["active_session"]["end_time"] is None
    listed_active = (await client.get(ROOMS, params={"include_active_session": "true"})).json()
    active_names = {r["name"] for r in listed_active["data"] if "active_session" in r}
    assert {s.name for s in sim.dataset.sessions(range(5))} <= active_names
    assert "include_active_session=true" in listed_active["links"]["self"]

    bad = await client.get(f"{ROOMS}/standup", params={"include_active_session": "maybe"})
    assert "include_active_session" in _errors(bad)


async def test_rooms_window_filters(sim: RunningSimulator, client: httpx.AsyncClient) -> None:
    after = (await client.get(ROOMS, params={"starts_after": "2026-11-01"})).json()["data"]
    expected = [
        r.name
        for r in sim.dataset.rooms
        if r.join_from and r.join_from >= datetime(2026, 11, 1, tzinfo=UTC)
    ]
    assert [r["name"] for r in after] == expected and expected
    before = (await client.get(ROOMS, params={"ends_before": "2027-01-01T00:00:00Z"})).json()
    assert [r["name"] for r in before["data"]] == ["board-meeting"]
    assert "starts_after" in _errors(await client.get(ROOMS, params={"starts_after": "soon"}))

    paged = await _walk(client, f"{ROOMS}?page_size=5")
    assert [len(page["data"]) for page in paged] == [5, 5, 2]


@pytest.mark.parametrize(
    ("body", "attribute", "message"),
    [
        ({"display_name": "x" * 201}, "display_name", "at most 200 characters"),
        ({"display_name": 5}, "display_name", "must be a string"),
        ({"description": "x" * 3001}, "description", "at most 3000 characters"),
        ({"max_members": 0}, "max_members", "between 1 and 300"),
        ({"max_members": 301}, "max_members", "between 1 and 300"),
        ({"max_members": True}, "max_members", "between 1 and 300"),
        ({"max_members": "20"}, "max_members", "between 1 and 300"),
        ({"quality": "4k"}, "quality", "one of: 720p, 1080p"),
        ({"layout": "3x4"}, "layout", "one of: grid-responsive"),
        ({"remove_after_seconds_elapsed": 200001}, "remove_after_seconds_elapsed", "200000"),
        ({"join_from": "tomorrow"}, "join_from", "RFC 3339"),
        ({"join_until": "2026-02-30"}, "join_until", "RFC 3339"),
        ({"remove_at": None}, "remove_at", "RFC 3339"),
        ({"record_on_start": "yes"}, "record_on_start", "must be a boolean"),
        ({"enable_room_previews": 1}, "enable_room_previews", "must be a boolean"),
        ({"audio_video_sync": "on"}, "audio_video_sync", "must be a boolean"),
        ({"meta": []}, "meta", "must be a JSON object"),
        ({"meta": {"k": "v" * 2000}}, "meta", "at most 2000 characters"),
        ({"name": "renamed"}, "name", "not a permitted attribute"),
        ({"sync_audio_video": True, "audio_video_sync": False}, "audio_video_sync", "disagree"),
    ],
)
async def test_room_update_validation(
    sim: RunningSimulator, client: httpx.AsyncClient, body: Any, attribute: str, message: str
) -> None:
    room = sim.dataset.room_by_name("standup")
    assert room is not None
    response = await client.put(f"{ROOMS}/{room.id}", json=body)
    assert message in _errors(response)[attribute]
    assert sim.dataset.room(room.id) == room  # nothing applied


async def test_room_update_applies(sim: RunningSimulator, client: httpx.AsyncClient) -> None:
    room = sim.dataset.room_by_name("sales-demo")
    assert room is not None
    body = {
        "display_name": "Sales Demo (EMEA)",
        "max_members": 12,
        "quality": "720p",
        "layout": "grid-responsive-mobile",
        "join_from": "2026-12-01",
        "join_until": "2026-12-31T18:30:00+01:00",
        "remove_at": "2026-12-31T23:59:60Z",
        "remove_after_seconds_elapsed": 3600,
        "record_on_start": True,
        "enable_room_previews": False,
        "audio_video_sync": False,
        "meta": {"region": "emea", "tier": 2},
    }
    response = await client.put(f"{ROOMS}/{room.id}", json=body)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["join_from"] == "2026-12-01T00:00:00Z"
    assert updated["join_until"] == "2026-12-31T17:30:00Z"
    assert updated["remove_at"] == "2026-12-31T23:59:59Z"
    assert updated["sync_audio_video"] is False and "audio_video_sync" not in updated
    assert updated["max_members"] == 12 and updated["meta"] == {"region": "emea", "tier": 2}
    assert updated["updated_at"] > room.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (await client.get(f"{ROOMS}/sales-demo")).json() == updated
    assert sim.requests[-2].json == body and sim.requests[-2].method == "PUT"


async def test_room_update_rejects_bad_requests(
    sim: RunningSimulator, client: httpx.AsyncClient
) -> None:
    room = sim.dataset.rooms[0]
    not_json = await client.put(
        f"{ROOMS}/{room.id}", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 400 and not_json.json() == {"error": "Bad Request"}
    array = await client.put(f"{ROOMS}/{room.id}", json=[1])
    assert array.status_code == 422
    unknown = await client.put(f"{ROOMS}/6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10", json={})
    assert unknown.status_code == 404
    by_name = await client.put(f"{ROOMS}/{room.name}", json={"max_members": 3})
    assert by_name.status_code == 404
    delete = await client.delete(f"{ROOMS}/{room.id}")
    assert delete.status_code == 405


# --------------------------------------------------------------------------- conferences


async def test_conferences(sim: RunningSimulator, client: httpx.AsyncClient) -> None:
    listed = (await client.get(CONFERENCES, params={"include_active_session": "true"})).json()
    assert 3 <= len(listed["data"]) <= 4
    live = [c for c in listed["data"] if "active_session" in c]
    assert live, "the pinned live sessions include conference rooms"
    for conference in live:
        room = sim.dataset.room_by_name(conference["name"])
        assert room is not None
        active = sim.dataset.active_session(room.id)
        assert active is not None and conference["active_session"]["id"] == active.id

    target = live[0]
    plain = (await client.get(f"{CONFERENCES}/{target['id']}")).json()
    assert "active_session" not in plain
    full = (
        await client.get(f"{CONFERENCES}/{target['id']}", params={"include_active_session": "true"})
    ).json()
    assert full == target
    assert all(key in full for key in ("dark_primary", "light_background", "size"))


# --------------------------------------------------------------------------- faults


async def test_status_faults(sim: RunningSimulator, client: httpx.AsyncClient) -> None:
    sim.faults.add(Fault("status", status=500))
    sim.faults.add(Fault("status", status=429, retry_after=1.5))
    sim.faults.add(Fault("status", status=503, retry_after=2))
    failed = await client.get(ROOMS)
    assert failed.status_code == 500 and failed.json() == {"error": "Internal Server Error"}
    limited = await client.get(ROOMS)
    assert limited.status_code == 429 and limited.json() == {"error": "Too Many Requests"}
    assert limited.headers["Retry-After"] == "1.5"
    unavailable = await client.get(ROOMS)
    assert unavailable.status_code == 503 and unavailable.headers["Retry-After"] == "2"
    assert (await client.get(ROOMS)).status_code == 200
    assert len(sim.requests) == 4


async def test_faults_match_method_and_path_and_repeat(
    sim: RunningSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add(Fault("status", status=502, times=2, path_prefix=SESSIONS))
    sim.faults.add(Fault("status", status=500, method="PUT"))
    assert (await client.get(ROOMS)).status_code == 200
    assert (await client.get(SESSIONS)).status_code == 502
    room = sim.dataset.rooms[0]
    assert (await client.put(f"{ROOMS}/{room.id}", json={})).status_code == 500
    assert (await client.get(SESSIONS)).status_code == 502
    assert (await client.get(SESSIONS)).status_code == 200
    assert len(sim.faults) == 0
    sim.faults.add(Fault("status", status=500, times=5))
    sim.faults.clear()
    assert (await client.get(SESSIONS)).status_code == 200


async def test_drop_closes_the_connection(sim: RunningSimulator, client: httpx.AsyncClient) -> None:
    sim.faults.add(Fault("drop"))
    with pytest.raises(httpx.RemoteProtocolError):
        await client.get(SESSIONS)
    assert (await client.get(SESSIONS)).status_code == 200
    assert [r.path for r in sim.requests] == [SESSIONS, SESSIONS]


async def test_body_fault_answers_verbatim(
    sim: RunningSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add(Fault("body", status=200, body='{"links": {}, "data": [{"start_time": 1}]}'))
    sim.faults.add(Fault("body", status=502, body="<html>bad gateway</html>"))
    odd = await client.get(SESSIONS)
    assert odd.status_code == 200 and odd.json() == {"links": {}, "data": [{"start_time": 1}]}
    assert odd.headers["Content-Type"].startswith("application/json")
    html = await client.get(SESSIONS)
    assert html.status_code == 502 and html.text == "<html>bad gateway</html>"


async def test_stall_delays_then_answers(sim: RunningSimulator, client: httpx.AsyncClient) -> None:
    sim.faults.add(Fault("stall", seconds=0.3))
    started = time.perf_counter()
    response = await client.get(ROOMS)
    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.3


async def test_a_stalled_request_does_not_hold_up_shutdown() -> None:
    started = time.perf_counter()
    async with run_simulator(SimulatorConfig(now=NOW, session_count=10)) as sim:
        sim.faults.add(Fault("stall", seconds=30))
        async with httpx.AsyncClient(base_url=sim.base_url, auth=AUTH, timeout=0.2) as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.get(ROOMS)
    assert time.perf_counter() - started < 3


async def test_latency(sim: RunningSimulator, client: httpx.AsyncClient) -> None:
    sim.set_latency(0.25)
    assert sim.config.latency == 0.25
    started = time.perf_counter()
    assert (await client.get(ROOMS)).status_code == 200
    assert time.perf_counter() - started >= 0.25
    # The admin surface is not slowed down, and can switch latency off again.
    reset = await client.post("/__sim/latency", json={"seconds": 0})
    assert reset.json() == {"seconds": 0.0}
    started = time.perf_counter()
    await client.get(ROOMS)
    assert time.perf_counter() - started < 0.25


async def test_admin_surface(sim: RunningSimulator, client: httpx.AsyncClient) -> None:
    added = await client.post(
        "/__sim/faults",
        json=[{"kind": "status", "status": 429, "retry_after": 1}, {"kind": "drop", "times": 2}],
    )
    assert added.status_code == 200
    assert [f["kind"] for f in added.json()["pending"]] == ["status", "drop"]
    assert (await client.get("/__sim/faults")).json()["pending"][1]["remaining"] == 2
    bad = await client.post("/__sim/faults", json=[{"kind": "explode"}])
    assert bad.status_code == 400 and "kind" in bad.json()["error"]
    assert (await client.post("/__sim/faults", json={"status": 500})).status_code == 400
    assert (await client.post("/__sim/latency", json={"seconds": "1"})).status_code == 400

    assert (await client.get(ROOMS)).status_code == 429
    assert (await client.delete("/__sim/faults")).json() == {"pending": []}
    await client.get(SESSIONS, params={"status": "completed"})
    recorded = (await client.get("/__sim/requests")).json()["requests"]
    assert recorded[-1] == {
        "method": "GET",
        "path": SESSIONS,
        "query": {"status": "completed"},
        "json": None,
        "authorization_ok": True,
    }
    assert (await client.delete("/__sim/requests")).json() == {"cleared": 2}
    assert sim.requests == []
    info = (await client.get("/__sim/info")).json()
    assert info["session_count"] == 400 and info["now"] == "2026-11-18T15:30:00Z"


@pytest.mark.parametrize(
    "bad",
    [
        {"links": "sideways"},
        {"latency": -1.0},
        {"now": datetime(2026, 1, 1)},  # naive
    ],
)
def test_config_is_checked(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        SimulatorConfig(**bad)


async def test_command_line_serves_until_interrupted() -> None:
    command = [sys.executable, "-m", "simulators", "--port", "0", "--sessions", "50"]
    process = await asyncio.create_subprocess_exec(
        *command,
        "--project-id",
        "cli-project",
        "--token",
        "cli-token",
        "--links",
        "relative",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first_line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        base_url = first_line.rsplit(" ", 1)[-1].strip()
        assert base_url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=base_url, auth=("cli-project", "cli-token")) as c:
            body = (await c.get(SESSIONS, params={"page_size": 20})).json()
            assert len(body["data"]) == 20 and body["links"]["next"].startswith(SESSIONS)
        process.send_signal(2)  # SIGINT, as Ctrl-C
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
