"""The audit trail on SQLite and PostgreSQL: appended in order, read back newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.store import NewAuditEvent, Store

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def event(action: str, *, room: str | None = None, request_id: str | None = None) -> NewAuditEvent:
    return NewAuditEvent(
        actor="U_ACTOR",
        action=action,
        outcome="ok",
        request_id=request_id,
        room_id=None if room is None else f"id-{room.lower()}",
        room_name=room,
        detail=f"{action} on {room}",
    )


async def test_append_reads_back_as_given(store: Store) -> None:
    tokyo = T0.astimezone(ZoneInfo("Asia/Tokyo"))
    given = NewAuditEvent(
        actor="U1",
        action="request",
        outcome="pending",
        request_id="req-1",
        room_id="id-standup",
        room_name="Standup",
        detail="max_members: 10 -> 25",
    )
    appended = await store.audit.append(given, at=tokyo)
    assert appended.id > 0
    assert appended.at == T0 and appended.at.tzinfo is UTC
    (read,) = await store.audit.list_recent()
    assert read == appended
    assert (read.actor, read.action, read.outcome, read.detail) == (
        "U1",
        "request",
        "pending",
        "max_members: 10 -> 25",
    )


async def test_recent_is_newest_first_with_a_limit(store: Store) -> None:
    for minute, action in enumerate(["request", "approve", "apply", "applied"]):
        await store.audit.append(event(action, room="Standup"), at=T0 + timedelta(minutes=minute))
    # Same instant: the later append is the newer.
    await store.audit.append(event("second"), at=T0 + timedelta(minutes=3))
    recent = await store.audit.list_recent()
    assert [e.action for e in recent] == ["second", "applied", "apply", "approve", "request"]
    assert [e.action for e in await store.audit.list_recent(limit=2)] == ["second", "applied"]


async def test_recent_by_room_id_or_name_in_any_case(store: Store) -> None:
    await store.audit.append(event("a", room="Standup"), at=T0)
    await store.audit.append(event("b", room="All-Hands"), at=T0 + timedelta(seconds=1))
    await store.audit.append(event("c", room="Standup"), at=T0 + timedelta(seconds=2))
    await store.audit.append(event("d"), at=T0 + timedelta(seconds=3))
    assert [e.action for e in await store.audit.list_recent(room="standup")] == ["c", "a"]
    assert [e.action for e in await store.audit.list_recent(room="STANDUP")] == ["c", "a"]
    assert [e.action for e in await store.audit.list_recent(room="id-all-hands")] == ["b"]
    assert await store.audit.list_recent(room="nowhere") == []


async def test_a_request_trail_is_oldest_first(store: Store) -> None:
    steps = ["request", "approve", "applied"]
    for second, action in enumerate(steps):
        at = T0 + timedelta(seconds=second)
        await store.audit.append(event(action, request_id="req-7"), at=at)
        await store.audit.append(event(action, request_id="req-8"), at=at)
    trail = await store.audit.for_request("req-7")
    assert [e.action for e in trail] == steps
    assert {e.request_id for e in trail} == {"req-7"}


async def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.audit.append(event("x"), at=datetime(2026, 11, 20, 9, 0))
