"""The store's tables (SQLAlchemy 2 declarative). Migrations must produce exactly this:
tests/test_store_migrations.py compares them on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names fixed by rule, so both databases name them alike and a later migration
# can drop one by name.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

APPROVAL_STATUSES = (
    "pending",
    "approved",
    "rejected",
    "expired",
    "applying",
    "applied",
    "failed",
    "stale",
)

OUTBOX_STATUSES = ("pending", "sent", "undelivered", "dropped")

# Slack ids are about 11 characters; room ids are UUIDs; names have provider limits.
SLACK_ID = 64
ROOM_ID = 64
NAME = 255
REQUEST_ID = 36


def as_utc(value: datetime) -> datetime:
    """`value` in UTC; a naive datetime is refused: it is ambiguous (local? UTC?)."""
    if value.tzinfo is None:
        raise ValueError("the store takes timezone-aware datetimes only")
    return value.astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC and gives back aware UTC datetimes, on PostgreSQL (timestamptz) and on
    SQLite (which keeps no zone: the stored text is UTC by this rule)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ApprovalRequestRow(Base):
    __tablename__ = "approval_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in APPROVAL_STATUSES) + ")",
            name="status",
        ),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index(None, "status", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(REQUEST_ID), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    room_id: Mapped[str] = mapped_column(String(ROOM_ID), index=True)
    room_name: Mapped[str] = mapped_column(String(NAME))
    requester: Mapped[str] = mapped_column(String(SLACK_ID))
    # [{"field": ..., "old": ..., "new": ...}, ...] in the order they were asked for.
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decider: Mapped[str | None] = mapped_column(String(SLACK_ID))
    # When the current attempt to apply began: an old one with status 'applying' is an
    # attempt whose process died mid-way, which another replica may take over.
    apply_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    message_channel: Mapped[str | None] = mapped_column(String(SLACK_ID))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    failure_reason: Mapped[str | None] = mapped_column(Text)


class AuditEventRow(Base):
    __tablename__ = "audit_events"

    # BIGINT on PostgreSQL; SQLite numbers rows only through INTEGER PRIMARY KEY.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(SLACK_ID))
    action: Mapped[str] = mapped_column(String(32))
    # No foreign key: the audit outlives whatever it mentions and must never block a write.
    request_id: Mapped[str | None] = mapped_column(String(REQUEST_ID), index=True)
    room_id: Mapped[str | None] = mapped_column(String(ROOM_ID), index=True)
    room_name: Mapped[str | None] = mapped_column(String(NAME))
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)


class SeenDeliveryRow(Base):
    __tablename__ = "seen_deliveries"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class DigestClaimRow(Base):
    __tablename__ = "digest_claims"

    channel: Mapped[str] = mapped_column(String(SLACK_ID), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_until: Mapped[datetime] = mapped_column(UtcDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))


class DigestSubscriptionRow(Base):
    __tablename__ = "digest_subscriptions"

    channel: Mapped[str] = mapped_column(String(SLACK_ID), primary_key=True)
    post_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(SLACK_ID))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutboxRow(Base):
    """One Slack message RoomOps owes (bot/store/outbox.py)."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in OUTBOX_STATUSES) + ")",
            name="status",
        ),
        CheckConstraint("attempts >= 0", name="attempts"),
        # What a deliverer looks for: pending rows by due time.
        Index(None, "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(NAME), index=True)
    channel: Mapped[str] = mapped_column(String(SLACK_ID))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    ambiguous: Mapped[bool] = mapped_column(Boolean)
    # The deliverer holding the row, until `lease_until`; a lease that runs out makes the
    # row due again (and ambiguous: its holder may have sent it before it stopped).
    owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_channel: Mapped[str | None] = mapped_column(String(SLACK_ID))
    sent_ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
