"""A local stand-in for Slack's side of the conversation: the Web API and response_url.

The bot talks to it through the real slack_sdk client (``AsyncWebClient(base_url=api_url)``)
over a loopback socket, so what is exercised is the bot's real HTTP traffic, not a mock.
Everything runs on the caller's event loop; nothing here is thread-safe or meant to be.

Behaviour follows Slack where the bot can observe it: HTTP 200 with ``{"ok": false,
"error": ...}`` for API errors, ``not_authed`` without a token and ``invalid_auth`` with a
wrong one, HTTP 429 + ``Retry-After`` when rate limited, ``ok`` as text for response_url
posts, and the three-step external upload that ``files_upload_v2`` performs.

Socket Mode is served too: ``apps.connections.open`` (app-level token only) hands out a
``ws://`` URL on the same port, where a WebSocket greets the client with ``hello`` as Slack
does; a test pushes envelopes with ``socket_send`` and reads the client's acks with
``socket_wait_ack``. Pings are answered with pongs, so slack_sdk's health check stays happy.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import mimetypes
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import WSCloseCode, WSMsgType, web

from bot.ids import is_channel_id

__all__ = [
    "BOT_ID",
    "BOT_USER_ID",
    "SEEDED_CHANNELS",
    "SEEDED_USERS",
    "SOCKET_ENVELOPE_TYPES",
    "TEAM_ID",
    "ResponseUrlPost",
    "RunningSlackStandin",
    "SlackCall",
    "UploadedFile",
    "run_slack_standin",
]

log = logging.getLogger(__name__)

TEAM_ID = "T0STANDIN1"
TEAM_NAME = "RoomOps Stand-in"
APP_ID = "A0ROOMOPS1"
BOT_ID = "B0ROOMOPS1"
BOT_USER_ID = "U0ROOMOPS1"
BOT_USER_NAME = "roomops"
PERMALINK_DOMAIN = "roomops-standin.slack.com"

# user id -> (name, tz, is_admin); offsets are computed at start so labels match the season.
SEEDED_USERS: dict[str, tuple[str, str, bool]] = {
    "U0ALICE001": ("alice", "Europe/London", True),
    "U0BOB00002": ("bob", "America/New_York", False),
}
# channel id -> name
SEEDED_CHANNELS: dict[str, str] = {
    "C0GENERAL1": "general",
    "C0APPROVAL": "roomops-approvals",
    "C0DIGEST01": "roomops-digest",
}

# Form-encoded callers send these as JSON strings; decoding them here means tests see the
# same shapes whichever encoding the client chose.
_JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")
_MAX_UPLOAD_BYTES = 64 * 1024 * 1024


def _unseeded_channel(value: object) -> bool:
    """Shaped like a Slack channel id: accepted without registration so a demo or test can
    configure any APPROVAL_CHANNEL/DIGEST_CHANNEL without seeding it first. A direct
    message exists only with its user, so a D id must have been seeded."""
    return is_channel_id(value) and not value.startswith("D")


# What Slack pushes over a Socket Mode connection (besides hello and disconnect).
SOCKET_ENVELOPE_TYPES = ("slash_commands", "interactive", "events_api")
# Methods that take the app-level token (xapp-) and refuse any other kind.
_APP_TOKEN_METHODS = frozenset({"apps.connections.open"})

_TZ_LABELS = {
    "UTC": "Coordinated Universal Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "JST": "Japan Standard Time",
    "IST": "India Standard Time",
}

T = TypeVar("T")


@dataclass
class SlackCall:
    """One Web API request as the bot sent it, including refused and rate-limited ones."""

    method: str
    args: dict[str, Any]  # query, form and JSON merged; `token` is lifted out into .token
    token: str | None
    at: float
    status: int = 200
    error: str | None = None  # Slack's error code; None when the reply was ok

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass
class ResponseUrlPost:
    """What the bot POSTed to a response_url."""

    key: str
    body: dict[str, Any]
    at: float


@dataclass
class UploadedFile:
    """A file going through files.getUploadURLExternal -> upload -> completeUploadExternal."""

    id: str
    filename: str
    declared_length: int
    content: bytes | None = None  # None until the upload POST arrives
    title: str | None = None
    channel_id: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False

    @property
    def length(self) -> int:
        return len(self.content) if self.content is not None else 0


class _Refusal(Exception):
    """Raised by a method handler to answer ``{"ok": false, "error": code}``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


