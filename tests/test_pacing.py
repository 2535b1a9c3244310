"""Work after ack() waits for a burst's acknowledgements, but never longer than `longest`."""

from __future__ import annotations

from collections.abc import Callable

from bot.slack.pacing import AckFirst


class FakeTime:
    """A clock that moves only when someone sleeps, plus what happens at given times."""

    def __init__(self) -> None:
        self.now = 100.0
        self.events: list[tuple[float, Callable[[], None]]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        assert seconds > 0
        target = self.now + seconds
        for at, event in sorted(self.events, key=lambda e: e[0]):
            if self.now < at <= target:
                self.now = at
                event()
        self.now = target


async def test_work_starts_at_once_when_nothing_is_arriving() -> None:
    time = FakeTime()
    pacing = AckFirst(quiet=0.06, longest=0.3, clock=time.clock, sleep=time.sleep)
    pacing.arrived()
    time.now += 1.0
    await pacing.turn()
    assert time.now == 101.0


async def test_a_request_that_came_alone_is_worked_on_at_once() -> None:
    time = FakeTime()
    pacing = AckFirst(quiet=0.06, longest=0.3, clock=time.clock, sleep=time.sleep)
    pacing.arrived()
    time.now += 0.001
    await pacing.turn()
    assert time.now == 100.001


async def test_work_waits_until_arrivals_pause() -> None:
    time = FakeTime()
    pacing = AckFirst(quiet=0.06, longest=0.3, clock=time.clock, sleep=time.sleep)
    pacing.arrived()
    time.now += 0.005
    pacing.arrived()  # a second request 5 ms later: a burst has begun
    # More requests 10 ms apart for 100 ms, then none.
    time.events = [(100.005 + 0.01 * i, pacing.arrived) for i in range(1, 11)]
    await pacing.turn()
    assert abs(time.now - (100.105 + 0.06)) < 1e-9


async def test_a_steady_stream_still_gets_its_work_done_after_the_longest_wait() -> None:
    time = FakeTime()
    pacing = AckFirst(quiet=0.06, longest=0.3, clock=time.clock, sleep=time.sleep)
    pacing.arrived()
    time.now += 0.005
    pacing.arrived()
    time.events = [(100.005 + 0.01 * i, pacing.arrived) for i in range(1, 1000)]
    await pacing.turn()
    assert abs(time.now - 100.305) < 1e-9
