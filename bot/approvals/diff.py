"""What a request changes, and what is left to do when it is applied (pure).

Values are compared as the API writes them (JSON, times in UTC to the second), and by
type: `true` is not `1`, whatever Python thinks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.approvals.model import FieldChange
from bot.providers.catalogue import Catalogue, FieldValue, JsonValue, format_instant
from bot.providers.models import Room


def current_value(room: Room, field: str) -> JsonValue:
    """The room's value of a catalogue field, in the form a request stores it.

    A provider's own fields (Telnyx's `unique_name`, ...) are the Room's extras, which
    `getattr` reads like declared fields; a field the room lacks reads as None."""
    value: Any = getattr(room, field, None)
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, dict):
        return dict(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def current_values(room: Room, catalogue: Catalogue) -> dict[str, JsonValue]:
    return {field: current_value(room, field) for field in catalogue.fields}


def same(a: JsonValue, b: JsonValue) -> bool:
    return _canonical(a) == _canonical(b)


def changes_for(room: Room, requested: Mapping[str, FieldValue]) -> tuple[FieldChange, ...]:
    """The requested fields whose value differs from the room's, in the order asked."""
    changes = []
    for field, new in requested.items():
        old = current_value(room, field)
        if not same(old, new):
            changes.append(FieldChange(field=field, old=old, new=new))
    return tuple(changes)


@dataclass(frozen=True)
class StaleField:
    """A field someone changed after the request was made: what it was, what it is now."""

    field: str
    was: JsonValue
    now: JsonValue
    wanted: JsonValue


@dataclass(frozen=True)
class ApplyPlan:
    """What applying a request comes to, read against the room as it is now."""

    send: dict[str, JsonValue]  # fields still at their old value: the one PUT's body
    already: tuple[str, ...]  # fields already at the requested value (a PUT that landed)
    stale: tuple[StaleField, ...]  # fields changed to something else since the request

    @property
    def is_stale(self) -> bool:
        return bool(self.stale)


def plan_apply(changes: Sequence[FieldChange], room: Room) -> ApplyPlan:
    """Stale if any field moved away from both its old and its requested value; otherwise
    send the fields still at their old value (none, when an earlier PUT already landed)."""
    send: dict[str, JsonValue] = {}
    already: list[str] = []
    stale: list[StaleField] = []
    for change in changes:
        now = current_value(room, change.field)
        if same(now, change.old):
            send[change.field] = change.new
        elif same(now, change.new):
            already.append(change.field)
        else:
            stale.append(StaleField(change.field, change.old, now, change.new))
    return ApplyPlan(send, tuple(already), tuple(stale))


def _canonical(value: JsonValue) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
