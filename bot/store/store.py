"""One object for the process: the engine and the repositories that share it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.approvals import Approvals
from bot.store.audit import Audit
from bot.store.deliveries import StoreDeliveries
from bot.store.digests import Digests
from bot.store.engine import create_engine
from bot.store.errors import SchemaOutOfDate
from bot.store.migrate import check_schema, migrate
from bot.store.outbox import Outbox
from bot.store.urls import describe, normalise_database_url


@dataclass
class Store:
    engine: AsyncEngine
    approvals: Approvals
    audit: Audit
    deliveries: StoreDeliveries
    digests: Digests
    outbox: Outbox

    @property
    def where(self) -> str:
        """The database, for a log line (no password)."""
        return describe(self.engine.url)

    async def aclose(self) -> None:
        await self.engine.dispose()


async def open_store(url: URL | str, *, migrate_first: bool = False) -> Store:
    """The store at DATABASE_URL `url`, checked to be at this release's schema.

    `migrate_first=True` applies migrations before (what serve/socket/demo do for the
    embedded SQLite file); otherwise a database behind the code raises SchemaOutOfDate,
    which says to run `python -m bot migrate`. DatabaseUrlError and DatabaseUnavailable
    come with a message naming DATABASE_URL, never its password.
    """
    url = normalise_database_url(url) if isinstance(url, str) else url
    engine = create_engine(url)
    try:
        try:
            await check_schema(engine)
        except SchemaOutOfDate:
            # Alembic is only loaded when there is something to do: most starts find the
            # file at head already.
            if not migrate_first:
                raise
            await migrate(url)
            await check_schema(engine)
    except BaseException:
        await engine.dispose()
        raise
    return Store(
        engine=engine,
        approvals=Approvals(engine, audit=Audit(engine), outbox=Outbox(engine)),
        audit=Audit(engine),
        deliveries=StoreDeliveries(engine),
        digests=Digests(engine),
        outbox=Outbox(engine),
    )
