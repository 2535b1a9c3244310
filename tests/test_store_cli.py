"""`python -m bot migrate` as the Procfile's release step runs it: a real process, reading
DATABASE_URL from the environment (the first case); the other cases run the same entry
point in this process, which costs no Python start each."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import inspect

import bot.__main__ as cli
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


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def _migrate_here(database_url: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Ran:
    """`python -m bot migrate` through `bot.__main__.main`, in this process."""
    for name in [n for n in os.environ if n.startswith(("DATABASE_", "SLACK_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(cwd)  # an empty folder: no .env is read
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["migrate"])
    return Ran(code, out.getvalue(), err.getvalue())


def _tables(url: str) -> set[str]:
    async def read() -> set[str]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _assert_migrated(result: subprocess.CompletedProcess[str] | Ran, url: str) -> None:
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert head_revision() in lines[0]
    assert "approval_requests" in _tables(url)


def test_migrate_creates_the_sqlite_file_and_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default DATABASE_URL form: relative to the working directory, folder absent.
    result = _migrate("sqlite:///./var/roomops.db", tmp_path)
    _assert_migrated(result, f"sqlite:///{tmp_path / 'var' / 'roomops.db'}")
    again = _migrate_here("sqlite:///./var/roomops.db", tmp_path, monkeypatch)
    assert again.returncode == 0, again.stderr
    assert again.stdout == result.stdout


def test_migrate_on_postgresql(
    postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = postgres_server.create_database()
    try:
        url = postgres_server.url(name)
        _assert_migrated(_migrate_here(url, tmp_path, monkeypatch), url)
    finally:
        postgres_server.drop_database(name)


def test_unreachable_database_is_one_line_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 1 on loopback: refused at once, nothing listens there.
    result = _migrate_here(
        "postgres://roomops:Hunter2-secret@127.0.0.1:1/roomops", tmp_path, monkeypatch
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no traceback
    assert lines[0].startswith("DATABASE_URL: cannot reach the database")
    assert "Hunter2-secret" not in result.stderr


def test_unsupported_url_is_a_settings_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _migrate_here("mysql://roomops:Hunter2-secret@db/roomops", tmp_path, monkeypatch)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("DATABASE_URL: scheme 'mysql' is not supported")
    assert "Hunter2-secret" not in result.stderr
