"""The shipped migrations build exactly the models' schema, on SQLite and PostgreSQL, and
running them again or from two processes at once is harmless."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.store import (
    DatabaseUnavailable,
    SchemaOutOfDate,
    StoreError,
    migrate,
    normalise_database_url,
    open_store,
)
from bot.store.engine import STATEMENT_TIMEOUT_MS, create_engine
from bot.store.migrate import head_revision
from bot.store.schema import Base
from tests.databases import PostgresServer

TABLES = {
    "approval_requests",
    "audit_events",
    "seen_deliveries",
    "digest_claims",
    "digest_subscriptions",
    "outbox",
}


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_build_exactly_the_models(store_url: str) -> None:
    engine = create_engine(store_url)
    try:
        async with engine.connect() as connection:
            before = await connection.run_sync(_diff)
        # The comparison sees a missing schema: an empty diff below means something.
        assert any(op[0] == "add_table" for op in before)

        assert await migrate(store_url) == head_revision()

        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
            assert await connection.run_sync(_tables) == {*TABLES, "alembic_version"}
    finally:
        await engine.dispose()


async def test_migrating_again_changes_nothing(store_url: str) -> None:
    first = await migrate(store_url)
    engine = create_engine(store_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO seen_deliveries (key, seen_at) VALUES ('k', :at)"),
                {"at": "2026-11-20 10:00:00"},
            )
        assert await migrate(store_url) == first
        async with engine.connect() as connection:
            count = await connection.scalar(text("SELECT count(*) FROM seen_deliveries"))
        assert count == 1
    finally:
        await engine.dispose()


async def test_concurrent_migrations_from_separate_engines(store_url: str) -> None:
    # Like two replicas' release steps starting together: each has its own engine, so
    # only the database's lock keeps them from both creating the tables.
    results = await asyncio.gather(*(migrate(store_url) for _ in range(3)))
    assert results == [head_revision()] * 3
    engine = create_engine(store_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_open_store_refuses_an_unmigrated_database(store_url: str) -> None:
    with pytest.raises(SchemaOutOfDate) as caught:
        await open_store(store_url)
    assert "run `python -m bot migrate`" in str(caught.value)
    assert "no schema" in str(caught.value)

    store = await open_store(store_url, migrate_first=True)
    try:
        assert await store.approvals.list_pending() == []
    finally:
        await store.aclose()


async def test_unreachable_postgres_is_one_clear_line_without_the_password() -> None:
    secret = "n0t-Th3-Pa55word"
    # Port 1 on loopback: refused at once, nothing listens there.
    url = f"postgresql://roomops:{secret}@127.0.0.1:1/roomops?connect_timeout=2"
    with pytest.raises(DatabaseUnavailable) as caught:
        await migrate(url)
    message = str(caught.value)
    assert message.startswith("DATABASE_URL: cannot reach the database at ")
    assert "127.0.0.1" in message
    assert secret not in message
    assert "\n" not in message


async def test_sqlite_connections_are_set_up_for_several_writers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'roomops.db'}"
    await migrate(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            pragmas = {
                name: await connection.scalar(text(f"PRAGMA {name}"))
                for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
            }
    finally:
        await engine.dispose()
    # synchronous 1 = NORMAL; busy_timeout in milliseconds.
    assert pragmas == {
        "journal_mode": "wal",
        "busy_timeout": 10_000,
        "foreign_keys": 1,
        "synchronous": 1,
    }


async def test_postgres_connections_carry_a_statement_timeout_and_keep_url_options(
    postgres_server: PostgresServer,
) -> None:
    url = normalise_database_url(postgres_server.url("postgres"))
    url = url.update_query_dict({"options": "-c application_name=roomops-test"})
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            timeout = await connection.scalar(text("SHOW statement_timeout"))
            name = await connection.scalar(text("SHOW application_name"))
    finally:
        await engine.dispose()
    assert (timeout, name) == (f"{STATEMENT_TIMEOUT_MS // 1000}s", "roomops-test")


async def test_a_database_from_a_newer_release_is_refused_in_words(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '0099_next'"))
    finally:
        await engine.dispose()
    with pytest.raises(StoreError) as caught:
        await migrate(migrated_url)
    assert "'0099_next'" in str(caught.value)
    assert "newer RoomOps release" in str(caught.value)
    with pytest.raises(SchemaOutOfDate, match="0099_next"):
        await open_store(migrated_url)
