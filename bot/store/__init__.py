"""The store: approvals, audit, delivery keys and digest bookkeeping in SQLite or PostgreSQL
(SQLAlchemy 2 async, Alembic migrations shipped in `migrations/`)."""

from bot.owed import Owed
from bot.store.approvals import (
    ApprovalRequest,
    Approvals,
    ApprovalStatus,
    FieldChange,
    NewApproval,
)
from bot.store.audit import Audit, AuditEvent, NewAuditEvent
from bot.store.deliveries import StoreDeliveries
from bot.store.digests import DigestClaim, Digests, Subscription
from bot.store.errors import DatabaseUnavailable, DatabaseUrlError, SchemaOutOfDate, StoreError
from bot.store.migrate import migrate
from bot.store.outbox import Outbox, OutboxEntry
from bot.store.store import Store, open_store
from bot.store.urls import normalise_database_url

__all__ = [
    "ApprovalRequest",
    "ApprovalStatus",
    "Approvals",
    "Audit",
    "AuditEvent",
    "DatabaseUnavailable",
    "DatabaseUrlError",
    "DigestClaim",
    "Digests",
    "FieldChange",
    "NewApproval",
    "NewAuditEvent",
    "Outbox",
    "OutboxEntry",
    "Owed",
    "SchemaOutOfDate",
    "Store",
    "StoreDeliveries",
    "StoreError",
    "Subscription",
    "migrate",
    "normalise_database_url",
    "open_store",
]
