"""Video providers behind one protocol; `build_provider` picks one from the settings."""

from __future__ import annotations

from dataclasses import replace

from bot.providers.base import RoomQuery, SessionQuery, VideoProvider
from bot.providers.errors import (
    FieldError,
    Invalid,
    NotFound,
    NotSupported,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from bot.providers.health import ProviderHealth
from bot.providers.http import HttpSettings, RetryPolicy
from bot.providers.models import Conference, Page, Room, RoomSession
from bot.providers.signalwire import SignalWireProvider
from bot.settings import Settings

__all__ = [
    "Conference",
    "FieldError",
    "HttpSettings",
    "Invalid",
    "NotFound",
    "NotSupported",
    "Page",
    "ProviderError",
    "ProviderHealth",
    "ProviderUnavailable",
    "RateLimited",
    "RetryPolicy",
    "Room",
    "RoomQuery",
    "RoomSession",
    "SessionQuery",
    "SignalWireProvider",
    "Unauthorized",
    "VideoProvider",
    "build_provider",
]


def build_provider(
    settings: Settings,
    *,
    http_settings: HttpSettings | None = None,
    policy: RetryPolicy | None = None,
) -> VideoProvider:
    """One provider (and so one pooled HTTP client) per process.

    PROVIDER_MAX_CONNECTIONS and PROVIDER_CACHE_SECONDS win over `http_settings`, which
    only tunes timeouts.
    """
    if settings.video_provider == "telnyx":
        raise NotSupported(
            "VIDEO_PROVIDER=telnyx is not available in this release yet; use signalwire",
            provider="Telnyx",
        )
    base_url = settings.signalwire_url
    token = settings.signalwire_api_token
    if not base_url or not settings.signalwire_project_id or token is None:
        raise NotSupported("SignalWire settings are incomplete", provider="SignalWire")
    return SignalWireProvider.connect(
        base_url,
        settings.signalwire_project_id,
        token.get_secret_value(),
        # The gate keeps requests in flight at or under the pool size, so every connection a
        # burst opens can be kept and reused rather than paying for a new TLS handshake;
        # httpx still drops idle ones after a few seconds.
        http_settings=replace(
            http_settings or HttpSettings(),
            max_connections=settings.provider_max_connections,
            max_keepalive=settings.provider_max_connections,
        ),
        policy=policy,
        cache_seconds=settings.provider_cache_seconds,
    )
