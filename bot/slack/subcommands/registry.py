"""Every `/rooms` subcommand, once, in the order help lists them. Help, usage hints,
routing, the More button, the App Home and the manifest's usage hint all read this."""

from __future__ import annotations

from typing import Any

from bot.providers.catalogue import SIGNALWIRE, Catalogue
from bot.slack.subcommands import (
    approvals,
    audit,
    conference,
    conferences,
    digest,
    events,
    help,
    members,
    recordings,
    room,
    session,
    sessions,
    update,
)
from bot.slack.subcommands import list as list_rooms
from bot.slack.subcommands.base import Registry

REGISTRY = Registry(
    (
        help.UNIT,
        sessions.UNIT,
        session.UNIT,
        members.UNIT,
        events.UNIT,
        recordings.UNIT,
        list_rooms.UNIT,
        room.UNIT,
        conference.UNIT,
        conferences.UNIT,
        update.UNIT,
        approvals.UNIT,
        audit.UNIT,
        digest.UNIT,
    )
)


def parse(text: str, *, catalogue: Catalogue = SIGNALWIRE) -> Any:
    """The command typed text stands for (each subcommand's own type), or UsageError."""
    return REGISTRY.parse(text, catalogue)


def parse_words(words: list[str], *, catalogue: Catalogue = SIGNALWIRE) -> Any:
    return REGISTRY.parse_words(words, catalogue)


def unparse(command: object) -> list[str]:
    """The words a More button carries for a listing's command."""
    return REGISTRY.unparse(command)
