"""Wiring: settings and provider in, a ready Bolt app out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.providers.base import VideoProvider
from bot.providers.errors import NotSupported
from bot.providers.http import HttpSettings, RetryPolicy
from bot.providers.signalwire import SignalWireProvider
from bot.providers.telnyx import TelnyxProvider
from bot.providers.walks import REPLY_WALK, WalkLimits
from bot.services.approval_jobs import INTERVAL_SECONDS, SETTLE_SECONDS, schedule_approval_jobs
from bot.services.approvals import ApprovalService
from bot.services.delivery import Deliverer
from bot.services.digest_delivery import digest_composers
from bot.services.digests import DigestService, process_owner
from bot.services.jobs import Jobs
from bot.services.reads import ReadService
from bot.services.scheduler import REFRESH_SECONDS, DigestScheduler
from bot.settings import Settings
from bot.slack.approval_messages import approval_composers, approval_policy
from bot.slack.buttons import ButtonSigner
from bot.slack.deliveries import MemoryDeliveries, SeenDeliveries
from bot.slack.failures import report_failure
from bot.slack.listeners import register
from bot.slack.middleware import RoomOpsMiddleware
from bot.slack.more import MoreStates
from bot.slack.responder import Responder
from bot.slack.retries import slack_retry_handlers
from bot.slack.services import REPLY_SECONDS, VERIFIED_KEY, Services, utc_now
from bot.slack.subcommands.registry import REGISTRY
from bot.slack.users import UserZones
from bot.slack.web_api import WebApiSlack
from bot.store.store import Store, open_store
from bot.store.urls import is_sqlite, normalise_database_url

log = logging.getLogger("bot.app")
SLACK_TIMEOUT_SECONDS = 10
SLACK_CONNECTIONS = 100


def build_web_client(
    settings: Settings, session: aiohttp.ClientSession, *, retries: bool = True
) -> AsyncWebClient:
    """`retries=False`: no retry inside the client (the outbox's deliverer, which retries
    by itself, honouring Retry-After without holding up the rows behind it)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        session=session,
        retry_handlers=slack_retry_handlers() if retries else [],
    )


def build_deliverer(
    settings: Settings,
    store: Store,
    session: aiohttp.ClientSession,
    *,
    clock: Callable[[], datetime] = utc_now,
    **tuning: Any,
) -> Deliverer:
    """The process's deliverer of what RoomOps owes Slack, with every composer this release
    has (`tuning`: the Deliverer's timings, for tests)."""
    return Deliverer(
        outbox=store.outbox,
        slack=WebApiSlack(build_web_client(settings, session, retries=False)),
        composers={
            **digest_composers(store.digests, store.outbox),
            **approval_composers(store, settings, ButtonSigner(button_secret(settings)), clock),
        },
        clock=clock,
        owner=process_owner(),
        **tuning,
    )


def button_secret(settings: Settings) -> str:
    """What button values are signed with: the same on every replica of one app."""
    for secret in (settings.slack_signing_secret, settings.slack_app_token):
        if secret is not None and secret.get_secret_value().strip():
            return secret.get_secret_value()
    raise ValueError("SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is needed to sign buttons")


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
    # The gate keeps requests in flight at or under the pool size, so every connection a
    # burst opens can be kept and reused rather than paying for a new TLS handshake; httpx
    # still drops idle ones after a few seconds.
    pooled = replace(
        http_settings or HttpSettings(),
        max_connections=settings.provider_max_connections,
        max_keepalive=settings.provider_max_connections,
    )
    cache = settings.provider_cache_seconds
    if settings.video_provider == "telnyx":
        key = settings.telnyx_api_key
        if key is None or not key.get_secret_value().strip():
            raise NotSupported("TELNYX_API_KEY is not set", provider="Telnyx")
        return TelnyxProvider.connect(
            settings.telnyx_base_url,
            key.get_secret_value(),
            http_settings=pooled,
            policy=policy,
            cache_seconds=cache,
        )
    base_url = settings.signalwire_url
    token = settings.signalwire_api_token
    if not base_url or not settings.signalwire_project_id or token is None:
        raise NotSupported("SignalWire settings are incomplete", provider="SignalWire")
    return SignalWireProvider.connect(
        base_url,
        settings.signalwire_project_id,
        token.get_secret_value(),
        http_settings=pooled,
        policy=policy,
        cache_seconds=cache,
    )


@dataclass
class Runtime:
    """The process's long-lived parts, closed together on shutdown."""

    settings: Settings
    provider: VideoProvider
    services: Services
    bolt: AsyncApp
    slack_session: aiohttp.ClientSession
    store: Store | None = None
    # The process's scheduler: the digests' jobs, and the approvals' (expiring requests,
    # finishing what a stopped process left half-done, settling what the database could
    # not record while it was down).
    jobs: Jobs | None = None
    # Posts the daily digests (every replica runs one; the store decides who posts).
    digest_scheduler: DigestScheduler | None = None
    # Sends what the outbox says RoomOps owes Slack (every replica runs one; rows are
    # claimed, so no two send the same one).
    deliverer: Deliverer | None = None

    def health(self) -> dict[str, Any]:
        """What /healthz says: cheap, from what recent provider calls saw."""
        provider = self.provider.health()
        return {"status": provider.status, "provider": provider.as_dict()}

    async def aclose(self) -> None:
        if self.digest_scheduler is not None:
            await self.digest_scheduler.stop()
        if self.jobs is not None:
            await self.jobs.stop()
        if self.deliverer is not None:
            # After what writes rows, before the session it sends through.
            await self.deliverer.stop()
        await self.provider.aclose()
        await self.slack_session.close()
        if self.store is not None:
            await self.store.aclose()


