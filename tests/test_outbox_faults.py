"""The outbox under Slack's faults: the real bot's digest, or the real Deliverer, against the
Slack stand-in over sockets, with Slack rate limiting, failing, or taking a message and
dropping the connection. What each channel ends up showing is what is asserted."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncConnection

import bot.digest_cli
from bot.digest_cli import DigestArgs, run_digest
from bot.services.delivery import (
    Deliverer,
    Failure,
    Outgoing,
    Post,
    backoff,
    classify,
)
from bot.services.digest_delivery import digest_composers
from bot.slack.retries import retry_after_seconds, slack_retry_handlers
from bot.slack.web_api import WebApiSlack, slack_failure
from bot.store import OutboxEntry, Owed, Store, open_store
from simulators import RunningSimulator
from simulators.slack_api import RunningSlackStandin
from tests.slack_driver import running_bot, settings_for
from tests.test_digest_flow import DAY, DIGESTS, DUE, FAST, charts, posts, store_of
from tests.test_update_flow import wait_until

SQLITE_ONLY = pytest.mark.parametrize("migrated_url", ["sqlite"], indirect=True)
TOKEN = "xoxb-roomops-demo"  # the `slack` fixture's
# Small but real: each wait is a real wait, so the tests stay well under two seconds.
QUICK: dict[str, Any] = {
    "poll_seconds": 0.05,
    "backoff_first": timedelta(seconds=0.05),
    "backoff_cap": timedelta(seconds=0.2),
}


class RunningClock:
    """Real time passing, from `start`: backoff waits must elapse, digests stay on time."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.began = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began)


def digest_bot(sim: RunningSimulator, slack: RunningSlackStandin) -> Any:
    clock = RunningClock(DUE + timedelta(seconds=10))
    return running_bot(
        sim, slack, {"clock": clock, **FAST, "delivery": QUICK}, digest_channel=DIGESTS
    )


async def rows_done(store: Store, subject: str, seconds: float = 5.0) -> None:
    """Slack shows the chart a moment before the deliverer records it: wait for that."""
    deadline = time.monotonic() + seconds
    while any(e.status == "pending" for e in await store.outbox.for_subject(subject)):
        assert time.monotonic() < deadline, f"{subject}: rows still pending"
        await asyncio.sleep(0.02)


# -- the digest through the real bot --------------------------------------------------------


