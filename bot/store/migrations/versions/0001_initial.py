"""Approval requests, audit events, seen deliveries, digest claims and subscriptions.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc() -> sa.DateTime:
    # The models' UtcDateTime stores through this type; migrations keep to plain SQLAlchemy
    # types so that later changes to the models never change what an old revision does.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("room_name", sa.String(length=255), nullable=False),
        sa.Column("requester", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("decided_at", _utc(), nullable=True),
        sa.Column("decider", sa.String(length=64), nullable=True),
        sa.Column("apply_started_at", _utc(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("finished_at", _utc(), nullable=True),
        sa.Column("message_channel", sa.String(length=64), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'expired', "
            "'applying', 'applied', 'failed', 'stale')",
            name=op.f("ck_approval_requests_status"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_approval_requests_attempts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_requests")),
    )
    op.create_index(op.f("ix_approval_requests_room_id"), "approval_requests", ["room_id"])
    op.create_index(
        op.f("ix_approval_requests_status_expires_at"),
        "approval_requests",
        ["status", "expires_at"],
    )

    op.create_table(
        "audit_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=True),
        sa.Column("room_id", sa.String(length=64), nullable=True),
        sa.Column("room_name", sa.String(length=255), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])
    op.create_index(op.f("ix_audit_events_request_id"), "audit_events", ["request_id"])
    op.create_index(op.f("ix_audit_events_room_id"), "audit_events", ["room_id"])

    op.create_table(
        "seen_deliveries",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("seen_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_seen_deliveries")),
    )
    op.create_index(op.f("ix_seen_deliveries_seen_at"), "seen_deliveries", ["seen_at"])

    op.create_table(
        "digest_claims",
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("claimed_at", _utc(), nullable=False),
        sa.Column("lease_until", _utc(), nullable=False),
        sa.Column("posted_at", _utc(), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("channel", "day", name=op.f("pk_digest_claims")),
    )

    op.create_table(
        "digest_subscriptions",
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("post_time", sa.Time(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_digest_subscriptions")),
    )


def downgrade() -> None:
    op.drop_table("digest_subscriptions")
    op.drop_table("digest_claims")
    op.drop_index(op.f("ix_seen_deliveries_seen_at"), table_name="seen_deliveries")
    op.drop_table("seen_deliveries")
    op.drop_index(op.f("ix_audit_events_room_id"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_request_id"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_at"), table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index(op.f("ix_approval_requests_status_expires_at"), table_name="approval_requests")
    op.drop_index(op.f("ix_approval_requests_room_id"), table_name="approval_requests")
    op.drop_table("approval_requests")
