"""INSERT ... ON CONFLICT for whichever database the engine speaks (both have it, with the
same spelling, in different SQLAlchemy modules)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

Insert = postgresql.Insert | sqlite.Insert


def insert(dialect_name: str, table: Any) -> Insert:
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    if dialect_name == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"the store supports sqlite and postgresql, not {dialect_name}")
