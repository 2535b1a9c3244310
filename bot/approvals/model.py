"""An approval request as the workflow, the store and the renderers see it (pure: no I/O).

The store (bot/store/approvals.py) keeps these; the life of a request is described there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.providers.catalogue import JsonValue


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    APPLYING = "applying"
    APPLIED = "applied"
    FAILED = "failed"
    STALE = "stale"


DECISIONS = frozenset({ApprovalStatus.APPROVED, ApprovalStatus.REJECTED})
# Where nothing more will happen (a failed request can still be retried by a person).
FINAL = frozenset(
    {
        ApprovalStatus.REJECTED,
        ApprovalStatus.EXPIRED,
        ApprovalStatus.APPLIED,
        ApprovalStatus.STALE,
    }
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: JsonValue
    new: JsonValue


@dataclass(frozen=True)
class NewApproval:
    provider: str
    room_id: str
    room_name: str
    requester: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class ApprovalRequest:
    id: str
    provider: str
    room_id: str
    room_name: str
    requester: str
    changes: tuple[FieldChange, ...]
    status: ApprovalStatus
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None
    decider: str | None
    apply_started_at: datetime | None
    attempts: int
    finished_at: datetime | None
    message_channel: str | None
    message_ts: str | None
    failure_reason: str | None
