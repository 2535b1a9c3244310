"""What every provider client shares: one `ProviderHttp` (pooled httpx client, retries,
gate, single-flight reads, health), how it is opened from settings, and how it is closed.

A client states only what is its own: the credentials it sends, how it reads its
provider's error bodies and, if it has one, how it reads a rate limit's wait.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict, Unpack

import httpx

from bot.providers.errors import Invalid
from bot.providers.health import ProviderHealth
from bot.providers.http import (
    ErrorParser,
    HttpSettings,
    ProviderHttp,
    RetryAfterReader,
    RetryPolicy,
    build_client,
    retry_after_header,
)
from bot.providers.ids import is_uuid


class HttpOptions(TypedDict, total=False):
    """How a client's HTTP layer is tuned: what every `connect` takes beside credentials.

    `transport` replaces httpx's own (and so the settings' limits); tests use it to watch.
    """

    http_settings: HttpSettings | None
    policy: RetryPolicy | None
    cache_seconds: float
    transport: httpx.AsyncBaseTransport | None


class ProviderClient:
    """The base of `SignalWireProvider` and `TelnyxProvider` (no provider of its own)."""

    # How people write the provider; it names the provider in every error and log line.
    label: str

    def __init__(self, http: ProviderHttp) -> None:
        self._http = http

    @classmethod
    def open_http(
        cls,
        base_url: str,
        *,
        parse_errors: ErrorParser,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        retry_after: RetryAfterReader = retry_after_header,
        **options: Unpack[HttpOptions],
    ) -> ProviderHttp:
        """The client's HTTP layer: the gate sized to the pool, so no request ever queues
        inside httpx (see `ProviderHttp`)."""
        settings = options.get("http_settings") or HttpSettings()
        client = build_client(
            base_url,
            auth=auth,
            headers=headers,
            settings=settings,
            transport=options.get("transport"),
        )
        return ProviderHttp(
            client,
            provider=cls.label,
            parse_errors=parse_errors,
            policy=options.get("policy"),
            max_concurrency=settings.max_connections,
            cache_seconds=options.get("cache_seconds", 0.0),
            retry_after=retry_after,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    def health(self) -> ProviderHealth:
        return self._http.health()

    async def _get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        return await self._http.request("GET", path, params=params)

    def _require_uuid(self, value: str, what: str) -> None:
        # Only the start of what was typed goes back: the id may be a pasted paragraph.
        if not is_uuid(value):
            raise Invalid(f"{what} must be a UUID, got {value[:60]!r}", provider=self.label)
