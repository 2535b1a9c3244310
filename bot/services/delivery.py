"""The deliverer: sends what the outbox says RoomOps owes Slack, and records what happened.

One per process (built in bot/app.py; the digest CLI runs one inline). It claims due rows,
asks the row kind's composer what to send, sends it, and records the outcome in the row:

- Slack took it: sent (with the channel and ts, and whatever the composer records with it).
- Slack refused it for good (channel_not_found, not_in_channel, invalid_blocks, ...):
  undelivered at once, with Slack's error, and one log line.
- Anything else (429, 5xx, a dropped connection, a timeout): tried again later, after
  Slack's Retry-After or an exponential, jittered backoff, until `give_up_after` from the
  row's creation; then undelivered, with one log line.

A post whose earlier try may have reached Slack (a connection dropped or timed out after
sending, a 5xx, a lease that ran out) is looked for first: every post carries message
metadata naming its row, and `conversations.history` finds it; a post found is adopted
instead of posted again. Edits (`chat.update`) are idempotent and retried freely.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.ids import is_user_id
from bot.services.slack_port import SlackAnswered, SlackPort, SlackUnreachable
from bot.store.outbox import PENDING, Outbox, OutboxEntry

log = logging.getLogger("bot.delivery")

# The message metadata every post carries, so a later try can find it.
EVENT_TYPE = "roomops_outbox"
POLL_SECONDS = 1.0
GIVE_UP_AFTER = timedelta(days=1)
# Longer than any one send (the Slack client's timeout is 10 s, a 429 it waits out 30 s).
LEASE = timedelta(seconds=120)
BATCH = 20
BACKOFF_FIRST = timedelta(seconds=2)
BACKOFF_CAP = timedelta(minutes=10)
# The look for an earlier post starts this long before the row was written: Slack's clock
# and ours may differ a little.
LOOKUP_MARGIN = timedelta(minutes=5)
LOOKUP_PAGES = 5
# Finished rows are kept this long (what was sent or given up on, for `/rooms approvals`
# and a look back), and forgotten at most this often.
KEEP_FINISHED = timedelta(days=30)
PRUNE_EVERY = timedelta(hours=1)
LOOKUP_PAGE_SIZE = 200

# Slack errors that say "not now" rather than "never": tried again until give_up_after.
# Server-side trouble, and the app's own credentials (an operator fixes a token or a
# scope and restarts; what was owed meanwhile still goes out).
TRANSIENT_ERRORS = frozenset(
    {
        "ratelimited",
        "rate_limited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "team_access_not_granted",
    }
)
# Of those, the ones after which Slack may have done the work anyway.
UNCERTAIN_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


# -- what a composer answers ------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """chat.postMessage; the deliverer adds the metadata that names the row."""

    channel: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    # SlackPort.post's options: unfurl_links, unfurl_media.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Update:
    """chat.update: idempotent, retried freely."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Upload:
    """files_upload_v2 (the digest chart)."""

    channel: str
    filename: str
    title: str
    alt_text: str
    content: bytes


class Defer:
    """Not yet (e.g. an edit whose message is not posted yet): try again soon."""

    def __init__(self, seconds: float = 1.0) -> None:
        self.seconds = seconds

    def __repr__(self) -> str:
        return f"Defer({self.seconds})"


Outgoing = Post | Update | Upload | Defer | None  # None: nothing to send any more (drop)


class Composer(Protocol):
    async def compose(self, entry: OutboxEntry) -> Outgoing: ...

    async def sent(
        self, connection: AsyncConnection, entry: OutboxEntry, channel: str, ts: str | None
    ) -> None:
        """Record, in the same transaction that marks the row sent, what the message is
        (e.g. set the approval request's message channel and ts)."""


class GivesUp(Protocol):
    """A composer that also wants to know when its row is given up on (optional)."""

    async def undelivered(
        self, connection: AsyncConnection, entry: OutboxEntry, error: str
    ) -> None:
        """Runs in the transaction that marks the row undelivered."""


# -- what went wrong, decided once (pure) -----------------------------------------------------


@dataclass(frozen=True)
class Failure:
    error: str  # Slack's error code, "HTTP 503", or the connection problem's name
    final: bool  # Slack said never: do not try again
    ambiguous: bool  # Slack may have taken it
    retry_after: float | None = None  # Slack's Retry-After, seconds


