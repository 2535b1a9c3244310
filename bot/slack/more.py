"""The state a "More" button carries in its value, so that any replica can serve the click
and nothing about a listing is kept in memory."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.commands.model import MAX_LIMIT, UsageError
from bot.providers.base import SessionStatus
from bot.slack.blocks.kit import BUTTON_VALUE_LIMIT


class MoreState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["sessions", "rooms"]
    limit: int = Field(ge=1, le=MAX_LIMIT)
    shown: int = Field(ge=0)
    # sessions: the provider's own next-page cursor
    cursor: str | None = None
    # rooms: the filters to re-apply (the next window starts at `shown`)
    match: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    # sessions: filters, to show them again on the next page
    room: str | None = None
    room_id: str | None = None
    status: SessionStatus | None = None


def encode(state: MoreState) -> str | None:
    """The button value, or None when it would not fit in Slack's 2000 characters."""
    value = state.model_dump_json(exclude_defaults=True)
    return value if len(value) <= BUTTON_VALUE_LIMIT else None


def decode(value: str) -> MoreState:
    try:
        return MoreState.model_validate_json(value)
    except ValidationError:
        raise UsageError(
            "That More button no longer works. Run the command again to start a fresh list."
        ) from None
