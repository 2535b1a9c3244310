"""What RoomOps owes Slack, as domain code states it: the outbox stores it (bot/store/outbox.py)
and a deliverer sends it (bot/services/delivery.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Owed:
    """One Slack message RoomOps owes."""

    # "approval.post" | "approval.update" | "approval.notify" | "digest.post" | "digest.chart"
    kind: str
    # What it belongs to: an approval request id, "digest:C…:2026-11-20".
    subject: str
    # A channel id, or a user id for a direct message.
    channel: str
    # JSON: what the kind's composer needs beyond the subject.
    payload: Mapping[str, Any] = field(default_factory=dict)
