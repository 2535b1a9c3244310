"""Short references that tie what a person is shown to the log line with the details."""

from __future__ import annotations

import secrets


def new_reference() -> str:
    return "E-" + secrets.token_hex(4).upper()