def classify(exc: BaseException) -> Failure:
    """What an exception from a Slack call (bot/services/slack_port.py) means for the row.
    Never carries a token: only an error code, a status or an exception's type name."""
    if isinstance(exc, SlackAnswered):
        status = exc.status
        if status == 429:
            return Failure("ratelimited", False, False, exc.retry_after)
        if status is not None and status >= 500:
            return Failure(f"HTTP {status}", False, True, exc.retry_after)
        code = exc.error
        if status == 200 and code:
            return Failure(code, code not in TRANSIENT_ERRORS, code in UNCERTAIN_ERRORS)
        if status == 408:
            return Failure("HTTP 408", False, True)
        if status is not None:
            return Failure(f"HTTP {status}" + (f" {code}" if code else ""), True, False)
        return Failure("unreadable answer", False, True)
    if isinstance(exc, SlackUnreachable):
        # The request may have reached Slack before the answer was lost.
        return Failure(f"connection: {exc.reason}", False, True)
    return Failure(type(exc).__name__, False, True)


def backoff(
    attempts: int,
    *,
    first: timedelta = BACKOFF_FIRST,
    cap: timedelta = BACKOFF_CAP,
    rng: Callable[[], float] = random.random,
) -> timedelta:
    """The wait after the `attempts`-th failed try: doubling from `first` up to `cap`, each
    between half and all of that (jitter: replicas that failed together spread out)."""
    exponent = min(max(attempts - 1, 0), 30)
    full = min(first.total_seconds() * 2**exponent, cap.total_seconds())
    return timedelta(seconds=full * (0.5 + rng() / 2))


# -- the deliverer -----------------------------------------------------------------------------


