"""The bounds of every walk through a provider's pages, for both clients (pure but for the
clock and one timeout).

A provider that pages wrongly (every page the same, a `total_pages` in the millions, a next
link that leads back) must cost a bounded number of calls and a bounded time, and the
reply must say that it was cut short instead of passing a part off as the whole. A walk
ends at the first of: its page cap, its time budget, a page that brings no id it has not
seen, a page token it was given before, or a page whose own description contradicts it.
Ids are remembered as hashes of the most recent `remembered_ids`, so memory stays bounded
however long the walk; a loop longer than that still meets the page cap and the clock.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Final, TypeVar

T = TypeVar("T")


class CutReason(Enum):
    REPEATED = "repeated"
    INCONSISTENT = "inconsistent"
    PAGES = "pages"
    TIME = "time"


@dataclass(frozen=True)
class WalkCut:
    """Why and where a walk stopped before the provider said it had reached the end."""

    provider: str
    listing: str  # "room listing", "session listing", ...
    reason: CutReason
    pages: int  # pages that were read and used before the cut
    detail: str = ""
    limit: float = 0  # the cap or the budget that was reached

    def sentence(self) -> str:
        """What the reply says, e.g. "Telnyx's session listing repeated itself after 3 pages"."""
        whose = f"{self.provider}'s {self.listing}"
        after = f" after {_pages(self.pages)}" if self.pages else ""
        if self.reason is CutReason.REPEATED:
            return f"{whose} repeated itself{after}"
        if self.reason is CutReason.INCONSISTENT:
            return f"{whose} contradicted itself{after} ({self.detail})"
        if self.reason is CutReason.PAGES:
            return f"{whose} went on past {_pages(self.pages)}, RoomOps' limit"
        return f"{whose} took longer than {self.limit:g} s, RoomOps' limit{after}"


class WalkCutShort(Exception):
    """A walk ended early; what was read before it may be shown, but never as the whole."""

    def __init__(self, cut: WalkCut) -> None:
        super().__init__(cut.sentence())
        self.cut = cut


@dataclass(frozen=True)
class WalkLimits:
    pages: int = 50
    seconds: float = 20.0
    remembered_ids: int = 20_000

    def __post_init__(self) -> None:
        if self.pages < 1 or self.seconds <= 0 or self.remembered_ids < 1:
            raise ValueError("walk limits must be positive")


# A reply: well inside what someone waits for, and more pages than any listing a reply
# shows needs (5,000 rooms are 20 of Telnyx's pages).
REPLY_WALK: Final = WalkLimits()
# The digest reads a day and the day before: 200k sessions are 800 of Telnyx's pages; it
# must end well inside its claim's lease (15 minutes).
DIGEST_WALK: Final = WalkLimits(pages=5_000, seconds=600.0)


class WalkGuard:
    """One walk's bounds. `check()` before each page, `take()` after it; `nested()` for a
    walk done on the way (room names), which shares this one's clock and limits."""

    def __init__(
        self,
        provider: str,
        listing: str,
        limits: WalkLimits = REPLY_WALK,
        *,
        clock: Callable[[], float] = time.monotonic,
        deadline: float | None = None,
    ) -> None:
        self.provider = provider
        self.listing = listing
        self.limits = limits
        self._clock = clock
        self._deadline = deadline if deadline is not None else clock() + limits.seconds
        self._pages = 0
        self._recent: deque[int] = deque()
        self._seen: set[int] = set()
        self._tokens: set[str] = set()

    @property
    def pages(self) -> int:
        return self._pages

    def nested(self, listing: str) -> WalkGuard:
        return WalkGuard(
            self.provider, listing, self.limits, clock=self._clock, deadline=self._deadline
        )

    def remaining(self) -> float:
        return self._deadline - self._clock()

    def check(self) -> None:
        """Before a page: WalkCutShort when the page cap or the time budget is reached."""
        if self._pages >= self.limits.pages:
            raise WalkCutShort(self.cut(CutReason.PAGES, limit=self.limits.pages))
        if self.remaining() <= 0:
            raise WalkCutShort(self.cut(CutReason.TIME, limit=self.limits.seconds))

    def take(
        self, items: Sequence[T], id_of: Callable[[T], object], next_token: str | None = None
    ) -> tuple[list[T], WalkCut | None]:
        """After a page: the items worth keeping (those whose id this walk has not seen)
        and the cut, when the page brought no new id or names a next token given before."""
        keys = [_key(id_of(item)) for item in items]
        kept = [item for item, key in zip(items, keys, strict=True) if key not in self._seen]
        if items and not kept:
            return [], self.cut(CutReason.REPEATED)
        if not items and next_token is not None:
            return [], self.cut(CutReason.INCONSISTENT, "an empty page that says more follow")
        self._remember(key for key in keys if key is not None)
        self._pages += 1
        if next_token is not None:
            if next_token in self._tokens:
                return kept, self.cut(CutReason.REPEATED)  # new items, then back to the start
            self._tokens.add(next_token)  # few: the page cap bounds them
        return kept, None

    def cut(self, reason: CutReason, detail: str = "", *, limit: float = 0) -> WalkCut:
        return WalkCut(self.provider, self.listing, reason, self._pages, detail, limit)

    def _remember(self, hashes: Iterable[int]) -> None:
        for value in hashes:
            if value in self._seen:
                continue
            self._seen.add(value)
            self._recent.append(value)
            if len(self._recent) > self.limits.remembered_ids:
                self._seen.discard(self._recent.popleft())

    @asynccontextmanager
    async def fetching(self) -> AsyncIterator[None]:
        """Around one page's request: checked first, and cut when the budget runs out
        while it is on the way (its request is cancelled, so nothing more is asked)."""
        self.check()
        try:
            async with asyncio.timeout(self.remaining()) as budget:
                yield
        except TimeoutError:
            if budget.expired():
                raise WalkCutShort(self.cut(CutReason.TIME, limit=self.limits.seconds)) from None
            raise


def _key(value: object) -> int | None:
    """What is remembered of an id: its hash (an item without one is always new)."""
    return hash(value) if isinstance(value, str) and value else None


def _pages(count: int) -> str:
    return "1 page" if count == 1 else f"{count:,} pages"
