"""Alembic's environment for the store's migrations.

`bot.store.migrate` hands over an open connection (already holding the migration lock, in
one transaction). Run from the `alembic` command instead (e.g. to autogenerate a revision:
`alembic -c <ini with script_location = bot/store/migrations> revision --autogenerate`),
it connects to DATABASE_URL itself.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.engine import create_engine
from bot.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters a table by copying it; later migrations get that for free.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone() -> None:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL", "")
    engine = create_engine(url, statement_timeout_ms=None)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_with)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run `python -m bot migrate`")

given = config.attributes.get("connection")
if isinstance(given, Connection):
    run_with(given)
else:
    asyncio.run(_run_standalone())
