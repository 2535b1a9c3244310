"""The simulator's data: deterministic, newest-first, lazy, and realistic enough for a demo."""

from __future__ import annotations

import itertools
import random
import re
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from simulators.dataset import (
    MAX_DURATION_SECONDS,
    PINNED_IN_PROGRESS,
    ROOM_LAYOUTS,
    RoomSession,
    SessionFilter,
    SimulatorDataset,
    activity_cdf,
    activity_inverse,
    scan_backward,
    scan_forward,
)

# A Wednesday afternoon: the default history then holds busy weekdays and quiet weekends.
NOW = datetime(2026, 11, 18, 15, 30, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def dataset() -> SimulatorDataset:
    return SimulatorDataset(seed=42, now=NOW, session_count=6000, days=28)


def test_same_inputs_give_the_same_data() -> None:
    first = SimulatorDataset(seed=3, now=NOW, session_count=2000, days=14)
    second = SimulatorDataset(seed=3, now=NOW, session_count=2000, days=14)
    sample = [0, 1, 2, 17, 999, 1999]
    assert first.sessions(sample) == second.sessions(sample)
    assert first.rooms == second.rooms
    assert first.conferences == second.conferences

    other_seed = SimulatorDataset(seed=4, now=NOW, session_count=2000, days=14)
    assert other_seed.session(17).id != first.session(17).id
    assert {room.id for room in other_seed.rooms}.isdisjoint({room.id for room in first.rooms})


def test_million_sessions_are_newest_first_without_materialising() -> None:
    tracemalloc.start()
    try:
        big = SimulatorDataset(seed=42, now=NOW, session_count=1_000_000, days=28)
        prefix = big.layout.prefix
        # Random samples plus every day boundary, where ordering mistakes would show.
        sample = set(random.Random(5).sample(range(1_000_000), 3000))
        sample |= set(range(PINNED_IN_PROGRESS + 3)) | {999_999}
        sample |= {p + PINNED_IN_PROGRESS + d for p in prefix for d in (-1, 0)}
        indexes = sorted(i for i in sample if 0 <= i < 1_000_000)
        starts = [big.start_ts(i) for i in indexes]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert all(a >= b for a, b in itertools.pairwise(starts))
    assert starts[0] < NOW.timestamp()
    assert starts[-1] >= (NOW - timedelta(days=28)).timestamp()
    # A few kilobytes of tables, whatever the session count (a list of 1M ints alone is 8 MB).
    assert peak < 1_000_000
    assert sum(count for _, count in big.day_counts()) == 1_000_000


def test_newest_sessions_are_in_progress_in_different_rooms(dataset: SimulatorDataset) -> None:
    newest = dataset.sessions(range(PINNED_IN_PROGRESS))
    assert all(s.status == "in-progress" for s in newest)
    assert all(s.end_time is None and s.duration is None for s in newest)
    assert len({s.room_id for s in newest}) == PINNED_IN_PROGRESS
    assert all(s.room_id is not None for s in newest)
    assert all(NOW - s.start_time < timedelta(hours=1) for s in newest)


def test_in_progress_sessions_lie_within_the_scan_bound(dataset: SimulatorDataset) -> None:
    live = [s for s in dataset.sessions(range(dataset.session_count)) if s.status == "in-progress"]
    assert max(s.index for s in live) < dataset.in_progress_bound
    for session in live:
        assert session.end_time is None and session.duration is None
        assert session.start_time > NOW - timedelta(seconds=MAX_DURATION_SECONDS)
    completed = dataset.session(dataset.in_progress_bound)
    assert completed.status == "completed"
    assert completed.end_time is not None and completed.end_time <= NOW
    assert completed.duration == (completed.end_time - completed.start_time).total_seconds()


def test_active_session_is_the_newest_live_one_per_room(dataset: SimulatorDataset) -> None:
    newest_live: dict[str, int] = {}
    for index in range(dataset.in_progress_bound):
        session = dataset.session(index)
        if session.status == "in-progress" and session.room_id is not None:
            newest_live.setdefault(session.room_id, index)
    for room in dataset.rooms:
        active = dataset.active_session(room.id)
        assert (active.index if active else None) == newest_live.get(room.id)
    conference_active = [dataset.conference_active_session(c) for c in dataset.conferences]
    assert any(conference_active)


def test_history_looks_like_real_usage(dataset: SimulatorDataset) -> None:
    sessions = dataset.sessions(range(dataset.session_count))
    crosses_midnight = [
        s for s in sessions if s.end_time is not None and s.end_time.date() != s.start_time.date()
    ]
    assert crosses_midnight, "some late-evening sessions should end after midnight UTC"
    assert any(s.room_id is None for s in sessions), "some sessions come from ad-hoc rooms"
    assert all(60 <= (s.duration or 60) <= MAX_DURATION_SECONDS for s in sessions)
    by_room: dict[str | None, int] = {}
    for s in sessions:
        by_room[s.name if s.room_id else None] = by_room.get(s.name if s.room_id else None, 0) + 1
    assert by_room["standup"] > 5 * by_room["board-meeting"]

    per_day = dataset.day_counts()
    weekdays = [n for day, n in per_day[1:-1] if day.weekday() < 5]
    weekends = [n for day, n in per_day[1:-1] if day.weekday() >= 5]
    assert max(weekdays) >= 200, "busy days have hundreds of sessions"
    assert max(weekends) < min(weekdays)


def test_session_ids_round_trip(dataset: SimulatorDataset) -> None:
    for index in [0, 1, 57, 4321, dataset.session_count - 1]:
        session = dataset.session(index)
        assert uuid.UUID(session.id).version == 4
        found = dataset.session_by_id(session.id)
        assert found is not None and found.index == index
        assert dataset.session_by_id(session.id.upper()) == found

    assert dataset.session_by_id(str(uuid.uuid4())) is None
    assert dataset.session_by_id("not-a-uuid") is None
    # Right index bits but wrong random bits: verification by regeneration rejects it.
    real = uuid.UUID(dataset.session(10).id)
    assert dataset.session_by_id(str(uuid.UUID(int=real.int ^ (1 << 100)))) is None
    # An id from a longer history points past the end of this one.
    longer = SimulatorDataset(seed=42, now=NOW, session_count=7000, days=28)
    assert dataset.session_by_id(longer.session(6500).id) is None


def test_rooms_and_conferences(dataset: SimulatorDataset) -> None:
    rooms = dataset.rooms
    assert 10 <= len(rooms) <= 14
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,100}", room.name) for room in rooms)
    assert all(room.layout in ROOM_LAYOUTS and 1 <= room.max_members <= 300 for room in rooms)
    assert all(room.created_at < NOW - timedelta(weeks=2) for room in rooms)
    assert [r.created_at for r in rooms] == sorted((r.created_at for r in rooms), reverse=True)
    assert {"standup", "all-hands", "sales-demo", "support-triage"} <= {r.name for r in rooms}

    conferences = dataset.conferences
    assert 3 <= len(conferences) <= 4
    room_names = {room.name for room in rooms}
    for conference in conferences:
        assert conference.name in room_names
        assert conference.size in ("small", "medium", "large", None)
        for key, colour in conference.theme.items():
            assert re.fullmatch(
                r"(dark|light)_(primary|background|foreground|success|negative)", key
            )
            assert colour is None or re.fullmatch(r"#[0-9A-F]{6}", colour)


