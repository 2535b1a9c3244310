"""The outbox on SQLite and PostgreSQL: rows commit with the change that owes them, each due
row is leased to one deliverer, and only its holder records how it ended."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from bot.store import Outbox, Owed, Store, open_store
from bot.store.schema import AuditEventRow

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
POST = Owed("digest.post", "digest:C0DIGEST01:2026-11-19", "C0DIGEST01", {"text": "hi"})


def _owed(n: int) -> Owed:
    return Owed("approval.notify", f"request-{n}", "U0REQUEST1", {"n": n})


async def test_add_commits_with_the_callers_transaction(store: Store) -> None:
    outbox = store.outbox
    async with store.engine.begin() as connection:
        kept = await outbox.add(connection, POST, at=T0)
    entry = await outbox.get(kept)
    assert entry is not None
    assert (entry.kind, entry.subject, entry.channel, entry.payload) == (
        "digest.post",
        "digest:C0DIGEST01:2026-11-19",
        "C0DIGEST01",
        {"text": "hi"},
    )
    assert (entry.status, entry.created_at, entry.due_at, entry.attempts) == ("pending", T0, T0, 0)
    assert (entry.ambiguous, entry.last_error, entry.sent_ts) == (False, None, None)


async def test_add_rolls_back_with_the_callers_transaction(store: Store) -> None:
    outbox = store.outbox

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with store.engine.begin() as connection:
            # The state change and its message: neither survives the failure.
            await connection.execute(
                insert(AuditEventRow).values(at=T0, actor="U1", action="x", outcome="ok")
            )
            await outbox.add(connection, _owed(1), at=T0)
            raise Boom
    assert await outbox.for_subject("request-1") == []
    assert await outbox.claim_due("a", at=T0 + LEASE, lease=LEASE, limit=10) == []
    assert await store.audit.list_recent(limit=10) == []


async def test_only_due_rows_are_claimed_oldest_first_and_not_twice(store: Store) -> None:
    outbox = store.outbox
    first = await outbox.enqueue(_owed(1), at=T0)
    second = await outbox.enqueue(_owed(2), at=T0 + timedelta(seconds=1))
    later = await outbox.enqueue(_owed(3), at=T0 + timedelta(seconds=30))
    claimed = await outbox.claim_due("a", at=T0 + timedelta(seconds=2), lease=LEASE, limit=10)
    assert [e.id for e in claimed] == [first, second]
    assert all(e.attempts == 1 and not e.ambiguous for e in claimed)
    # Leased: nobody else gets them while the lease runs, but the later row is due now.
    again = await outbox.claim_due("b", at=T0 + timedelta(seconds=31), lease=LEASE, limit=10)
    assert [e.id for e in again] == [later]
    assert await outbox.claim_due("b", at=T0 + timedelta(seconds=59), lease=LEASE, limit=10) == []


async def test_limit_bounds_a_claim(store: Store) -> None:
    outbox = store.outbox
    ids = [await outbox.enqueue(_owed(n), at=T0) for n in range(5)]
    assert [e.id for e in await outbox.claim_due("a", at=T0, lease=LEASE, limit=2)] == ids[:2]
    assert [e.id for e in await outbox.claim_due("b", at=T0, lease=LEASE, limit=10)] == ids[2:]


async def test_an_expired_lease_is_claimable_again_and_ambiguous(store: Store) -> None:
    outbox = store.outbox
    entry_id = await outbox.enqueue(POST, at=T0)
    assert [e.id for e in await outbox.claim_due("dead", at=T0, lease=LEASE, limit=1)] == [entry_id]
    taken = await outbox.claim_due("alive", at=T0 + LEASE, lease=LEASE, limit=1)
    assert [(e.id, e.attempts, e.ambiguous) for e in taken] == [(entry_id, 2, True)]
    # The holder whose lease ran out can no longer record anything.
    assert not await outbox.mark_sent(entry_id, "dead", channel="C0DIGEST01", ts="1.1", at=T0)
    assert not await outbox.retry_later(
        entry_id, "dead", at=T0, wait=LEASE, error="x", ambiguous=False
    )
    assert await outbox.mark_sent(
        entry_id, "alive", channel="C0DIGEST01", ts="1700000000.000100", at=T0 + LEASE
    )
    entry = await outbox.get(entry_id)
    assert entry is not None
    assert (entry.status, entry.sent_channel, entry.sent_ts, entry.sent_at) == (
        "sent",
        "C0DIGEST01",
        "1700000000.000100",
        T0 + LEASE,
    )
    # Sent is final: never claimed again, never marked twice.
    assert await outbox.claim_due("x", at=T0 + 10 * LEASE, lease=LEASE, limit=5) == []
    assert not await outbox.mark_sent(entry_id, "alive", channel="C", ts="2", at=T0)


async def test_mark_sent_runs_also_in_its_transaction(store: Store) -> None:
    outbox = store.outbox
    entry_id = await outbox.enqueue(POST, at=T0)
    await outbox.claim_due("a", at=T0, lease=LEASE, limit=1)

    async def failing(connection: object) -> None:
        raise RuntimeError("the request's record failed")

    with pytest.raises(RuntimeError):
        await outbox.mark_sent(entry_id, "a", channel="C0DIGEST01", ts="1.2", at=T0, also=failing)
    entry = await outbox.get(entry_id)
    assert entry is not None and entry.status == "pending"  # rolled back with it

    seen: list[int] = []

    async def recording(connection: object) -> None:
        seen.append(entry_id)

    assert await outbox.mark_sent(
        entry_id, "a", channel="C0DIGEST01", ts="1.2", at=T0, also=recording
    )
    assert seen == [entry_id]


async def test_retry_later_waits_and_keeps_ambiguity(store: Store) -> None:
    outbox = store.outbox
    entry_id = await outbox.enqueue(POST, at=T0)
    await outbox.claim_due("a", at=T0, lease=LEASE, limit=1)
    wait = timedelta(seconds=5)
    assert await outbox.retry_later(
        entry_id, "a", at=T0, wait=wait, error="HTTP 500", ambiguous=True
    )
    assert await outbox.claim_due("b", at=T0 + timedelta(seconds=4), lease=LEASE, limit=1) == []
    [entry] = await outbox.claim_due("b", at=T0 + wait, lease=LEASE, limit=1)
    assert (entry.last_error, entry.ambiguous, entry.attempts) == ("HTTP 500", True, 2)
    # A clean refusal afterwards does not make the earlier try unambiguous.
    assert await outbox.retry_later(
        entry_id, "b", at=T0 + wait, wait=wait, error="ratelimited", ambiguous=False
    )
    [entry] = await outbox.claim_due("c", at=T0 + 2 * wait, lease=LEASE, limit=1)
    assert (entry.last_error, entry.ambiguous, entry.attempts) == ("ratelimited", True, 3)


async def test_undelivered_and_dropped_are_final_and_listed(store: Store) -> None:
    outbox = store.outbox
    refused = await outbox.enqueue(POST, at=T0)
    stale = await outbox.enqueue(_owed(7), at=T0)
    await outbox.claim_due("a", at=T0, lease=LEASE, limit=5)
    assert await outbox.mark_undelivered(refused, "a", at=T0, error="channel_not_found")
    assert await outbox.drop(stale, "a", at=T0, why="the request was decided elsewhere")
    assert not await outbox.mark_undelivered(refused, "a", at=T0, error="again")
    assert await outbox.claim_due("b", at=T0 + 10 * LEASE, lease=LEASE, limit=5) == []
    [listed] = await outbox.undelivered()
    assert (listed.id, listed.status, listed.last_error) == (
        refused,
        "undelivered",
        "channel_not_found",
    )
    [dropped] = await outbox.for_subject("request-7")
    assert (dropped.status, dropped.last_error) == ("dropped", "the request was decided elsewhere")


async def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.outbox.enqueue(POST, at=T0.replace(tzinfo=None))


@pytest.fixture
async def replicas(migrated_url: str) -> AsyncIterator[tuple[Store, Store]]:
    one = await open_store(migrated_url)
    other = await open_store(migrated_url)
    try:
        yield one, other
    finally:
        await one.aclose()
        await other.aclose()


async def test_two_replicas_claiming_at_once_never_share_a_row(
    replicas: tuple[Store, Store],
) -> None:
    one, other = replicas
    rows = 40
    ids = {await one.outbox.enqueue(_owed(n), at=T0) for n in range(rows)}

    async def drain(outbox: Outbox, owner: str) -> list[int]:
        got: list[int] = []
        while batch := await outbox.claim_due(owner, at=T0, lease=LEASE, limit=3):
            got += [e.id for e in batch]
            await asyncio.sleep(0)
        return got

    results = await asyncio.gather(
        *(
            drain(store.outbox, f"{name}-{n}")
            for n in range(3)
            for name, store in [("one", one), ("two", other)]
        )
    )
    claimed = [entry_id for got in results for entry_id in got]
    assert sorted(claimed) == sorted(ids)  # every row once, none twice


async def test_retry_later_without_an_error_keeps_the_last_one(store: Store) -> None:
    outbox = store.outbox
    entry_id = await outbox.enqueue(POST, at=T0)
    await outbox.claim_due("a", at=T0, lease=LEASE, limit=1)
    await outbox.retry_later(entry_id, "a", at=T0, wait=LEASE, error="HTTP 502", ambiguous=False)
    [entry] = await outbox.claim_due("b", at=T0 + LEASE, lease=LEASE, limit=1)
    assert not entry.ambiguous  # handed back properly: not a lease that ran out
    await outbox.retry_later(entry_id, "b", at=T0, wait=LEASE, error=None, ambiguous=False)
    stored = await outbox.get(entry_id)
    assert stored is not None and stored.last_error == "HTTP 502"


async def test_prune_forgets_old_finished_rows_only(store: Store) -> None:
    outbox = store.outbox
    sent, refused, pending = [await outbox.enqueue(_owed(n), at=T0) for n in range(3)]
    await outbox.claim_due("a", at=T0, lease=LEASE, limit=2)
    await outbox.mark_sent(sent, "a", channel="C", ts="1.1", at=T0)
    await outbox.mark_undelivered(refused, "a", at=T0 + timedelta(days=2), error="is_archived")
    assert await outbox.prune(before=T0 + timedelta(days=1)) == 1
    assert await outbox.get(sent) is None
    assert await outbox.get(refused) is not None
    # A pending row stays, however old: it is still owed.
    assert await outbox.prune(before=T0 + timedelta(days=90)) == 1
    assert [e.id for e in await outbox.for_subject("request-2")] == [pending]
