"""`alembic upgrade head`, run from Python: idempotent, and safe when several processes
(replicas, a release step) run it at once."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store.engine import create_engine, enable_wal
from bot.store.errors import DatabaseUnavailable, SchemaOutOfDate, StoreError
from bot.store.urls import describe, is_postgres, normalise_database_url

MIGRATIONS = Path(__file__).parent / "migrations"
# pg_advisory_xact_lock key shared by every RoomOps process ("RoomOps" in ASCII, a bigint).
MIGRATION_LOCK_KEY = 0x526F6F6D4F7073


def alembic_config() -> Config:
    """Alembic's configuration without an ini file, so an installed package migrates too."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def head_revision() -> str:
    """The newest revision this package ships (read once: the files do not change)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


async def migrate(url: URL | str) -> str:
    """Bring the database to the newest schema; returns the revision it is at.

    Raises DatabaseUnavailable (a message naming DATABASE_URL, without the password) when
    the database cannot be reached.
    """
    url = normalise_database_url(url) if isinstance(url, str) else url
    engine = create_engine(url, statement_timeout_ms=None)
    try:
        if not is_postgres(url):
            await enable_wal(engine)
        # One transaction: PostgreSQL's DDL is transactional, so a second process waits on
        # the lock and then finds the schema at head; SQLite's BEGIN IMMEDIATE does the
        # same with its write lock.
        async with engine.begin() as connection:
            await _lock(connection)
            return await connection.run_sync(_upgrade)
    except (OperationalError, InterfaceError, OSError, DatabaseUnavailable) as exc:
        raise unavailable(url, exc) from None
    except CommandError as exc:
        # Typically a revision this release does not know: a newer release migrated it.
        raise StoreError(
            f"DATABASE_URL: cannot migrate the database at {describe(url)} "
            f"({_first_line(exc, url)}); was it migrated by a newer RoomOps release?"
        ) from None
    except DBAPIError as exc:
        # A step the database refused (rights, a conflicting object): nothing was applied.
        raise StoreError(
            f"DATABASE_URL: the database at {describe(url)} refused a migration step "
            f"({_first_line(exc, url)}); nothing was changed"
        ) from None
    finally:
        await engine.dispose()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def check_schema(engine: AsyncEngine) -> None:
    """SchemaOutOfDate unless the database is at this release's head revision."""
    try:
        current = await current_revision(engine)
    except (OperationalError, InterfaceError, OSError, DatabaseUnavailable) as exc:
        raise unavailable(engine.url, exc) from None
    head = head_revision()
    if current != head:
        found = "no schema" if current is None else f"schema revision {current}"
        raise SchemaOutOfDate(
            f"DATABASE_URL: the database has {found}, this release needs {head}; "
            "run `python -m bot migrate`"
        )


def unavailable(url: URL, exc: BaseException) -> DatabaseUnavailable:
    """The driver's reason in one line, with the password masked should it appear."""
    return DatabaseUnavailable(
        f"DATABASE_URL: cannot reach the database at {describe(url)} "
        f"({_first_line(exc, url)}); check the host, port, database name and credentials"
    )


def _first_line(exc: BaseException, url: URL) -> str:
    if isinstance(exc, DatabaseUnavailable) and exc.__cause__ is not None:
        exc = exc.__cause__  # the engine's translation (bot/store/outage.py): the driver's words
    reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    line = (str(reason).strip().splitlines() or [type(reason).__name__])[0]
    if url.password:
        line = line.replace(str(url.password), "***")
    return line


async def _lock(connection: AsyncConnection) -> None:
    if is_postgres(connection.engine.url):
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
        )
    else:
        await connection.exec_driver_sql("BEGIN IMMEDIATE")


def _upgrade(connection: Connection) -> str:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    return _current(connection) or "base"


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
