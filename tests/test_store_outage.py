"""Which database errors mean "not answering" (pure), and the outage's one log line a minute.
The real thing (a PostgreSQL server stopped mid-flow) is in tests/test_truth_faults.py."""

from __future__ import annotations

import logging
import sqlite3

import psycopg
import pytest
from psycopg import errors as pg
from sqlalchemy import exc as sa_exc

from bot.store.errors import DatabaseUnavailable
from bot.store.outage import OutageLog, is_unavailable


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (psycopg.OperationalError("connection refused"), True),  # no SQLSTATE: no connection
        (psycopg.InterfaceError("the connection is closed"), True),
        (pg.AdminShutdown("terminating connection due to administrator command"), True),
        (pg.QueryCanceled("canceling statement due to statement timeout"), True),
        (pg.TooManyConnections("too many clients"), True),
        (pg.UniqueViolation("duplicate key"), False),
        (pg.UndefinedTable("no such table"), False),
        (sqlite3.OperationalError("unable to open database file"), True),
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("no such table: outbox"), False),
        (sa_exc.TimeoutError("QueuePool limit reached"), True),
        (TimeoutError(), True),
        (ConnectionRefusedError(), True),
        (DatabaseUnavailable("x"), True),
        (ValueError("not a database error"), False),
    ],
)
def test_what_counts_as_not_answering(error: BaseException, unavailable: bool) -> None:
    assert is_unavailable(error) is unavailable
    wrapped = sa_exc.OperationalError("SELECT 1", {}, error)
    if isinstance(error, psycopg.Error | sqlite3.Error):
        assert is_unavailable(wrapped) is unavailable  # as SQLAlchemy hands it on


def test_an_outage_logs_one_line_a_minute_and_counts_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("tests.outage")
    outage = OutageLog(logger, every=60)
    with caplog.at_level(logging.WARNING, logger="tests.outage"):
        for _ in range(50):
            outage.warning("down: %s", "refused")
    assert [r.getMessage() for r in caplog.records] == ["down: refused"]
    outage._next = 0.0  # a minute later
    with caplog.at_level(logging.WARNING, logger="tests.outage"):
        outage.warning("down: %s", "refused")
    assert caplog.records[-1].getMessage() == "down: refused (49 more since the last such line)"
