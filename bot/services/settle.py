"""Approvals this process could not record because the database stopped answering.

An approval whose decision or outcome could not be stored is remembered here (its request id,
and the attempt to apply this process owned, if any), and settled as soon as the database
answers again rather than when TAKE_OVER_AFTER has passed: this process knows its attempt
has ended, so no live owner can be cut off. Settling re-reads the room first, so a change
that reached the provider counts as applied and is never sent twice.
"""

from __future__ import annotations


class Unsettled:
    def __init__(self) -> None:
        self._attempts: dict[str, int | None] = {}

    def remember(self, request_id: str, attempt: int | None) -> None:
        """`attempt`: the attempt to apply this process owned when it lost the database;
        None when it had only approved (no attempt begun that it knows of)."""
        self._attempts[request_id] = attempt

    def forget(self, request_id: str) -> None:
        self._attempts.pop(request_id, None)

    def items(self) -> list[tuple[str, int | None]]:
        return list(self._attempts.items())

    def __len__(self) -> int:
        return len(self._attempts)