def test_update_room_moves_updated_at_forward() -> None:
    fresh = SimulatorDataset(seed=42, now=NOW, session_count=10, days=2)
    room = fresh.room_by_name("standup")
    assert room is not None
    stale_clock = room.updated_at - timedelta(days=1)
    updated = fresh.update_room(room.id, {"max_members": 42}, stale_clock)
    assert updated.max_members == 42 and updated.updated_at > room.updated_at
    assert fresh.room(room.id) == updated
    # Sessions keep the room settings they started with.
    assert all(s.max_members != 42 for s in fresh.sessions(range(10)))


@pytest.mark.parametrize(
    "wanted",
    [
        SessionFilter(),
        SessionFilter(room_name="standup"),
        SessionFilter(room_name_matches="SALES"),
        SessionFilter(room_name_matches="inter"),  # matches a room and ad-hoc interview-* ones
        SessionFilter(status="in-progress"),
        SessionFilter(status="completed", room_name_matches="e"),
        SessionFilter(room_name="nope"),
        SessionFilter(room_name_matches="view-"),
        SessionFilter(room_name_matches="G-0"),  # only as "pairing-0hhh" or "incident-..."
        SessionFilter(room_name_matches="ng-zz"),
    ],
)
def test_session_predicate_agrees_with_full_sessions(wanted: SessionFilter) -> None:
    small = SimulatorDataset(seed=9, now=NOW, session_count=1500, days=7)
    by_room_id = SessionFilter(room_id=small.rooms[0].id, status=wanted.status)
    for current in (wanted, by_room_id):
        predicate = small.session_predicate(current)
        expected = [s.index for s in small.sessions(range(1500)) if _matches(s, current)]
        end = small.scan_end(current)
        got = [i for i in range(end) if predicate is None or predicate(i)]
        assert got == expected


def _matches(session: RoomSession, wanted: SessionFilter) -> bool:
    if wanted.room_id is not None and session.room_id != wanted.room_id:
        return False
    if wanted.room_name is not None and session.name != wanted.room_name:
        return False
    if wanted.room_name_matches and wanted.room_name_matches.lower() not in session.name.lower():
        return False
    return wanted.status is None or session.status == wanted.status


def test_impossible_filters_need_no_scan(dataset: SimulatorDataset) -> None:
    for wanted in (
        SessionFilter(room_name="no-such-room"),
        SessionFilter(room_name_matches="zzz"),
        SessionFilter(room_id="6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10"),
    ):
        assert dataset.scan_end(wanted) == 0
    adhoc = next(s for s in dataset.sessions(range(2000)) if s.room_id is None)
    assert dataset.scan_end(SessionFilter(room_name=adhoc.name)) == dataset.session_count


def test_scans_page_forward_and_back() -> None:
    def even(i: int) -> bool:
        return i % 2 == 0

    assert scan_forward(even, 0, 20, 3) == ([0, 2, 4], 6)
    assert scan_forward(even, 14, 20, 3) == ([14, 16, 18], None)
    assert scan_forward(None, 5, 9, 3) == ([5, 6, 7], 8)
    assert scan_forward(None, 6, 9, 3) == ([6, 7, 8], None)
    assert scan_backward(even, 6, 3) == 0
    assert scan_backward(even, 12, 3) == 6
    assert scan_backward(None, 12, 5) == 7


def test_activity_curve_inverts() -> None:
    for second in (0.0, 1.0, 3599.5, 43200.0, 86399.0):
        assert activity_inverse(activity_cdf(second)) == pytest.approx(second, abs=1e-6)


def test_rejects_bad_parameters() -> None:
    with pytest.raises(ValueError):
        SimulatorDataset(now=datetime(2026, 1, 1), session_count=1)  # naive datetime
    with pytest.raises(ValueError):
        SimulatorDataset(now=NOW, days=0)
    tiny = SimulatorDataset(now=NOW, session_count=2, days=1)
    assert [s.status for s in tiny.sessions(range(2))] == ["in-progress", "in-progress"]
    assert SimulatorDataset(now=NOW, session_count=0).day_counts()[0][1] == 0
