"""The async engine for a normalised DATABASE_URL, with each database's connection rules."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.store.errors import DatabaseUnavailable
from bot.store.outage import watch_engine
from bot.store.urls import ensure_sqlite_directory, is_sqlite, normalise_database_url

# A writer waits this long for another writer (another process, or a second replica on the
# same file) before SQLite says "database is locked"; every write here is one short statement.
SQLITE_BUSY_SECONDS = 10.0
# A database host that does not answer is given up on quickly: the user waits for the reply
# (bot/store/outage.py also bounds each whole repository call).
CONNECT_TIMEOUT_SECONDS = 3
# A checkout that waits longer than this means the pool is exhausted: fail loudly instead
# of letting replies pile up behind it.
POOL_TIMEOUT_SECONDS = 5.0
# Every statement the bot runs is small; one that runs this long is stuck on a lock.
STATEMENT_TIMEOUT_MS = 8_000


def create_engine(
    url: URL | str, *, statement_timeout_ms: int | None = STATEMENT_TIMEOUT_MS
) -> AsyncEngine:
    """An engine for `url` (normalised if given as text); nothing is connected yet.

    `statement_timeout_ms=None` lifts PostgreSQL's per-statement limit (for migrations,
    whose DDL on a large table may legitimately run long).
    """
    if isinstance(url, str):
        url = normalise_database_url(url)
    engine = _sqlite_engine(url) if is_sqlite(url) else _postgres_engine(url, statement_timeout_ms)
    watch_engine(engine)
    return engine


def _sqlite_engine(url: URL) -> AsyncEngine:
    ensure_sqlite_directory(url)
    engine = create_async_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_SECONDS},
        pool_size=5,
        max_overflow=5,
        pool_timeout=POOL_TIMEOUT_SECONDS,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            # busy_timeout first: any later statement may meet another connection's lock.
            cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_SECONDS * 1000)}")
            # WAL lets readers go on while one writer writes. It is stored in the file, so
            # only a new file needs it; NORMAL is durable in WAL except for the last
            # commits on power loss, which the bot can afford.
            cursor.execute("PRAGMA journal_mode")
            if str(cursor.fetchone()[0]).lower() != "wal":
                _try_wal(cursor)
            cursor.execute("PRAGMA synchronous = NORMAL")
            # Off by default in SQLite; PostgreSQL always enforces them.
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    return engine


def _try_wal(cursor: Any) -> None:
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
    except Exception as exc:
        # Switching a new file to WAL does not wait for another connection's lock (two
        # migrations starting together on a fresh file); `enable_wal` retries it, and
        # every connection follows the file's mode once it is set.
        if "locked" not in str(exc):
            raise


async def enable_wal(engine: AsyncEngine) -> None:
    """Put a SQLite file in WAL mode, waiting for other connections' locks up to
    SQLITE_BUSY_SECONDS (the PRAGMA itself does not wait)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SQLITE_BUSY_SECONDS
    while True:
        try:
            async with engine.connect() as connection:
                # Answers the mode now in force: a file system without shared memory keeps
                # its old mode, which still works, one writer and its readers at a time.
                await connection.exec_driver_sql("PRAGMA journal_mode = WAL")
                return
        except (OperationalError, DatabaseUnavailable) as exc:
            if "locked" not in str(exc) or loop.time() > deadline:
                raise
        await asyncio.sleep(0.05)


def _postgres_engine(url: URL, statement_timeout_ms: int | None) -> AsyncEngine:
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    if statement_timeout_ms is not None:
        # Set at connection start (not with SET, which would open a transaction a rollback
        # could undo), after whatever `options` the URL already carries.
        given = url.query.get("options", "")
        options = given if isinstance(given, str) else " ".join(given)
        connect_args["options"] = f"{options} -c statement_timeout={statement_timeout_ms}".strip()
    return create_async_engine(
        url,
        connect_args=connect_args,
        pool_size=5,
        max_overflow=10,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        # A managed database or a proxy drops idle connections; find out before using one.
        pool_pre_ping=True,
        pool_recycle=1800,
    )
