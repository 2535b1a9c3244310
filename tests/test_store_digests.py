"""Digest claims and subscriptions on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.store import Store, Subscription

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DAY = date(2026, 11, 19)
LEASE = 300.0


async def test_first_claim_wins_until_its_lease_runs_out(store: Store) -> None:
    digests = store.digests
    assert await digests.claim("C1", DAY, owner="replica-a", lease_seconds=LEASE, at=T0)
    assert not await digests.claim("C1", DAY, owner="replica-b", lease_seconds=LEASE, at=T0)
    during = T0 + timedelta(seconds=LEASE - 1)
    assert not await digests.claim("C1", DAY, owner="replica-b", lease_seconds=LEASE, at=during)
    claim = await digests.get_claim("C1", DAY)
    assert claim is not None
    assert (claim.owner, claim.claimed_at, claim.lease_until, claim.posted_at) == (
        "replica-a",
        T0,
        T0 + timedelta(seconds=LEASE),
        None,
    )
    # Other days and channels are separate claims.
    assert await digests.claim("C1", DAY + timedelta(days=1), owner="b", lease_seconds=LEASE, at=T0)
    assert await digests.claim("C2", DAY, owner="replica-b", lease_seconds=LEASE, at=T0)


async def test_the_owner_may_renew_its_lease(store: Store) -> None:
    digests = store.digests
    assert await digests.claim("C1", DAY, owner="a", lease_seconds=LEASE, at=T0)
    later = T0 + timedelta(seconds=60)
    assert await digests.claim("C1", DAY, owner="a", lease_seconds=LEASE, at=later)
    claim = await digests.get_claim("C1", DAY)
    assert claim is not None and claim.lease_until == later + timedelta(seconds=LEASE)


async def test_an_expired_lease_is_taken_over_and_the_old_owner_cannot_post(store: Store) -> None:
    digests = store.digests
    assert await digests.claim("C1", DAY, owner="dead", lease_seconds=LEASE, at=T0)
    after = T0 + timedelta(seconds=LEASE)
    assert await digests.claim("C1", DAY, owner="alive", lease_seconds=LEASE, at=after)
    assert not await digests.mark_posted("C1", DAY, owner="dead", at=after)
    assert not await digests.was_posted("C1", DAY)
    assert await digests.mark_posted("C1", DAY, owner="alive", at=after, message_ts="171.0001")
    assert await digests.was_posted("C1", DAY)
    claim = await digests.get_claim("C1", DAY)
    assert claim is not None
    assert (claim.owner, claim.posted_at, claim.message_ts) == ("alive", after, "171.0001")


async def test_a_posted_digest_is_never_claimed_again(store: Store) -> None:
    digests = store.digests
    assert await digests.claim("C1", DAY, owner="a", lease_seconds=LEASE, at=T0)
    assert await digests.mark_posted("C1", DAY, owner="a", at=T0)
    assert not await digests.mark_posted("C1", DAY, owner="a", at=T0)
    much_later = T0 + timedelta(days=2)
    assert not await digests.claim("C1", DAY, owner="b", lease_seconds=LEASE, at=much_later)
    assert not await digests.claim("C1", DAY, owner="a", lease_seconds=LEASE, at=much_later)
    assert not await digests.was_posted("C1", DAY + timedelta(days=1))
    assert await digests.get_claim("C9", DAY) is None


async def test_subscriptions_upsert_list_and_delete(store: Store) -> None:
    digests = store.digests
    first = Subscription("C_OPS", time(9, 0), "Europe/Berlin", "U1", T0)
    assert await digests.subscribe(first) == first
    other = Subscription("C_EXEC", time(7, 30), "UTC", "U2", T0)
    await digests.subscribe(other)
    assert await digests.subscriptions() == [other, first]  # by channel

    moved = Subscription("C_OPS", time(17, 45), "America/New_York", "U3", T0 + timedelta(days=1))
    assert await digests.subscribe(moved) == moved
    assert await digests.subscription("C_OPS") == moved
    assert len(await digests.subscriptions()) == 2

    assert await digests.unsubscribe("C_OPS")
    assert not await digests.unsubscribe("C_OPS")
    assert await digests.subscription("C_OPS") is None
    assert await digests.subscriptions() == [other]


async def test_a_released_claim_is_free_at_once_but_only_its_owner_may_release(
    store: Store,
) -> None:
    digests = store.digests
    assert await digests.claim("C1", DAY, owner="a", lease_seconds=LEASE, at=T0)
    assert not await digests.release("C1", DAY, owner="b")
    assert not await digests.claim("C1", DAY, owner="b", lease_seconds=LEASE, at=T0)
    assert await digests.release("C1", DAY, owner="a")
    assert await digests.get_claim("C1", DAY) is None
    assert await digests.claim("C1", DAY, owner="b", lease_seconds=LEASE, at=T0)
    # A posted digest stays on record: releasing it does nothing.
    assert await digests.mark_posted("C1", DAY, owner="b", at=T0)
    assert not await digests.release("C1", DAY, owner="b")
    assert await digests.was_posted("C1", DAY)


async def test_a_forced_post_is_the_one_on_record(store: Store) -> None:
    digests = store.digests
    later = T0 + timedelta(hours=1)
    # Over a live claim of someone else's, and over a posted one alike.
    assert await digests.claim("C1", DAY, owner="a", lease_seconds=LEASE, at=T0)
    await digests.record_forced("C1", DAY, owner="cli", at=later, message_ts="1.5")
    claim = await digests.get_claim("C1", DAY)
    assert claim is not None
    assert (claim.owner, claim.posted_at, claim.message_ts) == ("cli", later, "1.5")
    assert not await digests.mark_posted("C1", DAY, owner="a", at=later)
    await digests.record_forced("C1", DAY, owner="cli2", at=later, message_ts="2.5")
    again = await digests.get_claim("C1", DAY)
    assert again is not None and (again.owner, again.message_ts) == ("cli2", "2.5")
    # And where nothing was claimed.
    await digests.record_forced("C2", DAY, owner="cli", at=later, message_ts=None)
    assert await digests.was_posted("C2", DAY)
