"""Identifier checks shared by the providers and the command grammar."""

from __future__ import annotations

import uuid


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    # uuid.UUID also takes braces, urn: and missing dashes; the APIs want the canonical form.
    return len(value) == 36 and value.count("-") == 4
