"""The outbox rows a digest owes Slack (pure): its message, then its chart."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.owed import Owed

DIGEST_POST = "digest.post"
DIGEST_CHART = "digest.chart"


def digest_subject(channel: str, day: date) -> str:
    return f"digest:{channel}:{day.isoformat()}"


def owed_post(channel: str, day: date, message: Mapping[str, Any], *, sessions: int) -> Owed:
    """`message`: the rendered reply's payload (text and blocks); `sessions`, for reports."""
    payload = {
        "day": day.isoformat(),
        "text": message.get("text", ""),
        "blocks": message.get("blocks"),
        "sessions": sessions,
    }
    return Owed(DIGEST_POST, digest_subject(channel, day), channel, payload)


def owed_chart(
    channel: str, day: date, post_id: int, png: bytes, *, filename: str, title: str, alt_text: str
) -> Owed:
    """The chart, sent once the post `post_id` is in Slack."""
    payload = {
        "post": post_id,
        "png": base64.b64encode(png).decode("ascii"),
        "filename": filename,
        "title": title,
        "alt_text": alt_text,
    }
    return Owed(DIGEST_CHART, digest_subject(channel, day), channel, payload)
