"""`python -m bot migrate` as the Procfile's release step runs it: a real process, reading
DATABASE_URL from the environment."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect

from bot.store.engine import create_engine
from bot.store.migrate import head_revision
from tests.databases import PostgresServer


def _migrate(database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "SLACK_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        env={**env, "DATABASE_URL": database_url},
        cwd=cwd,  # an empty folder: no .env is read
        capture_output=True,
        text=True,
        timeout=60,
    )


def _tables(url: str) -> set[str]:
    async def read() -> set[str]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _assert_migrated(result: subprocess.CompletedProcess[str], url: str) -> None:
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert head_revision() in lines[0]
    assert "approval_requests" in _tables(url)


def test_migrate_creates_the_sqlite_file_and_its_folder(tmp_path: Path) -> None:
    # The default DATABASE_URL form: relative to the working directory, folder absent.
    result = _migrate("sqlite:///./var/roomops.db", tmp_path)
    _assert_migrated(result, f"sqlite:///{tmp_path / 'var' / 'roomops.db'}")
    again = _migrate("sqlite:///./var/roomops.db", tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == result.stdout


def test_migrate_on_postgresql(postgres_server: PostgresServer, tmp_path: Path) -> None:
    name = postgres_server.create_database()
    try:
        url = postgres_server.url(name)
        _assert_migrated(_migrate(url, tmp_path), url)
    finally:
        postgres_server.drop_database(name)


def test_unreachable_database_is_one_line_exit_1(tmp_path: Path) -> None:
    # Port 1 on loopback: refused at once, nothing listens there.
    result = _migrate("postgres://roomops:Hunter2-secret@127.0.0.1:1/roomops", tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no traceback
    assert lines[0].startswith("DATABASE_URL: cannot reach the database")
    assert "Hunter2-secret" not in result.stderr


def test_unsupported_url_is_a_settings_problem(tmp_path: Path) -> None:
    result = _migrate("mysql://roomops:Hunter2-secret@db/roomops", tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("DATABASE_URL: scheme 'mysql' is not supported")
    assert "Hunter2-secret" not in result.stderr
