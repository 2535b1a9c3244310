"""What a renderer needs to know about the reader: the time now and their zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True)
class RenderContext:
    now: datetime
    tz: ZoneInfo = UTC_ZONE

    @classmethod
    def utc_now(cls, tz: ZoneInfo | None = None) -> RenderContext:
        return cls(now=datetime.now(UTC), tz=tz or UTC_ZONE)