async def open_runtime(settings: Settings, **parts: Any) -> Runtime:
    """The runtime with its store open: the embedded SQLite database is migrated on start;
    any other must have been migrated already (`python -m bot migrate`, the release step)."""
    url = normalise_database_url(settings.database_url)
    store = await open_store(url, migrate_first=is_sqlite(url))
    try:
        return build_runtime(settings, store=store, **parts)
    except BaseException:
        await store.aclose()
        raise


def build_store_services(
    settings: Settings,
    store: Store,
    provider: VideoProvider,
    reads: ReadService,
    slack: WebApiSlack,
    deliverer: Deliverer,
    *,
    clock: Callable[[], datetime],
) -> tuple[DigestService, ApprovalService]:
    """The services that need the store: built once, handed to every listener and job."""
    digest = DigestService(
        provider,
        store.digests,
        slack,
        settings,
        clock=clock,
        outbox=store.outbox,
        on_owed=deliverer.poke,
    )
    approvals = ApprovalService(
        store=store,
        reads=reads,
        slack=slack,
        deliverer=deliverer,
        policy=approval_policy(settings),
        clock=clock,
    )
    return digest, approvals


def build_runtime(
    settings: Settings,
    *,
    provider: VideoProvider | None = None,
    clock: Callable[[], datetime] = utc_now,
    deliveries: SeenDeliveries | None = None,
    store: Store | None = None,
    approvals_interval: float = INTERVAL_SECONDS,
    settle_interval: float = SETTLE_SECONDS,
    retry_policy: RetryPolicy | None = None,
    digest_refresh: float = REFRESH_SECONDS,
    walk_limits: WalkLimits = REPLY_WALK,
    reply_seconds: float = REPLY_SECONDS,
    delivery: Mapping[str, Any] | None = None,
) -> Runtime:
    """Must run inside the event loop that will serve: the Slack HTTP session belongs to it.

    With a store, the scheduler (the digests' and the approvals' jobs) and the outbox's
    deliverer start here (the digests' targets are re-read every `digest_refresh` seconds;
    `delivery` tunes the deliverer's timings), and stop with the runtime. `walk_limits`
    bound each walk a reply makes, `reply_seconds` the reply itself."""
    provider = provider or build_provider(settings, policy=retry_policy)
    # One pool for every call to Slack: Web API calls and response_url replies alike.
    session = aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=SLACK_TIMEOUT_SECONDS),
        connector=aiohttp.TCPConnector(limit=SLACK_CONNECTIONS),
    )
    client = build_web_client(settings, session)
    # What the services ask of Slack, through the app's client (its retries, its timeout).
    slack = WebApiSlack(client)
    signer = ButtonSigner(button_secret(settings))
    reads = ReadService(provider, limits=walk_limits)
    deliverer = digest = approvals = None
    if store is not None:
        deliverer = build_deliverer(settings, store, session, clock=clock, **(delivery or {}))
        digest, approvals = build_store_services(
            settings, store, provider, reads, slack, deliverer, clock=clock
        )
    services = Services(
        settings=settings,
        reads=reads,
        client=client,
        responder=Responder(session, api_url=settings.slack_api_url),
        zones=UserZones(client),
        buttons=signer,
        more=MoreStates(signer, REGISTRY),
        clock=clock,
        store=store,
        digest=digest,
        reply_seconds=reply_seconds,
        deliverer=deliverer,
        approval_workflow=approvals,
    )
    bolt = build_bolt_app(settings, services, deliveries or MemoryDeliveries())
    jobs = scheduler = None
    if deliverer is not None and digest is not None and approvals is not None:
        deliverer.launch()
        jobs = Jobs()
        scheduler = DigestScheduler(digest, jobs, refresh_seconds=digest_refresh)
        schedule_approval_jobs(
            jobs, approvals, interval=approvals_interval, settle_interval=settle_interval
        )
        scheduler.start()
        jobs.start()
    return Runtime(settings, provider, services, bolt, session, store, jobs, scheduler, deliverer)


class _UnusedEnvTokenNotice(logging.Filter):
    """AsyncApp reads SLACK_BOT_TOKEN from the environment by itself when given no `token`,
    and warns that it "will be unused" when a `client` comes too: at every start where the
    token is in the environment, the usual way. No argument turns that read off, and the
    client (built from the settings) is what Bolt uses, so this one message is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_UNUSED_ENV_TOKEN_NOTICE = _UnusedEnvTokenNotice()


def build_bolt_app(settings: Settings, services: Services, deliveries: SeenDeliveries) -> AsyncApp:
    bolt_logger = logging.getLogger("slack_bolt")
    bolt_logger.addFilter(_UNUSED_ENV_TOKEN_NOTICE)  # once: the logger keeps one of each
    app = AsyncApp(
        client=services.client,
        # The HTTP edge (bot/slack/edge.py) has verified the raw bytes before Bolt sees a
        # request; Socket Mode payloads arrive over Slack's authenticated WebSocket.
        request_verification_enabled=False,
        # Bolt answers Slack as soon as a listener calls ack(); the work goes on after.
        process_before_response=False,
        logger=bolt_logger,
    )
    app.use(RoomOpsMiddleware(services, deliveries))
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