Handler = Callable[[dict[str, Any]], dict[str, Any]]


class RunningSlackStandin:
    """State and handlers of a running stand-in; get one from ``run_slack_standin``."""

    def __init__(self, bot_token: str, app_token: str = "xapp-standin") -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.base_url = ""
        self.api_url = ""
        self.calls: list[SlackCall] = []
        self.responses: list[ResponseUrlPost] = []
        # Channel messages by (channel id, ts); chat.update edits them in place.
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}  # user id -> published Home tab
        self.files: dict[str, UploadedFile] = {}
        # Called after every successful API call as (method, args) and after every
        # response_url post as ("response_url", body), so a console can echo them live.
        self.on_event: Callable[[str, dict[str, Any]], None] | None = None
        # Socket Mode: set while at least one client is connected (after its hello).
        self.socket_connected = asyncio.Event()
        self.socket_envelopes: list[dict[str, Any]] = []  # as pushed, oldest first
        self.socket_acks: dict[str, dict[str, Any]] = {}  # envelope_id -> the client's ack
        self.socket_connections = 0  # WebSockets ever accepted, reconnects included
        self._socket_keys: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []  # open ones, oldest first
        self._response_keys: set[str] = set()
        self._upload_secrets: dict[str, str] = {}  # secret path segment -> file id
        self._rate_limits: dict[str, list[int]] = {}  # method -> [remaining, retry_after]
        # Time-based faults: method -> (monotonic end, HTTP status, Retry-After or None).
        self._outages: dict[str, tuple[float, int, int | None]] = {}
        # method -> how many more calls are carried out and then left without an answer.
        self._drops: dict[str, int] = {}
        # response_url faults, oldest first: (HTTP status, seconds to stall before answering)
        self._response_faults: list[tuple[int, float]] = []
        self._last_ts_us = 0
        self._ids = 0
        self._changed = asyncio.Condition()
        self._handlers: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "apps.connections.open": self._apps_connections_open,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.getPermalink": self._chat_get_permalink,
            "users.info": self._users_info,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.open": self._conversations_open,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }
        self._seed()

    # ---- public helpers -------------------------------------------------------------

    def new_response_url(self) -> str:
        """A fresh URL the bot may POST to, like the response_url in a Slack payload."""
        key = secrets.token_hex(12)
        self._response_keys.add(key)
        return f"{self.base_url}/response/{key}"

    def calls_to(self, method: str) -> list[SlackCall]:
        return [c for c in self.calls if c.method == method]

    def responses_to(self, url: str) -> list[ResponseUrlPost]:
        key = _response_key(url)
        return [r for r in self.responses if r.key == key]

    # `timeout` is part of the agreed contract, so ASYNC109's advice to drop it cannot apply.
    async def wait_for_response(
        self,
        url: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[ResponseUrlPost]:
        """All posts to ``url`` (a response URL or its key) once there are at least ``count``."""
        return await self._wait(lambda: self.responses_to(url), count, timeout, f"posts to {url}")

    async def wait_for_call(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SlackCall]:
        """All calls to ``method`` (refused ones too) once there are at least ``count``."""
        return await self._wait(lambda: self.calls_to(method), count, timeout, f"{method} calls")

    def add_user(
        self,
        user_id: str,
        name: str,
        tz: str = "UTC",
        tz_offset: int = 0,
        is_admin: bool = False,
        *,
        real_name: str | None = None,
        is_bot: bool = False,
    ) -> None:
        shown = real_name or name
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "deleted": False,
            "real_name": shown,
            "tz": tz,
            "tz_label": _tz_label(tz),
            "tz_offset": tz_offset,
            "is_admin": is_admin,
            "is_owner": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
            "profile": {
                "real_name": shown,
                "real_name_normalized": shown,
                "display_name": name,
                "display_name_normalized": name,
                "team": TEAM_ID,
            },
        }

    def add_channel(
        self, channel_id: str, name: str, is_private: bool = False, *, is_member: bool = True
    ) -> None:
        """`is_member=False`: a channel the bot was not invited to (posting there fails if
        it is private)."""
        self.channels[channel_id] = _channel(channel_id, name, is_private=is_private)
        self.channels[channel_id]["is_member"] = is_member

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls to ``method`` with HTTP 429 and ``Retry-After``."""
        self._rate_limits[method] = [times, retry_after]

    def rate_limit_for(self, method: str, seconds: float, retry_after: int = 1) -> None:
        """Answer every call to ``method`` with HTTP 429 and ``Retry-After`` for the next
        ``seconds`` (by the clock, however often the bot asks)."""
        self._outages[method] = (time.monotonic() + seconds, 429, retry_after)

    def fail_for(self, method: str, seconds: float, status: int = 500) -> None:
        """Answer every call to ``method`` with HTTP ``status`` (a 5xx) for ``seconds``."""
        self._outages[method] = (time.monotonic() + seconds, status, None)

    def drop_after_accepting(self, method: str, times: int = 1) -> None:
        """Carry out the next ``times`` calls to ``method`` (a posted message is stored and
        shown in its channel), then close the connection without answering: Slack took it,
        the bot cannot know."""
        self._drops[method] = self._drops.get(method, 0) + times

    def fail_responses(self, times: int = 1, *, status: int = 503, stall: float = 0.0) -> None:
        """The next `times` response_url posts answer `status` after stalling `stall` s."""
        self._response_faults += [(status, stall)] * times

    def channel_messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages in a channel (by id), oldest first, as last updated."""
        return [m for (ch, _), m in sorted(self.messages.items()) if ch == channel]

    # ---- Socket Mode ----------------------------------------------------------------

    async def wait_socket_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Return once a Socket Mode client is connected and has been sent its hello."""
        try:
            async with asyncio.timeout(timeout):
                await self.socket_connected.wait()
        except TimeoutError:
            raise TimeoutError(f"no Socket Mode connection within {timeout}s") from None

    async def wait_socket_disconnected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Return once no Socket Mode client is connected (a client closing, say)."""
        await self._wait(
            lambda: [] if self._sockets else [True], 1, timeout, "Socket Mode clients to leave"
        )

    async def socket_send(
        self, envelope_type: str, payload: dict[str, Any], *, accepts_response_payload: bool = True
    ) -> str:
        """Push an envelope to the newest connected client, as Slack does; returns its id.

        ``payload`` is what Slack would have POSTed over HTTP: a slash command's form fields
        as a JSON object, an interaction's ``payload`` object, or an Events API callback.
        """
        if envelope_type not in SOCKET_ENVELOPE_TYPES:
            raise ValueError(
                f"unknown envelope type {envelope_type!r}; expected one of {SOCKET_ENVELOPE_TYPES}"
            )
        socket = self._live_socket()
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = 0
            envelope["retry_reason"] = ""
        self.socket_envelopes.append(envelope)
        await socket.send_json(envelope)
        return envelope_id

    async def socket_wait_ack(
        self,
        envelope_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The client's ack for ``envelope_id``: ``{"envelope_id": ..., "payload"?: ...}``."""

        def found() -> list[dict[str, Any]]:
            ack = self.socket_acks.get(envelope_id)
            return [ack] if ack is not None else []

        acks = await self._wait(found, 1, timeout, f"acks of envelope {envelope_id}")
        return acks[0]

    def _live_socket(self) -> web.WebSocketResponse:
        for socket in reversed(self._sockets):
            if not socket.closed:
                return socket
        raise RuntimeError("no Socket Mode client is connected")

    # ---- HTTP routes ----------------------------------------------------------------

    def install_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/v1/{secret}", self._upload)
        app.router.add_get("/socket-mode/{key}", self._socket)
        app.on_shutdown.append(self._close_sockets)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _request_args(request)
        token = _bearer(request) or _pop_str(args, "token")
        call = SlackCall(method=method, args=args, token=token, at=time.time())
        try:
            outage = self._take_outage(method)
            if outage is not None:
                status, retry_after = outage
                call.status, call.error = status, "ratelimited" if status == 429 else "outage"
                return _fault_response(status, retry_after)
            limited = self._take_rate_limit(method)
            if limited is not None:
                call.status, call.error = 429, "ratelimited"
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(limited)},
                )
            payload = self._dispatch(method, token, args)
        except _Refusal as refusal:
            call.error = refusal.code
            return web.json_response({"ok": False, "error": refusal.code})
        finally:
            self.calls.append(call)
            await self._notify()
        self._emit(method, args)
        if self._take_drop(method):
            call.error = "dropped"
            _hang_up(request)
        return web.json_response({"ok": True, **payload})

    def _dispatch(self, method: str, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        if not token:
            raise _Refusal("not_authed")
        # Slack tells a real token of the wrong kind apart from an unknown one.
        wanted, other = (
            (self.app_token, self.bot_token)
            if method in _APP_TOKEN_METHODS
            else (self.bot_token, self.app_token)
        )
        if token != wanted:
            raise _Refusal("not_allowed_token_type" if token == other else "invalid_auth")
        handler = self._handlers.get(method)
        if handler is None:
            raise _Refusal("unknown_method")
        return handler(args)

    async def _response_url(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        if key not in self._response_keys:
            # Slack answers an unknown or expired hook with 404 and a plain-text reason.
            return web.Response(status=404, text="expired_url")
        if self._response_faults:
            status, stall = self._response_faults.pop(0)
            await asyncio.sleep(stall)
            return web.Response(status=status, text="fault")
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return web.Response(status=400, text="invalid_payload")
        if not isinstance(body, dict):
            return web.Response(status=400, text="invalid_payload")
        self.responses.append(ResponseUrlPost(key=key, body=body, at=time.time()))
        await self._notify()
        self._emit("response_url", body)
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["key"] not in self._socket_keys:
            return web.Response(status=404, text="invalid_ticket")
        # autoping answers the client's "sdk-ping-pong:<time>" pings with matching pongs.
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        self.socket_connections += 1
        try:
            await socket.send_json(
                {
                    "type": "hello",
                    "num_connections": len(self._sockets),
                    "debug_info": {
                        "host": "applink-standin",
                        "build_number": 1,
                        "approximate_connection_time": 18060,
                    },
                    "connection_info": {"app_id": APP_ID},
                }
            )
            self.socket_connected.set()
            await self._notify()
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    await self._socket_message(message.data)
                elif message.type is WSMsgType.ERROR:
                    log.debug("Socket Mode connection failed: %s", socket.exception())
        except ConnectionResetError:
            pass  # the client went away mid-send; nothing to report
        finally:
            self._sockets.remove(socket)
            if not self._sockets:
                self.socket_connected.clear()
            await self._notify()
        return socket

    async def _socket_message(self, data: str) -> None:
        try:
            message = json.loads(data)
        except json.JSONDecodeError:
            log.debug("Socket Mode client sent non-JSON text: %r", data[:200])
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        if not isinstance(envelope_id, str):
            log.debug("Socket Mode client sent a message without an envelope_id: %r", data[:200])
            return
        self.socket_acks[envelope_id] = message
        await self._notify()

    async def _close_sockets(self, _: web.Application) -> None:
        # Slack's side going away; without this the handlers would be cut off at cleanup.
        for socket in list(self._sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = self._upload_secrets.get(request.match_info["secret"])
        if file_id is None:
            return web.Response(status=404, text="not_found")
        content = await _upload_bytes(request)
        upload = self.files[file_id]
        upload.content = content
        await self._notify()
        # The same text/plain answer files.slack.com gives; slack_sdk only checks the status.
        return web.Response(text=f"OK - {len(content)}")

    # ---- method handlers ------------------------------------------------------------

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"{self.base_url}/",
            "team": TEAM_NAME,
            "user": BOT_USER_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        key = secrets.token_hex(12)
        self._socket_keys.add(key)
        ws_base = "ws://" + self.base_url.removeprefix("http://")
        return {"url": f"{ws_base}/socket-mode/{key}"}

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        if channel.get("is_member") is False and channel.get("is_private"):
            # chat:write.public reaches public channels; a private one needs an invitation.
            raise _Refusal("not_in_channel")
        _require_content(args)
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": self._next_ts(),
            **_message_content(args),
        }
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        self.messages[(channel["id"], message["ts"])] = message
        return {"channel": channel["id"], "ts": message["ts"], "message": message}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        user = args.get("user")
        if not user:
            raise _Refusal("invalid_arguments")
        if user not in self.users:
            raise _Refusal("user_not_found")
        _require_content(args)
        ts = self._next_ts()
        self.ephemerals.append(
            {"channel": channel["id"], "user": user, "ts": ts, **_message_content(args)}
        )
        return {"message_ts": ts}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        ts = args.get("ts")
        if not ts:
            raise _Refusal("invalid_arguments")
        message = self.messages.get((channel["id"], str(ts)))
        if message is None:
            raise _Refusal("message_not_found")
        _require_content(args)
        message.update(_message_content(args))
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        return {
            "channel": channel["id"],
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": message,
        }

    def _chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        ts = str(args.get("message_ts") or "")
        if (channel["id"], ts) not in self.messages:
            raise _Refusal("message_not_found")
        # Shaped like Slack's: https, the workspace's domain, the channel and the ts.
        return {
            "channel": channel["id"],
            "permalink": f"https://{PERMALINK_DOMAIN}/archives/{channel['id']}/"
            f"p{ts.replace('.', '')}",
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = args.get("user")
        if not user_id:
            raise _Refusal("invalid_arguments")
        user = self.users.get(str(user_id))
        if user is None:
            raise _Refusal("user_not_found")
        return {"user": user}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id") and not args.get("interactivity_pointer"):
            raise _Refusal("invalid_arguments")
        view = _view_arg(args)
        stored = self._store_view(self._new_id("V"), view)
        return {"view": stored}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _view_arg(args)
        current = self._find_view(args.get("view_id"), args.get("external_id"))
        expected_hash = args.get("hash")
        if expected_hash and expected_hash != current["hash"]:
            raise _Refusal("hash_conflict")
        stored = self._store_view(current["id"], view, previous=current)
        return {"view": stored}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = args.get("user_id")
        if not user_id:
            raise _Refusal("invalid_arguments")
        view = _view_arg(args)
        if view.get("type") != "home":
            raise _Refusal("invalid_arguments")
        previous = self.home_views.get(str(user_id))
        expected_hash = args.get("hash")
        if previous is not None and expected_hash and expected_hash != previous["hash"]:
            raise _Refusal("hash_conflict")
        view_id = previous["id"] if previous is not None else self._new_id("V")
        stored = self._store_view(view_id, view, previous=previous)
        self.home_views[str(user_id)] = stored
        return {"view": stored}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = args.get("channel")
        channel = self.channels.get(str(channel_id)) if channel_id else None
        if channel is None and _unseeded_channel(channel_id):
            channel = self._resolve_channel(channel_id)
        if channel is None:
            raise _Refusal("channel_not_found")
        return {"channel": channel}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first, ``oldest``/``latest`` exclusive bounds, ``limit`` and ``cursor``
        paging; metadata only with ``include_all_metadata``, as Slack does."""
        channel = self.channels.get(str(args.get("channel") or ""))
        if channel is None:
            raise _Refusal("channel_not_found")
        if channel.get("is_member") is False:
            raise _Refusal("not_in_channel")
        try:
            oldest = float(args.get("oldest") or 0)
            latest = float(args.get("latest") or "inf")
            limit = min(max(int(args.get("limit") or 100), 1), 999)
            offset = int(str(args.get("cursor") or "0").removeprefix("offset:"))
        except ValueError:
            raise _Refusal("invalid_arguments") from None
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        found = [
            m
            for (ch, ts), m in sorted(self.messages.items(), reverse=True)
            if ch == channel["id"] and oldest < float(ts) < latest
        ]
        page = found[offset : offset + limit]
        more = offset + limit < len(found)
        shown = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page
        ]
        return {
            "messages": shown,
            "has_more": more,
            "response_metadata": {"next_cursor": f"offset:{offset + limit}" if more else ""},
        }

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
        if len(users) != 1:
            raise _Refusal("invalid_arguments" if not users else "not_supported")
        if users[0] not in self.users:
            raise _Refusal("user_not_found")
        channel = self._resolve_channel(users[0])
        return {"channel": {"id": channel["id"]}}

    def _files_get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = args.get("filename")
        try:
            length = int(args.get("length", ""))
        except (TypeError, ValueError):
            raise _Refusal("invalid_arguments") from None
        if not filename or length < 1:
            raise _Refusal("invalid_arguments")
        file_id = self._new_id("F")
        secret = secrets.token_hex(12)
        self._upload_secrets[secret] = file_id
        self.files[file_id] = UploadedFile(
            id=file_id, filename=str(filename), declared_length=length
        )
        return {"upload_url": f"{self.base_url}/upload/v1/{secret}", "file_id": file_id}

    def _files_complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        entries = args.get("files")
        if not isinstance(entries, list) or not entries:
            raise _Refusal("invalid_arguments")
        channel_arg = args.get("channel_id") or _first_csv(args.get("channels"))
        channel = self._resolve_channel(channel_arg) if channel_arg else None
        uploads = [self._uploaded(entry) for entry in entries]
        for upload, entry in zip(uploads, entries, strict=True):
            upload.title = str(entry.get("title") or upload.filename)
            upload.channel_id = channel["id"] if channel else None
            upload.initial_comment = _opt_str(args.get("initial_comment"))
            upload.thread_ts = _opt_str(args.get("thread_ts"))
            upload.completed = True
        return {"files": [self._file_object(u) for u in uploads]}

    # ---- internals ------------------------------------------------------------------

    def _seed(self) -> None:
        self.add_user(BOT_USER_ID, BOT_USER_NAME, is_bot=True, real_name="RoomOps")
        for user_id, (name, tz, is_admin) in SEEDED_USERS.items():
            self.add_user(user_id, name, tz, _tz_offset_now(tz), is_admin)
        for channel_id, name in SEEDED_CHANNELS.items():
            self.add_channel(channel_id, name)

    def _resolve_channel(self, value: Any) -> dict[str, Any]:
        """Find a channel the way Slack does: by id, by #name, or a user id meaning a DM."""
        if not isinstance(value, str) or not value:
            raise _Refusal("channel_not_found")
        if value in self.channels:
            return self.channels[value]
        name = value.removeprefix("#")
        for channel in self.channels.values():
            if channel.get("name") == name:
                return channel
        if value in self.users:
            dm_id = "D" + value[1:]
            self.channels.setdefault(dm_id, _channel(dm_id, None, im_user=value))
            return self.channels[dm_id]
        if _unseeded_channel(value):
            self.add_channel(value, value.lower(), is_private=value.startswith("G"))
            return self.channels[value]
        raise _Refusal("channel_not_found")

    def _find_view(self, view_id: Any, external_id: Any) -> dict[str, Any]:
        if not view_id and not external_id:
            raise _Refusal("invalid_arguments")
        for view in self.views.values():
            if (view_id and view["id"] == view_id) or (
                external_id and view.get("external_id") == external_id
            ):
                return view
        raise _Refusal("not_found")

    def _store_view(
        self, view_id: str, view: dict[str, Any], previous: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        stored = {
            **view,
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "root_view_id": previous["root_view_id"] if previous else view_id,
            "previous_view_id": None,
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
        }
        self.views[view_id] = stored
        return stored

    def _uploaded(self, entry: Any) -> UploadedFile:
        file_id = entry.get("id") if isinstance(entry, dict) else None
        upload = self.files.get(str(file_id)) if file_id else None
        if upload is None or upload.content is None:
            # Slack refuses to complete a file it never received bytes for.
            raise _Refusal("file_not_found")
        return upload

    def _file_object(self, upload: UploadedFile) -> dict[str, Any]:
        mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        shares: dict[str, Any] = {}
        if upload.channel_id:
            shares = {"public": {upload.channel_id: [{"ts": self._next_ts()}]}}
        return {
            "id": upload.id,
            "created": int(time.time()),
            "timestamp": int(time.time()),
            "name": upload.filename,
            "title": upload.title,
            "mimetype": mimetype,
            "filetype": upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "",
            "user": BOT_USER_ID,
            "size": upload.length,
            "url_private": f"{self.base_url}/files/{upload.id}/{upload.filename}",
            "channels": [upload.channel_id] if upload.channel_id else [],
            "shares": shares,
        }

    def _take_rate_limit(self, method: str) -> int | None:
        state = self._rate_limits.get(method)
        if state is None or state[0] <= 0:
            return None
        state[0] -= 1
        return state[1]

    def _take_outage(self, method: str) -> tuple[int, int | None] | None:
        outage = self._outages.get(method)
        if outage is None:
            return None
        until, status, retry_after = outage
        if time.monotonic() >= until:
            del self._outages[method]
            return None
        return status, retry_after

    def _take_drop(self, method: str) -> bool:
        left = self._drops.get(method, 0)
        if left <= 0:
            return False
        self._drops[method] = left - 1
        return True

    def _next_ts(self) -> str:
        # Slack ts values are unique per channel and increase; microseconds keep them so.
        now_us = max(int(time.time() * 1_000_000), self._last_ts_us + 1)
        self._last_ts_us = now_us
        return f"{now_us // 1_000_000}.{now_us % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}0{self._ids:09d}"

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _wait(
        self, found: Callable[[], list[T]], count: int, seconds: float, what: str
    ) -> list[T]:
        try:
            async with asyncio.timeout(seconds), self._changed:
                await self._changed.wait_for(lambda: len(found()) >= count)
        except TimeoutError:
            seen = len(found())
            raise TimeoutError(f"waited {seconds}s for {count} {what}; saw {seen}") from None
        return found()

    def _emit(self, kind: str, payload: dict[str, Any]) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(kind, payload)
        except Exception:
            # A broken printer in the demo console must not turn into a Slack API error.
            log.exception("slack stand-in on_event hook failed for %s", kind)


@asynccontextmanager
async def run_slack_standin(
    bot_token: str = "xoxb-standin",
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    app_token: str = "xapp-standin",
) -> AsyncIterator[RunningSlackStandin]:
    """Serve the stand-in on a loopback port (0 = any free one) for the life of the block.

    ``app_token`` is the app-level token ``apps.connections.open`` accepts (Socket Mode).
    """
    _require_loopback(host)
    standin = RunningSlackStandin(bot_token, app_token)
    app = web.Application(client_max_size=_MAX_UPLOAD_BYTES)
    standin.install_routes(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_port = runner.addresses[0][1]
        url_host = f"[{host}]" if ":" in host else host
        standin.base_url = f"http://{url_host}:{bound_port}"
        standin.api_url = f"{standin.base_url}/api/"
        yield standin
    finally:
        await runner.cleanup()


# ---- request parsing and small pure helpers -------------------------------------------


async def _request_args(request: web.Request) -> dict[str, Any]:
    """Merge query string and body the way Slack does, whichever encoding was used."""
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError:
            body = None
        if isinstance(body, dict):
            args.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    for name in _JSON_FIELDS:
        value = args.get(name)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            # Left as a string when broken; the handler then refuses it like Slack would.
            with contextlib.suppress(json.JSONDecodeError):
                args[name] = json.loads(value)
    return args


async def _upload_bytes(request: web.Request) -> bytes:
    # slack_sdk posts the raw bytes; other clients send a multipart "file" field.
    if request.content_type == "multipart/form-data":
        form = await request.post()
        for value in form.values():
            if isinstance(value, web.FileField):
                return value.file.read()
    return await request.read()


def _fault_response(status: int, retry_after: int | None) -> web.Response:
    if status == 429:
        return web.json_response(
            {"ok": False, "error": "ratelimited"},
            status=429,
            headers={"Retry-After": str(retry_after if retry_after is not None else 1)},
        )
    # What Slack's edge sends when it is unwell: a status and no API answer.
    return web.Response(status=status, text="Internal Server Error", content_type="text/html")


def _hang_up(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.abort()


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _pop_str(args: dict[str, Any], name: str) -> str | None:
    value = args.pop(name, None)
    return str(value) if value else None


def _opt_str(value: Any) -> str | None:
    return str(value) if value else None


def _first_csv(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.split(",")[0].strip() or None


def _require_content(args: Mapping[str, Any]) -> None:
    if not (args.get("text") or args.get("blocks") or args.get("attachments")):
        raise _Refusal("no_text")
    blocks = args.get("blocks")
    if blocks is not None and not isinstance(blocks, list):
        raise _Refusal("invalid_blocks")


def _message_content(args: Mapping[str, Any]) -> dict[str, Any]:
    content: dict[str, Any] = {"text": str(args.get("text") or "")}
    for name in ("blocks", "attachments", "metadata"):
        if args.get(name) is not None:
            content[name] = args[name]
    return content


def _view_arg(args: Mapping[str, Any]) -> dict[str, Any]:
    view = args.get("view")
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise _Refusal("invalid_arguments")
    return view


def _channel(
    channel_id: str, name: str | None, *, is_private: bool = False, im_user: str | None = None
) -> dict[str, Any]:
    is_im = im_user is not None
    channel: dict[str, Any] = {
        "id": channel_id,
        "created": int(time.time()),
        "is_channel": not is_im and not is_private,
        "is_group": is_private,
        "is_im": is_im,
        "is_private": is_private or is_im,
        "is_archived": False,
        "is_member": True,
    }
    if is_im:
        channel["user"] = im_user
    else:
        channel["name"] = name
        channel["name_normalized"] = name
    return channel


def _response_key(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _tz_offset_now(tz: str) -> int:
    try:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
    except ZoneInfoNotFoundError:
        return 0
    return int(offset.total_seconds()) if offset is not None else 0


def _tz_label(tz: str) -> str:
    try:
        abbreviation = datetime.now(ZoneInfo(tz)).tzname() or tz
    except ZoneInfoNotFoundError:
        return tz
    return _TZ_LABELS.get(abbreviation, abbreviation)


def _require_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the Slack stand-in only listens on loopback, not {host!r}")
