"""`serve` (HTTP: POST /slack/events, GET /healthz) and `socket` (Socket Mode)."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.app import Runtime, open_runtime
from bot.logs import configure_logging
from bot.providers.errors import NotSupported
from bot.settings import Mode, Settings, SettingsError, load_settings
from bot.slack.edge import Rejected, admit, bolt_request, encoding_refusal
from bot.slack.services import DELIVERY_KEY, VERIFIED_KEY
from bot.store.errors import StoreError

log = logging.getLogger("bot.serve")
EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1024 * 1024
# Slack sends a payload in one go and wants its answer within 3 s: a body still arriving
# after this long is a client holding the connection open.
BODY_SECONDS = 10.0


def build_web_app(
    bolt: AsyncApp,
    *,
    signing_secret: str,
    health: Callable[[], dict[str, Any]] | None = None,
    body_seconds: float = BODY_SECONDS,
) -> web.Application:
    if not signing_secret:
        raise ValueError("HTTP mode needs SLACK_SIGNING_SECRET")

    async def events(request: web.Request) -> web.StreamResponse:
        raw = await read_body(request, seconds=body_seconds)
        if isinstance(raw, Rejected):
            log.info("refused a request: %s", raw.reason)
            return web.json_response({"error": raw.reason}, status=raw.status)
        verdict = admit(raw, request.headers, signing_secret=signing_secret)
        if isinstance(verdict, Rejected):
            # The body is a stranger's: its size is all that is logged of it.
            log.info("refused a request: %s (%d bytes)", verdict.reason, len(raw))
            return web.json_response({"error": verdict.reason}, status=verdict.status)
        context = {VERIFIED_KEY: True, DELIVERY_KEY: verdict.signature}
        parsed = bolt_request(verdict, request.headers, request.query_string, context)
        if isinstance(parsed, Rejected):
            log.info("refused a request: %s (%d bytes)", parsed.reason, len(raw))
            return web.json_response({"error": parsed.reason}, status=parsed.status)
        response = await bolt.async_dispatch(parsed)
        return await to_aiohttp_response(response)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response(health() if health else {"status": "ok"})

    # Slack's payloads are small; a large body is not from Slack.
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(EVENTS_PATH, events)
    app.router.add_get("/healthz", healthz)
    return app


async def read_body(request: web.BaseRequest, *, seconds: float) -> bytes | Rejected:
    """The body's bytes, or why there are none: checked for encoding and size before a
    byte is read, and read within `seconds`. aiohttp raises for a body that breaks off or
    is badly chunked; from a stranger that is a 4xx and one line, not a traceback."""
    refused = encoding_refusal(request.headers)
    if refused is not None:
        return refused
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return Rejected(413, "body larger than a Slack payload")
    try:
        async with asyncio.timeout(seconds):
            return await request.read()
    except web.HTTPRequestEntityTooLarge:
        return Rejected(413, "body larger than a Slack payload")
    except TimeoutError:
        return Rejected(408, "body not received in time")
    except (web.RequestPayloadError, HttpProcessingError, ConnectionError) as exc:
        # The message of a parsing error quotes the stranger's bytes: only its kind is kept.
        return Rejected(400, f"body could not be read ({type(exc).__name__})")


class ServerLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """aiohttp's server log. A request aiohttp cannot parse (bad chunking, a broken
    header) or a client gone mid-request is logged there with its traceback, and the
    message quotes the stranger's bytes: those become one line naming the kind of failure.
    Anything else keeps its traceback."""

    def exception(self, msg: object, *args: object, **kwargs: Any) -> None:
        error = kwargs.get("exc_info")
        if not isinstance(error, BaseException):
            error = sys.exc_info()[1]
        if isinstance(error, web.RequestPayloadError | HttpProcessingError | ConnectionError):
            log.info("refused a request: unreadable (%s)", type(error).__name__)
            return
        kwargs.setdefault("exc_info", True)
        self.logger.error(msg, *args, **kwargs)


def edge_runner(web_app: web.Application) -> web.AppRunner:
    """The aiohttp runner for the edge: bodies are taken as sent (a Content-Encoding is
    refused, never decoded), and requests aiohttp cannot parse are logged in one line."""
    return web.AppRunner(
        web_app,
        access_log=None,
        auto_decompress=False,
        logger=ServerLog(logging.getLogger("aiohttp.server")),
    )


@dataclass
class RunningServer:
    url: str


@asynccontextmanager
async def serve_http(
    runtime: Runtime, *, host: str = "0.0.0.0", port: int = 3000
) -> AsyncIterator[RunningServer]:
    secret = runtime.settings.slack_signing_secret
    web_app = build_web_app(
        runtime.bolt,
        signing_secret=secret.get_secret_value() if secret else "",
        health=runtime.health,
    )
    runner = edge_runner(web_app)
    try:
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1] if runner.addresses else port
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        yield RunningServer(f"http://{shown}:{bound}")
    finally:
        await runner.cleanup()
        await runtime.aclose()


def settle_garbage_collector() -> None:
    """Everything imported and built at start-up lives as long as the process: moving it
    out of the collector's sight keeps full collections, which can land in the middle of
    a burst of requests, short."""
    gc.collect()
    gc.freeze()


def run_server(mode: Mode) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    problems = settings.problems(mode)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    configure_logging(secrets=settings.secret_values())
    try:
        return asyncio.run(_serve(settings, mode))
    except NotSupported as exc:
        print(f"VIDEO_PROVIDER: {exc}", file=sys.stderr)
        return 2


@asynccontextmanager
async def serve_socket(runtime: Runtime, app_token: str) -> AsyncIterator[object]:
    """Socket Mode: Slack pushes the same payloads over a WebSocket; acks go back on it."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    # The handler opens the connection through the app's WebClient, so SLACK_API_URL applies.
    handler = AsyncSocketModeHandler(runtime.bolt, app_token)
    try:
        # slack_sdk's connect() retries every failure forever; asking for the URL first makes
        # a refused token fail at once with Slack's error instead of hanging.
        handler.client.wss_uri = await handler.client.issue_new_wss_url()
        await handler.connect_async()  # type: ignore[no-untyped-call]
        yield handler
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await runtime.aclose()


async def _serve(settings: Settings, mode: Mode) -> int:
    try:
        runtime = await open_runtime(settings)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if mode == "socket":
        assert settings.slack_app_token is not None  # checked by problems("socket")
        try:
            async with serve_socket(runtime, settings.slack_app_token.get_secret_value()):
                log.info("RoomOps connected in Socket Mode")
                await stop.wait()
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else "error"
            print(f"SLACK_APP_TOKEN: Slack refused it ({error})", file=sys.stderr)
            return 2
        return 0
    try:
        async with serve_http(runtime, port=settings.port):
            log.info("RoomOps listening on 0.0.0.0:%d%s", settings.port, EVENTS_PATH)
            settle_garbage_collector()
            await stop.wait()
    except OSError as exc:  # the port is taken, or not ours to bind
        print(f"PORT: cannot listen on 0.0.0.0:{settings.port} ({exc.strerror})", file=sys.stderr)
        return 2
    return 0
