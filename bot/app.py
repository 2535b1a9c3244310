"""Wiring: settings and provider in, a ready Bolt app out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.providers import VideoProvider, build_provider
from bot.services.reads import ReadService
from bot.settings import Settings
from bot.slack.buttons import ButtonSigner
from bot.slack.deliveries import MemoryDeliveries, SeenDeliveries
from bot.slack.failures import report_failure
from bot.slack.listeners import register
from bot.slack.middleware import drop_duplicates, enforce_access, provide_services
from bot.slack.more import MoreStates
from bot.slack.responder import Responder
from bot.slack.retries import slack_retry_handlers
from bot.slack.services import VERIFIED_KEY, Services, utc_now
from bot.slack.users import UserZones

log = logging.getLogger("bot.app")
SLACK_TIMEOUT_SECONDS = 10
SLACK_CONNECTIONS = 100


def build_web_client(settings: Settings, session: aiohttp.ClientSession) -> AsyncWebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        session=session,
        retry_handlers=slack_retry_handlers(),
    )


def button_secret(settings: Settings) -> str:
    """What button values are signed with: the same on every replica of one app."""
    for secret in (settings.slack_signing_secret, settings.slack_app_token):
        if secret is not None and secret.get_secret_value().strip():
            return secret.get_secret_value()
    raise ValueError("SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is needed to sign buttons")


@dataclass
class Runtime:
    """The process's long-lived parts, closed together on shutdown."""

    settings: Settings
    provider: VideoProvider
    services: Services
    bolt: AsyncApp
    slack_session: aiohttp.ClientSession

    def health(self) -> dict[str, Any]:
        """What /healthz says: cheap, from what recent provider calls saw."""
        provider = self.provider.health()
        return {"status": provider.status, "provider": provider.as_dict()}

    async def aclose(self) -> None:
        await self.provider.aclose()
        await self.slack_session.close()


def build_runtime(
    settings: Settings,
    *,
    provider: VideoProvider | None = None,
    clock: Callable[[], datetime] = utc_now,
    deliveries: SeenDeliveries | None = None,
) -> Runtime:
    """Must run inside the event loop that will serve: the Slack HTTP session belongs to it."""
    provider = provider or build_provider(settings)
    # One pool for every call to Slack: Web API calls and response_url replies alike.
    session = aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=SLACK_TIMEOUT_SECONDS),
        connector=aiohttp.TCPConnector(limit=SLACK_CONNECTIONS),
    )
    client = build_web_client(settings, session)
    signer = ButtonSigner(button_secret(settings))
    services = Services(
        settings=settings,
        reads=ReadService(provider),
        client=client,
        responder=Responder(session),
        zones=UserZones(client),
        buttons=signer,
        more=MoreStates(signer),
        clock=clock,
    )
    bolt = build_bolt_app(settings, services, deliveries or MemoryDeliveries())
    return Runtime(settings, provider, services, bolt, session)


def build_bolt_app(settings: Settings, services: Services, deliveries: SeenDeliveries) -> AsyncApp:
    app = AsyncApp(
        client=services.client,
        # The HTTP edge (bot/slack/edge.py) has verified the raw bytes before Bolt sees a
        # request; Socket Mode payloads arrive over Slack's authenticated WebSocket.
        request_verification_enabled=False,
        # Bolt answers Slack as soon as a listener calls ack(); the work goes on after.
        process_before_response=False,
        logger=logging.getLogger("slack_bolt"),
    )
    app.use(drop_duplicates(deliveries))
    app.use(provide_services(services))
    app.use(enforce_access(services))
    register(app)
    app.error(_error_handler(services))
    return app


def _error_handler(services: Services) -> Callable[..., Any]:
    # Failures outside listeners (middleware, Bolt itself) take the same path as theirs.
    async def handle(error: Exception, body: dict[str, Any], request: AsyncBoltRequest) -> None:
        # Only a request whose signature was checked may have its response_url called.
        trusted = request.mode == "socket_mode" or request.context.get(VERIFIED_KEY) is True
        await report_failure(error, body if trusted else {}, services)

    return handle
