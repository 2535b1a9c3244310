"""Exactly-once under contention, on SQLite and PostgreSQL: many callers on one engine, and
two engines on one database as two replicas would be."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.store import ApprovalStatus, FieldChange, NewApproval, Store, StoreDeliveries, open_store

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CALLERS = 10
P, A, R = ApprovalStatus.PENDING, ApprovalStatus.APPROVED, ApprovalStatus.REJECTED


@pytest.fixture
async def replicas(migrated_url: str) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores with their own engines and pools on the same database."""
    one = await open_store(migrated_url)
    other = await open_store(migrated_url)
    try:
        yield one, other
    finally:
        await one.aclose()
        await other.aclose()


async def _request(store: Store) -> str:
    new = NewApproval(
        "signalwire", "id-standup", "standup", "U_REQ", (FieldChange("max_members", 10, 25),)
    )
    return (await store.approvals.create(new, at=T0, ttl=timedelta(hours=1))).id


def _one_winner(results: list[bool]) -> int:
    assert results.count(True) == 1, results
    return results.index(True)


async def test_ten_concurrent_decisions_one_wins(store: Store) -> None:
    request_id = await _request(store)
    deciders = [f"U_APPROVER_{n}" for n in range(CALLERS)]
    results = await asyncio.gather(
        *(
            store.approvals.decide(request_id, P, A if n % 2 else R, decider, T0)
            for n, decider in enumerate(deciders)
        )
    )
    winner = _one_winner(results)
    stored = await store.approvals.get(request_id)
    assert stored is not None
    assert stored.decider == deciders[winner]
    assert stored.status is (A if winner % 2 else R)


async def test_two_replicas_deciding_one_wins(replicas: tuple[Store, Store]) -> None:
    one, other = replicas
    request_id = await _request(one)
    results = await asyncio.gather(
        *(
            (one if n % 2 else other).approvals.decide(request_id, P, A, f"U{n}", T0)
            for n in range(CALLERS)
        )
    )
    winner = _one_winner(results)
    stored = await other.approvals.get(request_id)
    assert stored is not None and stored.decider == f"U{winner}"


async def test_two_replicas_beginning_to_apply_one_wins(replicas: tuple[Store, Store]) -> None:
    one, other = replicas
    request_id = await _request(one)
    assert await one.approvals.decide(request_id, P, A, "U_BOSS", T0)
    results = await asyncio.gather(
        *((one if n % 2 else other).approvals.begin_apply(request_id, T0) for n in range(CALLERS))
    )
    _one_winner([attempt is not None for attempt in results])
    stored = await one.approvals.get(request_id)
    assert stored is not None and stored.attempts == 1


async def test_two_replicas_expiring_expire_each_request_once(
    replicas: tuple[Store, Store],
) -> None:
    one, other = replicas
    ids = {await _request(one) for _ in range(6)}
    later = T0 + timedelta(hours=2)
    batches = await asyncio.gather(
        *((one if n % 2 else other).approvals.expire_due(later) for n in range(4))
    )
    expired = [request.id for batch in batches for request in batch]
    assert sorted(expired) == sorted(ids)  # every one, none twice


async def test_same_delivery_to_two_replicas_is_served_once(
    replicas: tuple[Store, Store],
) -> None:
    one, other = replicas
    seen = [StoreDeliveries(s.engine, clock=lambda: T0) for s in (one, other)]
    results = await asyncio.gather(
        *(seen[n % 2].first_time("event:Ev0123") for n in range(CALLERS))
    )
    _one_winner(results)


async def test_concurrent_claims_have_one_owner(replicas: tuple[Store, Store]) -> None:
    one, other = replicas
    day = date(2026, 11, 19)
    results = await asyncio.gather(
        *(
            (one if n % 2 else other).digests.claim(
                "C_OPS", day, owner=f"replica-{n}", lease_seconds=300, at=T0
            )
            for n in range(CALLERS)
        )
    )
    winner = _one_winner(results)
    claim = await one.digests.get_claim("C_OPS", day)
    assert claim is not None and claim.owner == f"replica-{winner}"


async def test_expired_lease_is_taken_over_by_one(replicas: tuple[Store, Store]) -> None:
    one, other = replicas
    day = date(2026, 11, 19)
    assert await one.digests.claim("C_OPS", day, owner="crashed", lease_seconds=60, at=T0)
    after = T0 + timedelta(seconds=61)
    results = await asyncio.gather(
        *(
            (one if n % 2 else other).digests.claim(
                "C_OPS", day, owner=f"replica-{n}", lease_seconds=60, at=after
            )
            for n in range(CALLERS)
        )
    )
    winner = _one_winner(results)
    claim = await other.digests.get_claim("C_OPS", day)
    assert claim is not None
    assert (claim.owner, claim.claimed_at) == (f"replica-{winner}", after)
    assert not await one.digests.mark_posted("C_OPS", day, owner="crashed", at=after)