class Deliverer:
    def __init__(
        self,
        *,
        outbox: Outbox,
        slack: SlackPort,
        composers: Mapping[str, Composer],
        clock: Callable[[], datetime],
        owner: str,
        poll_seconds: float = POLL_SECONDS,
        give_up_after: timedelta = GIVE_UP_AFTER,
        lease: timedelta = LEASE,
        batch: int = BATCH,
        backoff_first: timedelta = BACKOFF_FIRST,
        backoff_cap: timedelta = BACKOFF_CAP,
        lookup_margin: timedelta = LOOKUP_MARGIN,
        rng: Callable[[], float] = random.random,
        keep_finished: timedelta = KEEP_FINISHED,
    ) -> None:
        self.outbox = outbox
        self.keep_finished = keep_finished
        self._next_prune: datetime | None = None
        self.slack = slack
        self.composers = dict(composers)
        self.clock = clock
        self.owner = owner
        self.poll_seconds = poll_seconds
        self.give_up_after = give_up_after
        self.lease = lease
        self.batch = batch
        self.backoff_first = backoff_first
        self.backoff_cap = backoff_cap
        self.lookup_margin = lookup_margin
        self._rng = rng
        self._wake = asyncio.Event()
        self._recorded = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._unreadable = False
        self._dm_channels: dict[str, str] = {}

    def register(self, kind: str, composer: Composer) -> None:
        self.composers[kind] = composer

    # -- running ---------------------------------------------------------------------------

    def poke(self) -> None:
        """This process just wrote a row: look now rather than at the next poll."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        self.launch()

    def launch(self) -> None:
        """`start` for a caller that is not a coroutine (inside the running loop)."""
        if self.running:
            return
        self._stopping = False
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="outbox-deliverer")

    async def stop(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Finish the row in hand (up to `timeout`), then stop. A row cut off mid-send
        keeps its lease, which runs out: the next deliverer looks before posting again."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                handled = await self.run_once()
            except Exception as exc:
                # The database is away, say: the rows wait in it; look again shortly, and
                # say so once per outage, not once a second.
                if not self._unreadable:
                    log.warning(
                        "the outbox could not be read (%s); trying again every %.0f s",
                        type(exc).__name__,
                        self.poll_seconds,
                    )
                self._unreadable = True
                handled = 0
            else:
                if self._unreadable:
                    log.info("the outbox can be read again")
                self._unreadable = False
            if self._stopping:
                return
            await self._maybe_prune()
            if handled >= self.batch:
                continue  # more may be due
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def _maybe_prune(self) -> None:
        now = self.clock()
        if self._next_prune is not None and now < self._next_prune:
            return
        self._next_prune = now + PRUNE_EVERY
        try:
            await self.outbox.prune(before=now - self.keep_finished)
        except Exception as exc:  # the next hour tries again; nothing depends on it
            log.warning("old outbox rows could not be pruned (%s)", type(exc).__name__)

    async def run_once(self, *, only: Collection[int] | None = None) -> int:
        """Deliver what is due now (`only`: just these rows); returns how many rows were
        handled (sent or not)."""
        entries = await self.outbox.claim_due(
            self.owner, at=self.clock(), lease=self.lease, limit=self.batch, only=only
        )
        loop = asyncio.get_running_loop()
        started = loop.time()
        for index, entry in enumerate(entries):
            # A lease must not run out while its row waits its turn (another replica would
            # take it and send it too): past half the lease, or when stopping, the rest
            # are handed back untouched.
            if self._stopping or loop.time() - started > self.lease.total_seconds() / 2:
                for rest in entries[index:]:
                    await self._record(
                        self.outbox.retry_later(
                            rest.id,
                            self.owner,
                            at=self.clock(),
                            wait=timedelta(0),
                            error=None,
                            ambiguous=False,
                        )
                    )
                break
            # In order: a digest's chart comes after its post, an edit after its message.
            await self._deliver(entry)
        return len(entries)

    async def wait_delivered(
        self,
        entry_id: int,
        timeout: float,  # noqa: ASYNC109
    ) -> OutboxEntry | None:
        """The row once it is no longer pending (sent, undelivered or dropped), or None
        when `timeout` passes first (or there is no such row)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self._recorded.clear()
            entry = await self.outbox.get(entry_id)
            if entry is None or entry.status != PENDING:
                return entry
            left = deadline - loop.time()
            if left <= 0:
                return None
            # Woken when this process records a row; another replica's work is seen by
            # looking again every so often.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._recorded.wait(), min(left, 0.1))

    # -- one row -----------------------------------------------------------------------------

    async def _deliver(self, entry: OutboxEntry) -> None:
        now = self.clock()
        if now - entry.created_at >= self.give_up_after:
            await self._give_up(entry, entry.last_error or "not delivered in time")
            return
        composer = self.composers.get(entry.kind)
        if composer is None:
            # Written by a newer release, say: leave it for a process that knows the kind.
            await self._later(entry, Failure(f"no composer for {entry.kind}", False, False))
            return
        try:
            outgoing = await composer.compose(entry)
        except Exception as exc:
            log.warning(
                "composing %s for %s failed (%s); trying again later",
                entry.kind,
                entry.subject,
                type(exc).__name__,
            )
            await self._later(entry, Failure(f"compose: {type(exc).__name__}", False, False))
            return
        if outgoing is None:
            await self._record(
                self.outbox.drop(entry.id, self.owner, at=now, why="nothing left to send")
            )
            return
        if isinstance(outgoing, Defer):
            await self._record(
                self.outbox.retry_later(
                    entry.id,
                    self.owner,
                    at=now,
                    wait=timedelta(seconds=max(outgoing.seconds, 0.0)),
                    error=None,
                    ambiguous=False,
                )
            )
            return
        try:
            channel, ts = await self._send(entry, outgoing)
        except Exception as exc:
            failure = classify(exc)
            if failure.final:
                await self._give_up(entry, failure.error)
            else:
                await self._later(entry, failure)
            return
        await self._sent(entry, composer, channel, ts)

    async def _send(
        self, entry: OutboxEntry, outgoing: Post | Update | Upload
    ) -> tuple[str, str | None]:
        if isinstance(outgoing, Update):
            channel = await self.slack.update(
                outgoing.channel, outgoing.ts, outgoing.text, blocks=outgoing.blocks
            )
            return channel or outgoing.channel, outgoing.ts
        if isinstance(outgoing, Upload):
            await self.slack.upload(
                outgoing.channel,
                content=outgoing.content,
                filename=outgoing.filename,
                title=outgoing.title,
                alt_text=outgoing.alt_text,
            )
            # A file has no ts of its own; the row records only where it went.
            return outgoing.channel, None
        if entry.ambiguous:
            found = await self._find_earlier(entry, outgoing.channel)
            if found is not None:
                log.info(
                    "%s for %s had reached Slack already (%s); adopted it, not posted again",
                    entry.kind,
                    entry.subject,
                    found[0],
                )
                return found
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"id": entry.id}}
        posted = await self.slack.post(
            outgoing.channel,
            outgoing.text,
            blocks=outgoing.blocks,
            metadata=metadata,
            **outgoing.extra,
        )
        return posted.channel or outgoing.channel, posted.ts

    async def _find_earlier(self, entry: OutboxEntry, channel: str) -> tuple[str, str] | None:
        """The post an earlier try made, by its metadata; None when there is none, or when
        Slack would not let us look (then posting again is the lesser harm: a message
        shown twice beats a message lost)."""
        try:
            where = await self._history_channel(channel)
            oldest = (entry.created_at - self.lookup_margin).timestamp()
            cursor: str | None = None
            for _ in range(LOOKUP_PAGES):
                page = await self.slack.history(
                    where,
                    oldest=f"{max(oldest, 0.0):.6f}",
                    limit=LOOKUP_PAGE_SIZE,
                    cursor=cursor,
                )
                for message in page.messages:
                    if _names_entry(message, entry.id):
                        return where, str(message["ts"])
                cursor = page.next_cursor
                if not page.has_more or not cursor:
                    return None
        except Exception as exc:
            if not isinstance(exc, SlackAnswered) or exc.status != 200:
                raise  # Slack is unwell: the post would fail too; try both again later
            # Slack answered and would not show the history (no history scope, a channel
            # the app is not in): there is no way to look, so post.
            failure = classify(exc)
            log.warning(
                "could not look for an earlier %s for %s in %s (%s); posting it again",
                entry.kind,
                entry.subject,
                channel,
                failure.error,
            )
        return None

    async def _history_channel(self, channel: str) -> str:
        """A DM is posted to the user id; its history is read from the D channel."""
        if not is_user_id(channel):
            return channel
        known = self._dm_channels.get(channel)
        if known is None:
            known = await self.slack.open_dm(channel) or channel
            self._dm_channels[channel] = known
        return known

    # -- recording ---------------------------------------------------------------------------

    async def _sent(
        self, entry: OutboxEntry, composer: Composer, channel: str, ts: str | None
    ) -> None:
        async def also(connection: AsyncConnection) -> None:
            await composer.sent(connection, entry, channel, ts)

        try:
            kept = await self.outbox.mark_sent(
                entry.id, self.owner, channel=channel, ts=ts, at=self.clock(), also=also
            )
        except Exception as exc:
            # Slack has it but the database did not take the record: the lease runs out,
            # and the next try finds the post by its metadata instead of posting again.
            log.warning(
                "%s for %s reached Slack but could not be recorded (%s); it will be "
                "looked up, not posted again",
                entry.kind,
                entry.subject,
                type(exc).__name__,
            )
            return
        finally:
            self._recorded.set()
        if not kept:
            log.warning(
                "%s for %s was sent after its lease ran out; the next holder adopts it",
                entry.kind,
                entry.subject,
            )

    async def _later(self, entry: OutboxEntry, failure: Failure) -> None:
        now = self.clock()
        deadline = entry.created_at + self.give_up_after
        if now >= deadline:
            await self._give_up(entry, failure.error)
            return
        wait = backoff(
            entry.attempts, first=self.backoff_first, cap=self.backoff_cap, rng=self._rng
        )
        if failure.retry_after is not None:
            wait = max(wait, timedelta(seconds=failure.retry_after))
        # One last try at the deadline rather than none after it.
        wait = min(wait, deadline - now)
        log.info(
            "%s for %s in %s not delivered (%s); next try in %.1f s",
            entry.kind,
            entry.subject,
            entry.channel,
            failure.error,
            wait.total_seconds(),
        )
        await self._record(
            self.outbox.retry_later(
                entry.id,
                self.owner,
                at=now,
                wait=wait,
                error=failure.error,
                ambiguous=failure.ambiguous,
            )
        )

    async def _give_up(self, entry: OutboxEntry, error: str) -> None:
        hook = getattr(self.composers.get(entry.kind), "undelivered", None)

        async def also(connection: AsyncConnection) -> None:
            if hook is not None:
                await hook(connection, entry, error)

        kept = await self._record(
            self.outbox.mark_undelivered(
                entry.id, self.owner, at=self.clock(), error=error, also=also
            )
        )
        if kept:
            log.error(
                "undelivered: %s for %s in %s (%s; %d attempt(s), owed since %s)",
                entry.kind,
                entry.subject,
                entry.channel,
                error,
                entry.attempts,
                entry.created_at.isoformat(timespec="seconds"),
            )

    async def _record(self, outcome: Any) -> bool:
        try:
            return bool(await outcome)
        except Exception as exc:
            # The lease runs out and the row is tried again: nothing is lost.
            log.warning("the outbox could not record a delivery (%s)", type(exc).__name__)
            return False
        finally:
            self._recorded.set()


def _names_entry(message: Any, entry_id: int) -> bool:
    if not isinstance(message, Mapping) or not isinstance(message.get("ts"), str):
        return False
    metadata = message.get("metadata")
    if not isinstance(metadata, Mapping) or metadata.get("event_type") != EVENT_TYPE:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, Mapping) and payload.get("id") == entry_id
