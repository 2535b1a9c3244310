"""What can go wrong with the store, in words a person can act on.

Every message names the setting or the command to fix it and never includes a password.
"""

from __future__ import annotations


class StoreError(Exception):
    """A store problem with a message fit for a terminal, a log line or Slack."""


class DatabaseUrlError(StoreError, ValueError):
    """DATABASE_URL cannot be used as written."""


class DatabaseUnavailable(StoreError):
    """The database could not be reached or refused the connection."""


class SchemaOutOfDate(StoreError):
    """The database's schema is not the one this release needs."""
