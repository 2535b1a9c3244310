"""Approval requests on SQLite and PostgreSQL: stored as given, moved only along the
allowed transitions, each move won by one caller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.store import ApprovalStatus, FieldChange, NewApproval, Store

T0 = datetime(2026, 11, 20, 9, 0, 0, 123456, tzinfo=UTC)
TTL = timedelta(hours=24)
CHANGES = (
    FieldChange("display_name", "Stand-up", "Daily stand-up <!channel>"),
    FieldChange("max_members", 10, 25),
    FieldChange("record_on_start", False, True),
    FieldChange("meta", {"team": "ops"}, {"team": "ops", "tier": ["gold", 2]}),
    FieldChange("remove_at", None, "2026-12-01T00:00:00Z"),
)


def new(room: str = "standup", requester: str = "U_REQ") -> NewApproval:
    return NewApproval(
        provider="signalwire",
        room_id=f"id-{room}",
        room_name=room,
        requester=requester,
        changes=CHANGES,
    )


async def test_created_request_reads_back_as_given(store: Store) -> None:
    berlin = T0.astimezone(ZoneInfo("Europe/Berlin"))
    created = await store.approvals.create(new(), at=berlin, ttl=TTL)
    got = await store.approvals.get(created.id)
    assert got == created
    assert got.status is ApprovalStatus.PENDING
    assert got.changes == CHANGES
    assert got.requester == "U_REQ"
    assert (got.room_id, got.room_name, got.provider) == ("id-standup", "standup", "signalwire")
    # Stored in UTC and returned aware, to the microsecond, on both databases.
    assert got.created_at == T0 and got.created_at.tzinfo is UTC
    assert got.expires_at == T0 + TTL and got.expires_at.tzinfo is UTC
    assert (got.decided_at, got.decider, got.attempts, got.message_ts) == (None, None, 0, None)


async def test_ids_are_unique_and_unknown_ids_are_none(store: Store) -> None:
    first = await store.approvals.create(new(), at=T0, ttl=TTL)
    second = await store.approvals.create(new(), at=T0, ttl=TTL)
    assert first.id != second.id
    assert await store.approvals.get("00000000-0000-0000-0000-000000000000") is None


async def test_bad_input_is_refused_before_anything_is_stored(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.approvals.create(new(), at=datetime(2026, 11, 20, 9, 0), ttl=TTL)
    empty = NewApproval("signalwire", "id", "room", "U1", changes=())
    with pytest.raises(ValueError, match="at least one field change"):
        await store.approvals.create(empty, at=T0, ttl=TTL)
    assert await store.approvals.list_recent() == []


async def test_decide_once_and_only_once(store: Store) -> None:
    request = await store.approvals.create(new(), at=T0, ttl=TTL)
    decided = T0 + timedelta(minutes=5)
    P, A, R = ApprovalStatus.PENDING, ApprovalStatus.APPROVED, ApprovalStatus.REJECTED
    assert await store.approvals.decide(request.id, P, A, "U_BOSS", decided)
    assert not await store.approvals.decide(request.id, P, R, "U_OTHER", decided)
    got = await store.approvals.get(request.id)
    assert got is not None
    assert (got.status, got.decider, got.decided_at) == (A, "U_BOSS", decided)


async def test_reject(store: Store) -> None:
    request = await store.approvals.create(new(), at=T0, ttl=TTL)
    P, R = ApprovalStatus.PENDING, ApprovalStatus.REJECTED
    assert await store.approvals.decide(request.id, P, R, "U_BOSS", T0)
    got = await store.approvals.get(request.id)
    assert got is not None and got.status is R
    # Nothing follows a rejection.
    assert not await store.approvals.begin_apply(request.id, T0)


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (ApprovalStatus.PENDING, ApprovalStatus.APPLIED),
        (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED),
        (ApprovalStatus.FAILED, ApprovalStatus.APPROVED),
    ],
)
async def test_decide_refuses_other_transitions(
    store: Store, from_status: ApprovalStatus, to_status: ApprovalStatus
) -> None:
    request = await store.approvals.create(new(), at=T0, ttl=TTL)
    with pytest.raises(ValueError, match="decide moves pending"):
        await store.approvals.decide(request.id, from_status, to_status, "U_BOSS", T0)


async def test_a_click_after_expiry_cannot_decide(store: Store) -> None:
    request = await store.approvals.create(new(), at=T0, ttl=TTL)
    late = T0 + TTL
    P, A = ApprovalStatus.PENDING, ApprovalStatus.APPROVED
    assert not await store.approvals.decide(request.id, P, A, "U_BOSS", late)
    assert not await store.approvals.mark_expired(request.id, late - timedelta(seconds=1))
    assert await store.approvals.mark_expired(request.id, late)
    got = await store.approvals.get(request.id)
    assert got is not None
    assert (got.status, got.finished_at, got.decider) == (ApprovalStatus.EXPIRED, late, None)


async def test_apply_path_applied(store: Store) -> None:
    request = await store.approvals.create(new(), at=T0, ttl=TTL)
    at = T0 + timedelta(minutes=1)
    assert not await store.approvals.begin_apply(request.id, at)  # not approved yet
    P, A = ApprovalStatus.PENDING, ApprovalStatus.APPROVED
    assert await store.approvals.decide(request.id, P, A, "U_BOSS", at)
    assert not await store.approvals.mark_applied(request.id, at, attempt=0)  # not begun
    assert await store.approvals.begin_apply(request.id, at) == 1
    assert await store.approvals.begin_apply(request.id, at) is None
    done = at + timedelta(seconds=2)
    assert await store.approvals.mark_applied(request.id, done, attempt=1)
    assert not await store.approvals.mark_failed(request.id, "late", done, attempt=1)
    got = await store.approvals.get(request.id)
    assert got is not None
    assert (got.status, got.attempts, got.apply_started_at, got.finished_at) == (
        ApprovalStatus.APPLIED,
        1,
        at,
        done,
    )
    assert got.failure_reason is None


async def test_failed_then_retried(store: Store) -> None:
    request = await store.approvals.create(new(), at=T0, ttl=TTL)
    P, A = ApprovalStatus.PENDING, ApprovalStatus.APPROVED
    await store.approvals.decide(request.id, P, A, "U_BOSS", T0)
    attempt = await store.approvals.begin_apply(request.id, T0)
    assert attempt == 1
    assert await store.approvals.mark_failed(request.id, "SignalWire answered 503", T0, attempt=1)
    failed = await store.approvals.get(request.id)
    assert failed is not None
    assert (failed.status, failed.failure_reason) == (
        ApprovalStatus.FAILED,
        "SignalWire answered 503",
    )

    assert not await store.approvals.begin_apply(request.id, T0)  # a retry must say so
    retry_at = T0 + timedelta(minutes=3)
    assert await store.approvals.begin_apply(request.id, retry_at, retry=True) == 2
    retried = await store.approvals.get(request.id)
    assert retried is not None
    assert (retried.status, retried.attempts, retried.failure_reason) == (
        ApprovalStatus.APPLYING,
        2,
        None,
    )
    assert retried.apply_started_at == retry_at


async def test_stale(store: Store) -> None:
    request = await store.approvals.create(new(), at=T0, ttl=TTL)
    P, A = ApprovalStatus.PENDING, ApprovalStatus.APPROVED
    await store.approvals.decide(request.id, P, A, "U_BOSS", T0)
    assert not await store.approvals.mark_stale(request.id, "max_members changed", T0, attempt=0)
    attempt = await store.approvals.begin_apply(request.id, T0)
    assert attempt is not None
    reason = "max_members is now 12, was 10"
    assert await store.approvals.mark_stale(request.id, reason, T0, attempt=attempt)
    got = await store.approvals.get(request.id)
    assert got is not None
    assert (got.status, got.failure_reason) == (
        ApprovalStatus.STALE,
        "max_members is now 12, was 10",
    )


async def test_expire_due_returns_what_it_expired(store: Store) -> None:
    short = await store.approvals.create(new("a"), at=T0, ttl=timedelta(hours=1))
    shorter = await store.approvals.create(new("b"), at=T0, ttl=timedelta(minutes=30))
    long = await store.approvals.create(new("c"), at=T0, ttl=timedelta(hours=5))
    decided = await store.approvals.create(new("d"), at=T0, ttl=timedelta(minutes=10))
    P, R = ApprovalStatus.PENDING, ApprovalStatus.REJECTED
    await store.approvals.decide(decided.id, P, R, "U_BOSS", T0)

    at = T0 + timedelta(hours=1)
    expired = await store.approvals.expire_due(at)
    assert {r.id for r in expired} == {short.id, shorter.id}
    assert all(r.status is ApprovalStatus.EXPIRED and r.finished_at == at for r in expired)
    assert await store.approvals.expire_due(at) == []
    remaining = await store.approvals.list_pending()
    assert [r.id for r in remaining] == [long.id]


async def test_list_pending_oldest_first_with_limit_and_now(store: Store) -> None:
    ids = []
    for minute in (3, 1, 2):
        at = T0 + timedelta(minutes=minute)
        ids.append((at, (await store.approvals.create(new(), at=at, ttl=TTL)).id))
    oldest_first = [request_id for _, request_id in sorted(ids)]
    assert [r.id for r in await store.approvals.list_pending()] == oldest_first
    assert [r.id for r in await store.approvals.list_pending(limit=2)] == oldest_first[:2]
    # Past the first one's expiry only the later two are still decidable.
    now = T0 + TTL + timedelta(minutes=1, seconds=30)
    assert [r.id for r in await store.approvals.list_pending(now=now)] == oldest_first[1:]


async def test_unfinished_and_take_over(store: Store) -> None:
    """What a process killed between the compare-and-set and the PUT leaves behind is
    visible, and exactly one resumer takes it."""
    P, A = ApprovalStatus.PENDING, ApprovalStatus.APPROVED
    approved = await store.approvals.create(new("approved"), at=T0, ttl=TTL)
    await store.approvals.decide(approved.id, P, A, "U_BOSS", T0)
    applying = await store.approvals.create(new("applying"), at=T0, ttl=TTL)
    await store.approvals.decide(applying.id, P, A, "U_BOSS", T0)
    await store.approvals.begin_apply(applying.id, T0 + timedelta(seconds=1))
    fresh = await store.approvals.create(new("fresh"), at=T0, ttl=TTL)
    await store.approvals.decide(fresh.id, P, A, "U_BOSS", T0 + timedelta(minutes=10))

    cutoff = T0 + timedelta(minutes=5)
    unfinished = await store.approvals.unfinished(older_than=cutoff)
    assert {r.id for r in unfinished} == {approved.id, applying.id}

    resumed_at = T0 + timedelta(minutes=6)
    assert await store.approvals.take_over(applying.id, started_before=cutoff, at=resumed_at) == 2
    assert (
        await store.approvals.take_over(applying.id, started_before=cutoff, at=resumed_at) is None
    )
    assert (
        await store.approvals.take_over(approved.id, started_before=cutoff, at=resumed_at) is None
    )
    taken = await store.approvals.get(applying.id)
    assert taken is not None
    assert (taken.apply_started_at, taken.attempts) == (resumed_at, 2)
    assert await store.approvals.begin_apply(approved.id, resumed_at)
    assert await store.approvals.unfinished(older_than=cutoff) == []


async def test_an_attempt_taken_over_cannot_record_its_outcome(store: Store) -> None:
    """A live but slow owner thought dead: once its attempt is taken over, its late
    outcome is refused and the new owner's counts, whichever finishes first."""
    P, A = ApprovalStatus.PENDING, ApprovalStatus.APPROVED
    request = await store.approvals.create(new(), at=T0, ttl=TTL)
    await store.approvals.decide(request.id, P, A, "U_BOSS", T0)
    slow = await store.approvals.begin_apply(request.id, T0)
    later = T0 + timedelta(minutes=10)
    resumer = await store.approvals.take_over(request.id, started_before=later, at=later)
    assert (slow, resumer) == (1, 2)

    # The old owner's PUT timed out after all; its "failed" must not overwrite the new try.
    assert not await store.approvals.mark_failed(request.id, "timed out", later, attempt=1)
    assert not await store.approvals.mark_applied(request.id, later, attempt=1)
    assert not await store.approvals.mark_stale(request.id, "changed", later, attempt=1)
    still = await store.approvals.get(request.id)
    assert still is not None and still.status is ApprovalStatus.APPLYING

    assert await store.approvals.mark_applied(request.id, later, attempt=2)
    done = await store.approvals.get(request.id)
    assert done is not None
    assert (done.status, done.attempts, done.failure_reason) == (ApprovalStatus.APPLIED, 2, None)


async def test_set_message(store: Store) -> None:
    request = await store.approvals.create(new(), at=T0, ttl=TTL)
    assert await store.approvals.set_message(request.id, "C_APPROVALS", "1732093200.000100")
    assert not await store.approvals.set_message("missing", "C_APPROVALS", "1.2")
    got = await store.approvals.get(request.id)
    assert got is not None
    assert (got.message_channel, got.message_ts) == ("C_APPROVALS", "1732093200.000100")
