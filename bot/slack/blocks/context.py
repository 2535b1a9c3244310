"""What a renderer needs to know about the reader: the time now and their zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.slack.buttons import ButtonSigner

UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True)
class RenderContext:
    now: datetime
    tz: ZoneInfo = UTC_ZONE
    # Signs the values of the buttons a reply carries. The default only trusts its own
    # process; the app passes the signer every replica shares.
    buttons: ButtonSigner = field(default_factory=ButtonSigner.ephemeral)

    @classmethod
    def utc_now(cls, tz: ZoneInfo | None = None) -> RenderContext:
        return cls(now=datetime.now(UTC), tz=tz or UTC_ZONE)
