"""The audit trail: who did what, when, to which request and room, and how it ended.

Append-only: rows are never updated, so the trail can be trusted after the fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from bot.store.outage import bounded
from bot.store.schema import AuditEventRow, as_utc

MAX_LIST = 200


@dataclass(frozen=True)
class NewAuditEvent:
    actor: str
    action: str
    outcome: str
    request_id: str | None = None
    room_id: str | None = None
    room_name: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    actor: str
    action: str
    outcome: str
    request_id: str | None
    room_id: str | None
    room_name: str | None
    detail: str | None


class Audit:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @bounded
    async def append(self, event: NewAuditEvent, *, at: datetime) -> AuditEvent:
        row = AuditEventRow(**_columns(event, at))
        async with self._sessions.begin() as session:
            session.add(row)
            await session.flush()  # assigns the id
        return _event(row)

    async def add(self, connection: AsyncConnection, event: NewAuditEvent, *, at: datetime) -> None:
        """Append inside the caller's open transaction: the step it records commits with it,
        or neither does."""
        await connection.execute(insert(AuditEventRow).values(**_columns(event, at)))

    @bounded
    async def list_recent(self, *, room: str | None = None, limit: int = 20) -> list[AuditEvent]:
        """Newest first; `room` matches a room id, or a room name in any case."""
        statement = select(AuditEventRow)
        if room is not None:
            statement = statement.where(
                or_(
                    AuditEventRow.room_id == room,
                    func.lower(AuditEventRow.room_name) == room.lower(),
                )
            )
        statement = statement.order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc()).limit(
            max(1, min(limit, MAX_LIST))
        )
        async with self._sessions() as session:
            return [_event(row) for row in await session.scalars(statement)]

    @bounded
    async def for_request(self, request_id: str) -> list[AuditEvent]:
        """One request's trail, oldest first."""
        statement = (
            select(AuditEventRow)
            .where(AuditEventRow.request_id == request_id)
            .order_by(AuditEventRow.at.asc(), AuditEventRow.id.asc())
        )
        async with self._sessions() as session:
            return [_event(row) for row in await session.scalars(statement)]


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        outcome=row.outcome,
        request_id=row.request_id,
        room_id=row.room_id,
        room_name=row.room_name,
        detail=row.detail,
    )


def _columns(event: NewAuditEvent, at: datetime) -> dict[str, Any]:
    """One event's row, for the ORM insert and the in-transaction one alike."""
    return {
        "at": as_utc(at),
        "actor": event.actor,
        "action": event.action,
        "outcome": event.outcome,
        "request_id": event.request_id,
        "room_id": event.room_id,
        "room_name": event.room_name,
        "detail": event.detail,
    }
