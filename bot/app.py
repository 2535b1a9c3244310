"""Wiring: settings and provider in, a ready Bolt app out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.providers import VideoProvider, build_provider
from bot.services.reads import ReadService
from bot.settings import Settings
from bot.slack.failures import report_failure
from bot.slack.listeners import register
from bot.slack.middleware import enforce_access, provide_services
from bot.slack.responder import Responder
from bot.slack.services import Services, utc_now
from bot.slack.users import UserZones

log = logging.getLogger("bot.app")
SLACK_TIMEOUT_SECONDS = 10


def build_web_client(settings: Settings) -> AsyncWebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        ],
    )


@dataclass
class Runtime:
    """The process's long-lived parts, closed together on shutdown."""

    settings: Settings
    provider: VideoProvider
    services: Services
    bolt: AsyncApp

    async def aclose(self) -> None:
        # The WebClient opens and closes an HTTP session per call: only the provider's pool
        # outlives a request.
        await self.provider.aclose()


def build_runtime(
    settings: Settings,
    *,
    provider: VideoProvider | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Runtime:
    provider = provider or build_provider(settings)
    client = build_web_client(settings)
    services = Services(
        settings=settings,
        reads=ReadService(provider),
        client=client,
        responder=Responder(),
        zones=UserZones(client),
        clock=clock,
    )
    return Runtime(settings, provider, services, build_bolt_app(settings, services))


def build_bolt_app(settings: Settings, services: Services) -> AsyncApp:
    secret = settings.slack_signing_secret
    app = AsyncApp(
        client=services.client,
        signing_secret=secret.get_secret_value() if secret else None,
        # Bolt answers Slack as soon as a listener calls ack(); the work goes on after.
        process_before_response=False,
        logger=logging.getLogger("slack_bolt"),
    )
    app.use(provide_services(services))
    app.use(enforce_access(services))
    register(app)
    app.error(_error_handler(services))
    return app


def _error_handler(services: Services) -> Callable[..., Any]:
    # Failures outside listeners (middleware, Bolt itself) take the same path as theirs.
    async def handle(error: Exception, body: dict[str, Any]) -> None:
        await report_failure(error, body, services)

    return handle
