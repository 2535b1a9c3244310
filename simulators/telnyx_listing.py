"""Which dataset sessions a Telnyx session listing holds, page by page, newest first.

Telnyx pages are numbered and every page reports `total_results`, so a listing must know
its size. The dataset's sessions are indexed newest first by start time (= created_at), so
a date filter is an index range found by binary search; `updated_at` and `ended_at` lie at
most `MAX_DURATION_SECONDS` after the start, which bounds their ranges the same way. Only a
room or state filter inside a range needs a walk, done once per listing: its count and a
bounded set of page starts are cached (sessions never change), so later pages start where
they begin instead of walking again from the newest session.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from simulators.dataset import (
    MAX_DURATION_SECONDS,
    SessionFilter,
    SessionStatus,
    SimulatorDataset,
    scan_forward,
)
from simulators.telnyx_query import DateBounds, SessionFilters
from simulators.telnyx_wire import deleted_room_name

Predicate = Callable[[int], bool]
CACHED_LISTINGS: Final = 64
MAX_CHECKPOINTS: Final = 1024


@dataclass(frozen=True)
class Selection:
    """The index range [low, high) worth scanning, and the test each index must pass."""

    low: int
    high: int
    matches: Predicate | None  # None: every index in the range matches


def _timestamp(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def _first_starting_before(dataset: SimulatorDataset, ts: int, low: int, high: int) -> int:
    """First index in [low, high) whose session starts before `ts` (or `high`)."""
    # start_ts never increases with the index, so `start < ts` is False...False, True...True.
    return (
        bisect.bisect_left(range(low, high), True, key=lambda index: dataset.start_ts(index) < ts)
        + low
    )


def _narrow(
    dataset: SimulatorDataset, low: int, high: int, bounds: DateBounds, lead: int
) -> tuple[int, int]:
    """Keep the sessions that may have a timestamp inside `bounds`, given that it falls
    between their start and `lead` seconds after it."""
    start, end = (_timestamp(moment) for moment in bounds.window())
    if end is not None:
        low = max(low, _first_starting_before(dataset, end, low, high))
    if start is not None:
        high = min(high, _first_starting_before(dataset, start - lead, low, high))
    return low, max(low, high)


def _dataset_filter(dataset: SimulatorDataset, filters: SessionFilters) -> SessionFilter:
    room_id, room_name = filters.room_id, None
    if room_id is not None:
        room_name = deleted_room_name(dataset.seed, room_id)
        if room_name is not None:
            room_id = None  # an ad-hoc room in the dataset, found by its name
    status: SessionStatus | None = None
    if filters.active is not None:
        status = "in-progress" if filters.active else "completed"
    return SessionFilter(room_id=room_id, room_name=room_name, status=status)


def _ended_ts(dataset: SimulatorDataset, index: int) -> int | None:
    if dataset.is_in_progress(index):
        return None
    start = dataset.start_ts(index)
    return start + dataset.planned_duration(index, start)


def _updated_ts(dataset: SimulatorDataset, index: int) -> int:
    """An active session was last updated when it started; an ended one when it ended."""
    ended = _ended_ts(dataset, index)
    return dataset.start_ts(index) if ended is None else ended


def _within(bounds: DateBounds) -> Callable[[int | None], bool]:
    start, end = (_timestamp(moment) for moment in bounds.window())

    def test(ts: int | None) -> bool:
        if ts is None:
            return False
        return (start is None or ts >= start) and (end is None or ts < end)

    return test


def select(dataset: SimulatorDataset, filters: SessionFilters) -> Selection:
    """The range and per-index test for `filters`; costs O(log n) calls, no walk."""
    wanted = _dataset_filter(dataset, filters)
    low, high = 0, dataset.scan_end(wanted)
    low, high = _narrow(dataset, low, high, filters.created, 0)
    tests: list[Predicate] = []
    base = dataset.session_predicate(wanted)
    if base is not None:
        tests.append(base)
    if filters.updated.bounded:
        low, high = _narrow(dataset, low, high, filters.updated, MAX_DURATION_SECONDS)
        updated_ok = _within(filters.updated)
        tests.append(lambda index: updated_ok(_updated_ts(dataset, index)))
    if filters.ended.bounded:
        low, high = _narrow(dataset, low, high, filters.ended, MAX_DURATION_SECONDS)
        ended_ok = _within(filters.ended)
        tests.append(lambda index: ended_ok(_ended_ts(dataset, index)))
    if not tests:
        return Selection(low, high, None)
    if len(tests) == 1:
        return Selection(low, high, tests[0])
    return Selection(low, high, lambda index: all(test(index) for test in tests))


@dataclass
class _Walk:
    """One full walk of a filtered listing: its size and where some of its pages start."""

    total: int
    stride: int  # checkpoints[k] is where page k * stride (0-based) begins
    checkpoints: list[int]


def _walk(selection: Selection, page_size: int) -> _Walk:
    assert selection.matches is not None
    matches = selection.matches
    total, stride, checkpoints = 0, 1, []
    for index in range(selection.low, selection.high):
        if not matches(index):
            continue
        if total % (stride * page_size) == 0:
            checkpoints.append(index)
            if len(checkpoints) > MAX_CHECKPOINTS:
                # Keep every other page start: memory stays bounded, a page scans further.
                checkpoints = checkpoints[::2]
                stride *= 2
        total += 1
    return _Walk(total, stride, checkpoints)


class SessionIndex:
    """Pages of a dataset's sessions for Telnyx filters; remembers recent listings' walks."""

    def __init__(self, dataset: SimulatorDataset) -> None:
        self.dataset = dataset
        self._walks: OrderedDict[tuple[SessionFilters, int], _Walk] = OrderedDict()

    def page(self, filters: SessionFilters, number: int, size: int) -> tuple[list[int], int]:
        """Session indexes on page `number` (1-based) of `size`, and the listing's total."""
        selection = select(self.dataset, filters)
        offset = (number - 1) * size
        if selection.matches is None:
            total = selection.high - selection.low
            first = selection.low + offset
            return list(range(first, min(first + size, selection.high))), total
        walk = self._walk_for(filters, selection, size)
        if offset >= walk.total:
            return [], walk.total
        checkpoint = (number - 1) // walk.stride
        skip = offset - checkpoint * walk.stride * size
        found, _ = scan_forward(
            selection.matches, walk.checkpoints[checkpoint], selection.high, skip + size
        )
        return found[skip:], walk.total

    def newest(self, filters: SessionFilters, limit: int) -> list[int]:
        """The first `limit` matches, without counting the rest."""
        selection = select(self.dataset, filters)
        found, _ = scan_forward(selection.matches, selection.low, selection.high, limit)
        return found

    def _walk_for(self, filters: SessionFilters, selection: Selection, size: int) -> _Walk:
        key = (filters, size)
        walk = self._walks.get(key)
        if walk is None:
            walk = _walk(selection, size)
            self._walks[key] = walk
            while len(self._walks) > CACHED_LISTINGS:
                self._walks.popitem(last=False)
        else:
            self._walks.move_to_end(key)
        return walk
