"""What a renderer needs to know: the time now, the reader's zone, and which provider's
fields there are to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.slack.blocks.provider_view import SIGNALWIRE_VIEW, ProviderView
from bot.slack.buttons import ButtonSigner

UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True)
class RenderContext:
    now: datetime
    tz: ZoneInfo = UTC_ZONE
    # Signs the values of the buttons a reply carries. The default only trusts its own
    # process; the app passes the signer every replica shares.
    buttons: ButtonSigner = field(default_factory=ButtonSigner.ephemeral)
    view: ProviderView = SIGNALWIRE_VIEW

    @classmethod
    def utc_now(cls, tz: ZoneInfo | None = None) -> RenderContext:
        return cls(now=datetime.now(UTC), tz=tz or UTC_ZONE)
