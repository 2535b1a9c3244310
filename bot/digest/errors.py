"""What the digest commands refuse, with a message that says what to do instead."""

from __future__ import annotations


class DigestRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
