"""Scripted failures for the simulator: error statuses, stalls and dropped connections."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, get_args

FaultKind = Literal["status", "stall", "drop", "body"]
_KINDS: frozenset[str] = frozenset(get_args(FaultKind))


@dataclass(frozen=True)
class Fault:
    """One scripted failure, applied to the next `times` matching /api requests.

    kind: "status" answers `status` (with Retry-After when `retry_after` is set),
    "stall" sleeps `seconds` and then answers normally, "drop" closes the connection
    without a response, "body" answers `status` with `body` verbatim as application/json
    (for malformed or unexpected payloads). `method` and `path_prefix` narrow which
    requests it hits.
    """

    kind: FaultKind
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0
    times: int = 1
    method: str | None = None
    path_prefix: str | None = None
    body: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {sorted(_KINDS)}")
        if not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status code (100..599)")
        if self.times < 1:
            raise ValueError("times must be >= 1")
        if self.seconds < 0:
            raise ValueError("seconds must be >= 0")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after must be >= 0")

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_prefix is None or path.startswith(self.path_prefix)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_FIELD_TYPES: Mapping[str, tuple[type, ...]] = {
    "kind": (str,),
    "status": (int,),
    "retry_after": (int, float, type(None)),
    "seconds": (int, float),
    "times": (int,),
    "method": (str, type(None)),
    "path_prefix": (str, type(None)),
    "body": (str, type(None)),
}


def fault_from_json(raw: object) -> Fault:
    """Build a Fault from decoded JSON, with a ValueError naming the first bad field."""
    if not isinstance(raw, dict):
        raise ValueError("each fault must be a JSON object")
    known = {f.name for f in fields(Fault)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"unknown fault field(s): {', '.join(unknown)}")
    if "kind" not in raw:
        raise ValueError("kind is required")
    for name, value in raw.items():
        # bool is an int subclass; a JSON true is never a valid count or status.
        if isinstance(value, bool) or not isinstance(value, _FIELD_TYPES[name]):
            raise ValueError(f"{name} has the wrong type")
    return Fault(**raw)


@dataclass
class _Pending:
    fault: Fault
    remaining: int


class FaultPlan:
    """Pending faults, consumed in order by the requests they match.

    A request takes the first pending fault that matches it; each fault is used `times`
    times and then dropped. Safe to steer from another thread than the server's.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._pending.append(_Pending(fault, fault.times))

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first pending fault matching this request, if any."""
        with self._lock:
            for position, entry in enumerate(self._pending):
                if entry.fault.matches(method, path):
                    entry.remaining -= 1
                    if entry.remaining == 0:
                        del self._pending[position]
                    return entry.fault
        return None

    def pending(self) -> list[tuple[Fault, int]]:
        """Pending faults with their remaining uses, in order."""
        with self._lock:
            return [(entry.fault, entry.remaining) for entry in self._pending]

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)
