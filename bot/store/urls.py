"""DATABASE_URL as users paste it, normalised to one async driver per database (pure).

PostgreSQL always runs on psycopg 3 rather than asyncpg: psycopg is built on libpq, so every
URL parameter people copy from a provider's dashboard (`sslmode`, `host=/socket/dir`,
`options`, `target_session_attrs`, `connect_timeout`) means what it means in `psql`; it
speaks async and sync alike; and it does not cache server-side prepared statements unless
asked, so it works behind PgBouncer in transaction mode where asyncpg's statement cache breaks.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.store.errors import DatabaseUnavailable, DatabaseUrlError

SQLITE_DRIVER = "sqlite+aiosqlite"
POSTGRES_DRIVER = "postgresql+psycopg"

_SQLITE_FORMS = frozenset({"sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"})
_POSTGRES_FORMS = frozenset(
    {
        "postgres",  # Heroku's and some dashboards' spelling
        "postgresql",
        "postgresql+asyncpg",
        "postgresql+psycopg",
        "postgresql+psycopg2",
    }
)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]{0,29}")
_EXAMPLES = "sqlite:///./var/roomops.db or postgresql://USER:PASSWORD@HOST:5432/DBNAME"
# asyncpg spells libpq's sslmode as `ssl`; a URL written for it keeps working here.
_ASYNCPG_SSL = {"true": "require", "false": "disable"}


def normalise_database_url(raw: str) -> URL:
    """The async SQLAlchemy URL for `raw`, or DatabaseUrlError naming the rule broken.

    Messages show the scheme at most: a URL carries the database password.
    """
    text = _unquote(raw.strip())
    if not text:
        raise DatabaseUrlError(f"DATABASE_URL: is empty; set it to e.g. {_EXAMPLES}")
    scheme, separator, _ = text.partition("://")
    if not separator:
        raise DatabaseUrlError(
            f"DATABASE_URL: is not a URL (expected SCHEME://...), e.g. {_EXAMPLES}"
        )
    scheme = scheme.lower()
    if scheme not in _SQLITE_FORMS | _POSTGRES_FORMS:
        raise DatabaseUrlError(
            f"DATABASE_URL: scheme '{_shown(scheme)}' is not supported; use sqlite:///PATH "
            "or postgresql://... (postgres://, postgresql+psycopg:// and "
            "postgresql+asyncpg:// work too)"
        )
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise DatabaseUrlError(
            f"DATABASE_URL: could not be parsed as a '{scheme}' URL; check its form, "
            f"e.g. {_EXAMPLES} (special characters in the password must be %-encoded)"
        ) from None
    if scheme in _SQLITE_FORMS:
        return _sqlite(url)
    return _postgres(url, from_asyncpg=scheme == "postgresql+asyncpg")


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def is_postgres(url: URL) -> bool:
    return url.get_backend_name() == "postgresql"


def describe(url: URL) -> str:
    """The URL for a log line or a terminal: the password is never shown."""
    return url.render_as_string(hide_password=True)


def ensure_sqlite_directory(url: URL) -> None:
    """Create the SQLite file's folder (the default lives under ./var/, absent on a fresh
    clone); SQLite creates the file itself but not its folder."""
    if not (is_sqlite(url) and url.database):
        return
    folder = Path(url.database).expanduser().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"DATABASE_URL: cannot create the folder {folder} for the SQLite file "
            f"({exc.strerror or type(exc).__name__}); choose a writable path"
        ) from None


def _sqlite(url: URL) -> URL:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        raise DatabaseUrlError(
            "DATABASE_URL: an in-memory SQLite database is lost on every restart and not "
            "shared between connections; give a file, e.g. sqlite:///./var/roomops.db"
        )
    if url.host or url.username or url.password is not None:
        raise DatabaseUrlError(
            "DATABASE_URL: a SQLite URL names a file, not a host: use three slashes for a "
            "relative path (sqlite:///./var/roomops.db) or four for an absolute one "
            "(sqlite:////srv/roomops.db)"
        )
    return url.set(drivername=SQLITE_DRIVER)


def _postgres(url: URL, *, from_asyncpg: bool) -> URL:
    if not url.database:
        raise DatabaseUrlError(
            "DATABASE_URL: names no database; add it after the host, e.g. "
            "postgresql://USER:PASSWORD@HOST:5432/roomops"
        )
    query = dict(url.query)
    if from_asyncpg and "ssl" in query and "sslmode" not in query:
        ssl = query.pop("ssl")
        value = ssl if isinstance(ssl, str) else ssl[-1]
        query["sslmode"] = _ASYNCPG_SSL.get(value.lower(), value)
    return url.set(drivername=POSTGRES_DRIVER, query=query)


def _unquote(text: str) -> str:
    # Pasted from a shell line or a .env file with its quotes still on.
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].strip()
    return text


def _shown(scheme: str) -> str:
    # A real scheme is never a secret, but what precedes "://" in a mangled paste could be
    # (user:password@...): show it only when it looks like a scheme.
    return scheme if _SCHEME.fullmatch(scheme) else "(not shown)"
