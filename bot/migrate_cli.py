"""`python -m bot migrate`: one line on success, one line (no traceback, no password) when
it cannot be done."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

from bot.settings import Settings, load_settings, settings_for
from bot.store.errors import DatabaseUrlError, StoreError
from bot.store.migrate import migrate
from bot.store.urls import describe, normalise_database_url

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_SETTINGS = 2  # as check-config: the settings themselves need fixing


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def run_migrate(
    out: Callable[[str], None] = print,
    err: Callable[[str], None] = _stderr,
    settings_loader: Callable[[], Settings] = load_settings,
) -> int:
    settings = settings_for("migrate", err, settings_loader)
    if settings is None:
        return EXIT_SETTINGS
    try:
        url = normalise_database_url(settings.database_url)
        revision = asyncio.run(migrate(url))
    except DatabaseUrlError as exc:
        err(str(exc))
        return EXIT_SETTINGS
    except StoreError as exc:
        err(str(exc))
        return EXIT_FAILED
    out(f"migrate: {describe(url)} is at schema revision {revision}, the newest")
    return EXIT_OK
