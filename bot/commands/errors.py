"""What the grammar raises for input it refuses, and the usage line that goes with it."""

from __future__ import annotations

from dataclasses import dataclass


class UsageError(Exception):
    """Input the grammar refuses: a specific message, plus the usage to show with it."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


@dataclass(frozen=True)
class Usage:
    """A subcommand's word and usage line: what the option helpers name in a refusal and
    show with it. Each subcommand passes its own, so no table of them lives here."""

    name: str  # the word after /rooms
    line: str  # e.g. "/rooms room UUID|NAME"

    def refuse(self, message: str) -> UsageError:
        return UsageError(message, self.line)