async def test_a_429_window_posts_the_digest_once_after_retry_after(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    slack.rate_limit_for("chat.postMessage", seconds=30, retry_after=1)
    async with digest_bot(sim, slack) as bot:
        # The window runs from the first refusal, however long the bot took to start.
        await slack.wait_for_call("chat.postMessage")
        slack.rate_limit_for("chat.postMessage", seconds=0.8, retry_after=1)
        await wait_until(lambda: len(charts(slack, DIGESTS)) == 1)
        [message] = posts(slack, DIGESTS)
        assert "Rooms digest" in message["text"] or message["blocks"]
        calls = slack.calls_to("chat.postMessage")
        # One refusal, then Slack's Retry-After (1 s, not the 0.05 s backoff) was waited out.
        assert [c.status for c in calls] == [429, 200]
        assert calls[1].at - calls[0].at >= 1.0
        claim = await store_of(bot).digests.get_claim(DIGESTS, DAY)
        assert claim is not None and claim.message_ts == message["ts"]


async def test_a_500_window_delivers_after_it_without_a_duplicate(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    slack.fail_for("chat.postMessage", seconds=30, status=500)
    async with digest_bot(sim, slack) as bot:
        await slack.wait_for_call("chat.postMessage")
        slack.fail_for("chat.postMessage", seconds=0.5, status=500)
        await wait_until(lambda: len(charts(slack, DIGESTS)) == 1)
        await rows_done(store_of(bot), f"digest:{DIGESTS}:{DAY}")
        [message] = posts(slack, DIGESTS)
        calls = slack.calls_to("chat.postMessage")
        assert len(calls) >= 2 and all(c.status == 500 for c in calls[:-1])
        assert calls[-1].ok and calls[-1].at - calls[0].at >= 0.5
        # A 5xx may hide a message Slack took: every retry looked before posting.
        assert len(slack.calls_to("conversations.history")) == len(calls) - 1
        [entry, _chart] = await store_of(bot).outbox.for_subject(f"digest:{DIGESTS}:{DAY}")
        assert (entry.status, entry.sent_ts, entry.last_error) == (
            "sent",
            message["ts"],
            "HTTP 500",
        )


async def test_accept_then_drop_leaves_one_message_whose_ts_is_adopted(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    slack.drop_after_accepting("chat.postMessage")
    async with digest_bot(sim, slack) as bot:
        await wait_until(lambda: len(charts(slack, DIGESTS)) == 1)
        await rows_done(store_of(bot), f"digest:{DIGESTS}:{DAY}")
        [message] = posts(slack, DIGESTS)
        # Posted once: neither slack-sdk nor the outbox sent it again.
        assert len(slack.calls_to("chat.postMessage")) == 1
        assert message["metadata"]["event_type"] == "roomops_outbox"
        store = store_of(bot)
        [entry, chart] = await store.outbox.for_subject(f"digest:{DIGESTS}:{DAY}")
        assert message["metadata"]["event_payload"] == {"id": entry.id}
        assert (entry.status, entry.sent_channel, entry.sent_ts, entry.ambiguous) == (
            "sent",
            DIGESTS,
            message["ts"],
            True,
        )
        assert chart.status == "sent"
        claim = await store.digests.get_claim(DIGESTS, DAY)
        assert claim is not None and claim.message_ts == message["ts"]


# -- the Deliverer on its own --------------------------------------------------------------


class Texts:
    """A composer for tests: posts `payload["text"]` to the row's channel."""

    def __init__(self) -> None:
        self.recorded: list[tuple[int, str, str | None]] = []

    async def compose(self, entry: OutboxEntry) -> Outgoing:
        return Post(entry.channel, str(entry.payload["text"]))

    async def sent(
        self, connection: AsyncConnection, entry: OutboxEntry, channel: str, ts: str | None
    ) -> None:
        self.recorded.append((entry.id, channel, ts))


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as opened:
        yield opened


def deliverer(
    store: Store,
    slack: RunningSlackStandin,
    session: aiohttp.ClientSession,
    composer: Texts,
    *,
    clock: Callable[[], datetime] | None = None,
    owner: str = "test",
    **tuning: Any,
) -> Deliverer:
    client = AsyncWebClient(
        token=TOKEN, base_url=slack.api_url, session=session, retry_handlers=[], timeout=5
    )
    return Deliverer(
        outbox=store.outbox,
        slack=WebApiSlack(client),
        composers={"test.post": composer},
        clock=clock or (lambda: datetime.now(UTC)),
        owner=owner,
        **{**QUICK, **tuning},
    )


def texts(slack: RunningSlackStandin, channel: str) -> list[str]:
    return [str(m.get("text")) for m in slack.channel_messages(channel)]


@SQLITE_ONLY
async def test_a_dropped_dm_is_found_in_the_dm_channel_and_adopted(
    store: Store, slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    composer = Texts()
    worker = deliverer(store, slack, session, composer)
    slack.drop_after_accepting("chat.postMessage")
    entry_id = await store.outbox.enqueue(
        Owed("test.post", "request-1", "U0ALICE001", {"text": "your request was applied"}),
        at=datetime.now(UTC),
    )
    await worker.start()
    try:
        worker.poke()
        entry = await worker.wait_delivered(entry_id, timeout=3)
    finally:
        await worker.stop()
    assert entry is not None and entry.status == "sent"
    [opened] = slack.calls_to("conversations.open")
    dm = opened.args["users"]
    assert dm == "U0ALICE001" and entry.sent_channel == "D0ALICE001"
    assert texts(slack, "D0ALICE001") == ["your request was applied"]
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert composer.recorded == [(entry_id, "D0ALICE001", entry.sent_ts)]


@SQLITE_ONLY
async def test_a_row_past_give_up_after_is_undelivered_and_logged_once(
    store: Store,
    slack: RunningSlackStandin,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    composer = Texts()
    worker = deliverer(store, slack, session, composer, give_up_after=timedelta(seconds=0.6))
    slack.fail_for("chat.postMessage", seconds=30, status=503)
    old = await store.outbox.enqueue(
        Owed("test.post", "digest:C0GENERAL1:2026-11-18", "C0GENERAL1", {"text": "stale"}),
        at=datetime.now(UTC) - timedelta(days=2),
    )
    failing = await store.outbox.enqueue(
        Owed("test.post", "request-9", "C0GENERAL1", {"text": "never"}), at=datetime.now(UTC)
    )
    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        await worker.start()
        try:
            stale = await worker.wait_delivered(old, timeout=1)
            given_up = await worker.wait_delivered(failing, timeout=3)
            await asyncio.sleep(0.15)  # a few more polls: nothing is logged twice
        finally:
            await worker.stop()
    assert stale is not None and (stale.status, stale.attempts) == ("undelivered", 1)
    assert given_up is not None and (given_up.status, given_up.last_error) == (
        "undelivered",
        "HTTP 503",
    )
    assert given_up.attempts >= 3  # tried with backoff until the deadline
    assert texts(slack, "C0GENERAL1") == []
    # The old row was never sent at all; each row has one line, naming what and where.
    assert [c.args["text"] for c in slack.calls_to("chat.postMessage")].count("stale") == 0
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelno for r in lines] == [logging.ERROR, logging.ERROR]
    stale_line, failing_line = (r.getMessage() for r in lines)
    assert "test.post for digest:C0GENERAL1:2026-11-18 in C0GENERAL1" in stale_line
    assert "test.post for request-9 in C0GENERAL1 (HTTP 503" in failing_line
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert await store.outbox.undelivered() == [given_up, stale]


@SQLITE_ONLY
async def test_a_final_refusal_is_undelivered_at_once(
    store: Store, slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    slack.add_channel("G0PRIVATE1", "private", is_private=True, is_member=False)
    worker = deliverer(store, slack, session, Texts())
    entry_id = await store.outbox.enqueue(
        Owed("test.post", "s", "G0PRIVATE1", {"text": "x"}), at=datetime.now(UTC)
    )
    assert await worker.run_once() == 1
    entry = await store.outbox.get(entry_id)
    assert entry is not None and (entry.status, entry.last_error) == (
        "undelivered",
        "not_in_channel",
    )
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert await worker.run_once() == 0


@SQLITE_ONLY
async def test_poke_sends_at_once_and_stop_is_clean(
    store: Store, slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    worker = deliverer(store, slack, session, Texts(), poll_seconds=30)
    await worker.start()
    await asyncio.sleep(0.05)  # asleep until the next poll, 30 s away
    entry_id = await store.outbox.enqueue(
        Owed("test.post", "s", "C0GENERAL1", {"text": "now"}), at=datetime.now(UTC)
    )
    worker.poke()
    entry = await worker.wait_delivered(entry_id, timeout=1)
    assert entry is not None and entry.status == "sent"
    assert texts(slack, "C0GENERAL1") == ["now"]
    await worker.stop()
    assert not worker.running


@pytest.mark.parametrize("migrated_url", ["postgresql"], indirect=True)
async def test_two_deliverers_on_one_postgresql_send_each_row_once(
    migrated_url: str, slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    one = await open_store(migrated_url)
    other = await open_store(migrated_url)
    try:
        rows = 30
        for n in range(rows):
            await one.outbox.enqueue(
                Owed("test.post", f"s{n}", "C0GENERAL1", {"text": f"message {n}"}),
                at=datetime.now(UTC),
            )
        workers = [
            deliverer(store, slack, session, Texts(), owner=name, batch=4)
            for store, name in ((one, "replica-a"), (other, "replica-b"))
        ]
        for worker in workers:
            await worker.start()
        try:
            await wait_until(lambda: len(slack.channel_messages("C0GENERAL1")) >= rows, 5)
            await asyncio.sleep(0.1)  # anything sent twice would have arrived by now
        finally:
            for worker in workers:
                await worker.stop()
        shown = texts(slack, "C0GENERAL1")
        assert sorted(shown) == sorted(f"message {n}" for n in range(rows))
        owners = {c.token for c in slack.calls_to("chat.postMessage")}
        assert owners == {TOKEN}
        assert len(slack.calls_to("chat.postMessage")) == rows
    finally:
        await one.aclose()
        await other.aclose()


# -- slack-sdk's own retry: never for a post ------------------------------------------------


async def test_the_app_client_does_not_resend_a_post_but_retries_a_read(
    slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    client = AsyncWebClient(
        token=TOKEN, base_url=slack.api_url, session=session, retry_handlers=slack_retry_handlers()
    )
    slack.drop_after_accepting("chat.postMessage")
    with pytest.raises(aiohttp.ClientError):
        await client.chat_postMessage(channel="C0GENERAL1", text="once")
    assert texts(slack, "C0GENERAL1") == ["once"]
    assert len(slack.calls_to("chat.postMessage")) == 1
    slack.drop_after_accepting("users.info")
    assert (await client.users_info(user="U0ALICE001"))["ok"] is True
    assert len(slack.calls_to("users.info")) == 2


def test_the_app_clients_retry_after_is_the_one_parser() -> None:
    def limited(value: str) -> HttpResponse:
        return HttpResponse(status_code=429, headers={"Retry-After": [value]})

    assert retry_after_seconds(limited("3")) == 3.0
    # An HTTP date (RFC 9110) once crashed slack-sdk's int() parse; now it is a wait.
    assert retry_after_seconds(limited("Thu, 01 Jan 2099 00:00:00 GMT")) == 86_400.0
    assert retry_after_seconds(limited("nan")) is None


# -- what a failure means (pure) -------------------------------------------------------------


class _Response:
    def __init__(self, status: int, data: Any = None, headers: dict[str, str] | None = None):
        self.status_code = status
        self.data = data
        self.headers = headers or {}


def _api_error(status: int, data: Any = None, **headers: str) -> SlackApiError:
    return SlackApiError("failed", _Response(status, data, headers))  # type: ignore[no-untyped-call]


def _refused(code: str) -> SlackApiError:
    return _api_error(200, {"ok": False, "error": code})


CLASSIFIED = [
    (_api_error(429, {"ok": False}, **{"Retry-After": "7"}), ("ratelimited", False, False, 7.0)),
    (_api_error(500), ("HTTP 500", False, True, None)),
    (_api_error(503, None, **{"Retry-After": "2"}), ("HTTP 503", False, True, 2.0)),
    (_refused("channel_not_found"), ("channel_not_found", True, False, None)),
    (_refused("invalid_blocks"), ("invalid_blocks", True, False, None)),
    (_refused("internal_error"), ("internal_error", False, True, None)),
    (_refused("invalid_auth"), ("invalid_auth", False, False, None)),
    (_api_error(404), ("HTTP 404", True, False, None)),
    (aiohttp.ServerDisconnectedError(), ("connection: ServerDisconnectedError", False, True, None)),
    (TimeoutError(), ("connection: TimeoutError", False, True, None)),
]


@pytest.mark.parametrize(("exc", "expected"), CLASSIFIED)
def test_classify(exc: BaseException, expected: tuple[str, bool, bool, float | None]) -> None:
    # What slack-sdk raises, as the services see it through the Slack port's adapter.
    assert classify(seen(exc)) == Failure(*expected)


def test_a_nonsense_retry_after_is_ignored() -> None:
    assert classify(seen(_api_error(429, None, **{"Retry-After": "1e9"}))).retry_after is None


def seen(exc: BaseException) -> BaseException:
    return slack_failure("chat.postMessage", exc) or exc


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    first, cap = timedelta(seconds=2), timedelta(minutes=10)
    low = [backoff(n, first=first, cap=cap, rng=lambda: 0.0).total_seconds() for n in (1, 2, 3)]
    high = [backoff(n, first=first, cap=cap, rng=lambda: 1.0).total_seconds() for n in (1, 2, 3)]
    assert low == [1.0, 2.0, 4.0] and high == [2.0, 4.0, 8.0]
    assert backoff(40, first=first, cap=cap, rng=lambda: 1.0) == cap


# -- `python -m bot digest`: delivers inline, says what happened ------------------------------


async def digest_cli(
    sim: RunningSimulator, slack: RunningSlackStandin, url: str, *, wait: float
) -> tuple[int, str, str]:
    settings = settings_for(sim, slack, database_url=url, digest_timezone="Europe/Berlin")
    out: list[str] = []
    err: list[str] = []
    args = DigestArgs(date="2026-11-19", channel=DIGESTS, wait_seconds=wait)
    code = await asyncio.to_thread(run_digest, args, out.append, err.append, lambda: settings)
    return code, "\n".join(out), "\n".join(err)


@pytest.fixture
def quiet_cli_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    # A run in a thread of this process must not replace pytest's log handlers.
    monkeypatch.setattr(bot.digest_cli, "configure_logging", lambda *_a, **_k: None)


@SQLITE_ONLY
async def test_the_cli_says_queued_when_slack_is_down_and_serve_finishes_it(
    sim: RunningSimulator,
    slack: RunningSlackStandin,
    migrated_url: str,
    session: aiohttp.ClientSession,
    quiet_cli_logging: None,
) -> None:
    slack.fail_for("chat.postMessage", seconds=30, status=500)
    code, out, err = await digest_cli(sim, slack, migrated_url, wait=0.3)
    assert (code, err) == (1, "")
    assert out == (
        f"digest: queued for {DIGESTS}, 2026-11-19 (Europe/Berlin): Slack has not taken it "
        "yet (HTTP 500); a running `serve` keeps trying for up to a day"
    )
    assert posts(slack, DIGESTS) == []
    # A second run does not owe it twice: it tries the same row again, and says so.
    again, out_again, _ = await digest_cli(sim, slack, migrated_url, wait=0.3)
    assert (again, out_again) == (1, out)
    # Slack recovers; a serve's deliverer finishes the job: one message, then its chart.
    slack.fail_for("chat.postMessage", seconds=0)
    store = await open_store(migrated_url)
    try:
        post_composers = digest_composers(store.digests, store.outbox, chart_wait_seconds=0.05)
        client = AsyncWebClient(token=TOKEN, base_url=slack.api_url, session=session)
        worker = Deliverer(
            outbox=store.outbox,
            slack=WebApiSlack(client),
            composers=post_composers,
            # A few seconds on: the row's backoff has passed.
            clock=lambda: datetime.now(UTC) + timedelta(seconds=5),
            owner="serve",
        )
        await worker.run_once()
        [message] = posts(slack, DIGESTS)
        assert len(charts(slack, DIGESTS)) == 1
        claim = await store.digests.get_claim(DIGESTS, DAY)
        assert claim is not None and claim.message_ts == message["ts"]
        # Every try after a 5xx looked for an earlier post before posting.
        assert slack.calls_to("conversations.history")
        assert [c.status for c in slack.calls_to("chat.postMessage")][-1] == 200
    finally:
        await store.aclose()


@SQLITE_ONLY
async def test_the_cli_posts_after_a_short_outage_within_its_wait(
    sim: RunningSimulator, slack: RunningSlackStandin, migrated_url: str, quiet_cli_logging: None
) -> None:
    slack.rate_limit_for("chat.postMessage", seconds=30, retry_after=1)
    run = asyncio.create_task(digest_cli(sim, slack, migrated_url, wait=5))
    # The window runs from the first refusal, however long the run took to get there.
    await slack.wait_for_call("chat.postMessage", timeout=10)
    slack.rate_limit_for("chat.postMessage", seconds=0.5, retry_after=1)
    code, out, err = await run
    assert (code, err) == (0, "")
    assert out.startswith(f"digest: posted to {DIGESTS}, 2026-11-19 (Europe/Berlin): ")
    assert out.endswith("sessions, with its chart")
    assert len(posts(slack, DIGESTS)) == 1 and len(charts(slack, DIGESTS)) == 1
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]


class SlowTexts(Texts):
    async def compose(self, entry: OutboxEntry) -> Outgoing:
        await asyncio.sleep(0.15)
        return await super().compose(entry)


@SQLITE_ONLY
async def test_rows_waiting_their_turn_are_handed_back_before_their_lease_runs_out(
    store: Store, slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    worker = deliverer(store, slack, session, SlowTexts(), lease=timedelta(seconds=0.4))
    ids = [
        await store.outbox.enqueue(
            Owed("test.post", f"s{n}", "C0GENERAL1", {"text": f"m{n}"}), at=datetime.now(UTC)
        )
        for n in range(4)
    ]
    assert await worker.run_once() == 4
    entries = [await store.outbox.get(i) for i in ids]
    states = [(e.status, e.ambiguous) for e in entries if e is not None]
    sent = states.count(("sent", False))
    # Those that fit in half the lease went; the others are due again at once, untried and
    # not ambiguous (two fit here; fewer on a busy machine, never all four).
    assert 1 <= sent < 4
    assert states == [("sent", False)] * sent + [("pending", False)] * (4 - sent)
    while await worker.run_once():
        pass
    assert texts(slack, "C0GENERAL1") == ["m0", "m1", "m2", "m3"]


class RecordFailsOnce(Texts):
    """The record that goes with `mark_sent` fails once, as when the database stops right
    after Slack took the message: the whole transaction rolls back."""

    async def sent(
        self, connection: AsyncConnection, entry: OutboxEntry, channel: str, ts: str | None
    ) -> None:
        if not self.recorded:
            self.recorded.append((entry.id, "failed", None))
            raise ConnectionError("the database went away")
        await super().sent(connection, entry, channel, ts)


@SQLITE_ONLY
async def test_a_send_the_database_never_heard_of_is_adopted_after_the_lease(
    store: Store, slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    composer = RecordFailsOnce()
    first = deliverer(
        store, slack, session, composer, owner="replica-a", lease=timedelta(seconds=0.3)
    )
    entry_id = await store.outbox.enqueue(
        Owed("test.post", "request-5", "C0GENERAL1", {"text": "applied"}), at=datetime.now(UTC)
    )
    assert await first.run_once() == 1
    assert texts(slack, "C0GENERAL1") == ["applied"]
    left = await store.outbox.get(entry_id)
    assert left is not None and left.status == "pending"  # Slack has it; the row does not know
    # Until the lease runs out nobody takes it; then another replica does, and looks first.
    second = deliverer(store, slack, session, composer, owner="replica-b")
    assert await second.run_once() == 0
    await asyncio.sleep(0.35)
    assert await second.run_once() == 1
    entry = await store.outbox.get(entry_id)
    assert entry is not None and (entry.status, entry.ambiguous) == ("sent", True)
    [message] = slack.channel_messages("C0GENERAL1")
    assert entry.sent_ts == message["ts"]
    assert texts(slack, "C0GENERAL1") == ["applied"]
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert composer.recorded[-1] == (entry_id, "C0GENERAL1", message["ts"])


async def test_the_app_client_does_not_complete_an_upload_twice(
    slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    client = AsyncWebClient(
        token=TOKEN, base_url=slack.api_url, session=session, retry_handlers=slack_retry_handlers()
    )
    slack.drop_after_accepting("files.completeUploadExternal")
    with pytest.raises(aiohttp.ClientError):
        await client.files_upload_v2(
            channel="C0GENERAL1", file=b"\x89PNG not really", filename="c.png", title="c"
        )
    shared = [f for f in slack.files.values() if f.completed and f.channel_id == "C0GENERAL1"]
    assert len(shared) == 1
    assert len(slack.calls_to("files.completeUploadExternal")) == 1


@SQLITE_ONLY
async def test_wait_delivered_gives_up_at_its_timeout(
    store: Store, slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    worker = deliverer(store, slack, session, Texts())
    entry_id = await store.outbox.enqueue(
        Owed("test.post", "s", "C0GENERAL1", {"text": "later"}),
        at=datetime.now(UTC),
    )
    # Nobody runs the deliverer: the row stays owed, and the wait says so in time.
    started = time.monotonic()
    assert await worker.wait_delivered(entry_id, timeout=0.2) is None
    assert 0.2 <= time.monotonic() - started < 1.0
    assert await worker.wait_delivered(10_000, timeout=0.2) is None  # no such row
