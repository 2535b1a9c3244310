"""The database not answering, recognised once for every repository.

Drivers say it in many ways: psycopg's OperationalError with no SQLSTATE (the connection
failed) or a connection-class SQLSTATE, the server's "terminating connection due to
administrator command", a closed connection (InterfaceError), SQLite's "unable to open" or
"locked", SQLAlchemy's pool running out of time. The engine's `handle_error` hook turns each
into `DatabaseUnavailable`, and `bounded` gives a repository call a deadline, so a caller
meets one exception type within seconds, whichever database, driver and failure it was.
Other database errors (a constraint, a bug in a statement) are left as they are.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import time
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import psycopg
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.errors import DatabaseUnavailable

log = logging.getLogger("bot.store")

# One repository call (a few short statements, and a connection if the pool has none) ends
# within this, answered or not: a database host gone silent must not hold a reply for the
# minutes TCP takes to notice. Longer than the statement timeout and SQLite's busy wait, so
# a slow but live database still finishes its work.
CALL_TIMEOUT_SECONDS = 12.0
NOT_ANSWERING = "the database is not answering"

# SQLSTATE classes and codes that mean the server is unreachable, going away or overloaded.
_PG_UNAVAILABLE_CLASSES = ("08",)  # connection exception
_PG_UNAVAILABLE_CODES = frozenset(
    {
        "57P01",  # admin_shutdown
        "57P02",  # crash_shutdown
        "57P03",  # cannot_connect_now (starting up, shutting down)
        "57014",  # query_canceled: our statement timeout, a lock that did not come
        "53300",  # too_many_connections
    }
)
_SQLITE_UNAVAILABLE = ("unable to open database file", "database is locked", "disk i/o error")

P = ParamSpec("P")
T = TypeVar("T")


def is_unavailable(error: BaseException) -> bool:
    """Pure: does `error` mean the database did not answer (rather than refusing a statement)?"""
    if isinstance(error, DatabaseUnavailable | TimeoutError | sa_exc.TimeoutError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        return error.orig is not None and is_unavailable(error.orig)
    if isinstance(error, psycopg.Error):
        if isinstance(error, psycopg.InterfaceError):
            return True  # the connection is closed or broken
        code = error.sqlstate
        if code is None:
            return isinstance(error, psycopg.OperationalError)
        return code.startswith(_PG_UNAVAILABLE_CLASSES) or code in _PG_UNAVAILABLE_CODES
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        return any(phrase in text for phrase in _SQLITE_UNAVAILABLE)
    return isinstance(error, ConnectionError)


def unavailable(error: BaseException) -> DatabaseUnavailable:
    """The one exception callers see; the driver's words stay in the log, not in Slack."""
    return DatabaseUnavailable(f"{NOT_ANSWERING} ({_reason(error)})")


def watch_engine(engine: AsyncEngine) -> None:
    """Turn the driver's ways of saying "not answering" into DatabaseUnavailable, for every
    statement and connection attempt of this engine."""

    @event.listens_for(engine.sync_engine, "handle_error")
    def _translate(context: ExceptionContext) -> None:
        original = context.original_exception
        if is_unavailable(original) or context.is_disconnect:
            raise unavailable(original) from original


def bounded(
    method: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """A repository method that ends within CALL_TIMEOUT_SECONDS, and whose "not answering"
    failures (a pool that gave no connection in time included) are DatabaseUnavailable."""

    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            async with asyncio.timeout(CALL_TIMEOUT_SECONDS):
                return await method(*args, **kwargs)
        except DatabaseUnavailable:
            raise
        except (TimeoutError, sa_exc.TimeoutError) as error:
            raise unavailable(error) from error

    return call


class OutageLog:
    """One WARNING line per `every` seconds while the database is down, not one per request;
    the next line says how many were left out."""

    def __init__(self, logger: logging.Logger, *, every: float = 60.0) -> None:
        self._log = logger
        self._every = every
        self._next = 0.0
        self._skipped = 0

    def warning(self, message: str, *args: Any) -> None:
        now = time.monotonic()
        if now < self._next:
            self._skipped += 1
            return
        self._next = now + self._every
        if self._skipped:
            message += f" ({self._skipped} more since the last such line)"
            self._skipped = 0
        self._log.warning(message, *args)


def _reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError | sa_exc.TimeoutError):
        return "no answer in time"
    if isinstance(error, sa_exc.DBAPIError) and error.orig is not None:
        error = error.orig
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return line[:200]
