"""DATABASE_URL as users paste it: one async driver per database, clear refusals that
never show the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store.engine import create_engine
from bot.store.errors import DatabaseUrlError
from bot.store.urls import describe, ensure_sqlite_directory, normalise_database_url

SECRET = "s3cr3t-Pa55word"

ACCEPTED = [
    # (pasted, driver, database, host)
    ("sqlite:///./var/roomops.db", "sqlite+aiosqlite", "./var/roomops.db", None),
    ("sqlite:////srv/roomops/roomops.db", "sqlite+aiosqlite", "/srv/roomops/roomops.db", None),
    ("sqlite+aiosqlite:///data.db", "sqlite+aiosqlite", "data.db", None),
    ("sqlite+pysqlite:///data.db", "sqlite+aiosqlite", "data.db", None),
    (
        f"postgres://app:{SECRET}@db.example.com:5432/roomops",
        "postgresql+psycopg",
        "roomops",
        "db.example.com",
    ),
    (
        f"postgresql://app:{SECRET}@db.example.com/roomops",
        "postgresql+psycopg",
        "roomops",
        "db.example.com",
    ),
    (f"postgresql+asyncpg://app:{SECRET}@db/roomops", "postgresql+psycopg", "roomops", "db"),
    (f"postgresql+psycopg://app:{SECRET}@db/roomops", "postgresql+psycopg", "roomops", "db"),
    (f"postgresql+psycopg2://app:{SECRET}@db/roomops", "postgresql+psycopg", "roomops", "db"),
    (f"  'postgres://app:{SECRET}@db/roomops'\n", "postgresql+psycopg", "roomops", "db"),
    ('"sqlite:///./var/roomops.db"', "sqlite+aiosqlite", "./var/roomops.db", None),
    ("POSTGRES://app@db/roomops", "postgresql+psycopg", "roomops", "db"),
]


@pytest.mark.parametrize(("pasted", "driver", "database", "host"), ACCEPTED)
def test_accepted_forms_normalise_to_one_driver(
    pasted: str, driver: str, database: str, host: str | None
) -> None:
    url = normalise_database_url(pasted)
    assert url.drivername == driver
    assert url.database == database
    assert url.host == host
    if SECRET in pasted:
        assert url.password == SECRET  # kept for connecting...
        assert SECRET not in describe(url)  # ...never shown
        assert SECRET not in str(url)


def test_postgres_query_parameters_are_kept() -> None:
    url = normalise_database_url("postgres://u:p@db/roomops?sslmode=require&application_name=x")
    assert dict(url.query) == {"sslmode": "require", "application_name": "x"}


def test_socket_directory_form_is_kept() -> None:
    url = normalise_database_url("postgresql://postgres:@/roomops?host=/tmp/pg")
    assert url.drivername == "postgresql+psycopg"
    assert url.query["host"] == "/tmp/pg"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("true", "require"), ("false", "disable"), ("verify-full", "verify-full")],
)
def test_asyncpg_ssl_parameter_becomes_libpq_sslmode(given: str, expected: str) -> None:
    url = normalise_database_url(f"postgresql+asyncpg://u:p@db/roomops?ssl={given}")
    assert dict(url.query) == {"sslmode": expected}


REFUSED = [
    # (pasted, words the message must contain)
    ("", "is empty"),
    ("   ", "is empty"),
    (f"app:{SECRET}@db.example.com/roomops", "not a URL"),
    (f"mysql://app:{SECRET}@db/roomops", "scheme 'mysql' is not supported"),
    (f"mongodb+srv://app:{SECRET}@cluster/roomops", "is not supported"),
    (f"app:{SECRET}@db://x", "scheme '(not shown)' is not supported"),
    ("sqlite://", "in-memory"),
    ("sqlite:///:memory:", "in-memory"),
    (f"sqlite://app:{SECRET}@host/x.db", "names a file, not a host"),
    (f"postgres://app:{SECRET}@db.example.com:5432", "names no database"),
    (f"postgres://app:{SECRET}@db.example.com:notaport/roomops", "could not be parsed"),
]


@pytest.mark.parametrize(("pasted", "words"), REFUSED)
def test_refusals_say_what_to_do_and_never_show_the_password(pasted: str, words: str) -> None:
    with pytest.raises(DatabaseUrlError) as caught:
        normalise_database_url(pasted)
    message = str(caught.value)
    assert message.startswith("DATABASE_URL: ")
    assert words in message
    assert SECRET not in message
    assert caught.value.__cause__ is None  # no chained exception carrying the URL either


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    target = tmp_path / "var" / "deeper" / "roomops.db"
    url = normalise_database_url(f"sqlite:///{target}")
    ensure_sqlite_directory(url)
    assert target.parent.is_dir()
    assert not target.exists()  # SQLite makes the file itself


async def test_engine_for_text_url_creates_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "fresh" / "roomops.db"
    engine = create_engine(f"sqlite:///{target}")
    try:
        assert engine.url.drivername == "sqlite+aiosqlite"
        assert target.parent.is_dir()
    finally:
        await engine.dispose()
