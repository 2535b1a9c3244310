"""Acknowledgements before work: under a burst, the work after ack() waits its turn.

Slack wants every request acknowledged within 3 s, and an ack costs little CPU while the
work after it (provider calls, rendering, replies) costs more. They share one event loop,
so in a burst the work of the first requests delays the acks of the last ones. While
requests arrive less than `quiet` apart, work starts once they pause for `quiet`, or after
`longest` at most, so a steady stream still gets its replies. A request that came alone
is worked on at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# Longer than Bolt's 10 ms polling for an acknowledgement, so that the last requests of a
# burst are answered before the work starts (measured in bench/README.md).
QUIET_SECONDS = 0.06
LONGEST_WAIT_SECONDS = 0.3


class AckFirst:
    def __init__(
        self,
        *,
        quiet: float = QUIET_SECONDS,
        longest: float = LONGEST_WAIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._quiet = quiet
        self._longest = longest
        self._clock = clock
        self._sleep = sleep
        self._last_arrival = float("-inf")
        self._gap = float("inf")  # between the last two arrivals

    def arrived(self) -> None:
        """A request came in (called before it is acknowledged)."""
        now = self._clock()
        self._gap = now - self._last_arrival
        self._last_arrival = now

    async def turn(self) -> None:
        """Return when work may start: requests have paused, or it has waited long enough."""
        deadline = self._clock() + self._longest
        while True:
            now = self._clock()
            quiet_at = self._last_arrival + self._quiet
            in_burst = self._gap < self._quiet
            if not in_burst or now >= quiet_at or now >= deadline:
                return
            await self._sleep(min(quiet_at, deadline) - now)
