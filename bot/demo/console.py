"""The demo console: types `/rooms ...` and presses buttons the way Slack would, signed,
over HTTP to the real bot, and prints what the bot posts back."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.demo.render_text import Button, no_such_button, render_message
from bot.ids import CHANNEL_ID, USER_ID
from simulators.slack_api import RunningSlackStandin
from simulators.slack_payloads import block_action, signed_headers, slash_command

DEMO_USER = "U0ALICE001"
DEMO_CHANNEL = "C0GENERAL1"
REPLY_TIMEOUT = 30.0

CONSOLE_HELP = """Type a slash command as in Slack, e.g. /rooms sessions, /rooms help.
press N     click button [N] (press alone: the only button, or a list of them)
as NAME     act as another person: alice asks for room updates, bob approves them
quit        leave the demo (Ctrl-D and Ctrl-C too)"""
# What the console shows of the bot's own Slack calls (replies to commands arrive through
# their response_url and are shown by `_send`).
_SHOWN_CALLS = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "views.update",
        "files.completeUploadExternal",
    }
)
_NUMBER = re.compile(r"\[?([0-9]+)\]?")
_MENTION = re.compile(rf"@({USER_ID.pattern})\b")
_CHANNEL_ID = re.compile(rf"#({CHANNEL_ID.pattern})\b")


def pick_button(which: str, buttons: Sequence[Button]) -> tuple[int, Button] | str:
    """The button `press WHICH` means (numbered from 1), or what to tell the user instead."""
    which = which.strip()
    match = _NUMBER.fullmatch(which)
    if match and 1 <= int(match.group(1)) <= len(buttons):
        number = int(match.group(1))
        return number, buttons[number - 1]
    if not which and len(buttons) == 1:
        return 1, buttons[0]
    if not which and not buttons:
        return "There is no button to press yet; try /rooms sessions first."
    listing = "\n".join(f"  [{n}] {button.label}" for n, button in enumerate(buttons, 1))
    if not which:
        return f"Which button? Type press N, one of:\n{listing}"
    refusal = no_such_button(which, len(buttons))
    return f"{refusal}\n{listing}" if buttons else refusal


@dataclass
class Console:
    bot_url: str
    signing_secret: str
    slack: RunningSlackStandin
    out: Callable[[str], None] = print
    user_id: str = DEMO_USER
    channel_id: str = DEMO_CHANNEL
    buttons: list[Button] = field(default_factory=list)
    last_message: dict[str, Any] = field(default_factory=dict)
    # Waits (briefly) until the messages the last step owes are in Slack: the outbox sends
    # them just after the reply, and the console shows them before the next prompt.
    owed_sent: Callable[[], Awaitable[None]] | None = None

    _form: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        # Messages the bot posts to channels and people (approval requests, their updates,
        # direct messages) are shown as they happen, like Slack would show them.
        self.slack.on_event = self._slack_event

    async def handle(self, line: str) -> bool:
        """Run one console line; False when the user asked to leave."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if line in ("quit", "exit", "q"):
            return False
        if line in ("help", "?"):
            self.out(CONSOLE_HELP)
        elif line.startswith("/rooms"):
            await self.command(line.removeprefix("/rooms").strip())
        elif line.split(maxsplit=1)[0] == "press":
            await self.press(line.removeprefix("press").strip())
        elif line.split(maxsplit=1)[0] == "as":
            self.switch_user(line.removeprefix("as").strip())
        else:
            self.out(
                "Type /rooms help, press N, as NAME, or quit (help shows the console's commands)."
            )
        return True

    def switch_user(self, name: str) -> None:
        by_name = {
            str(user["name"]): user_id
            for user_id, user in self.slack.users.items()
            if not user.get("is_bot")
        }
        user_id = by_name.get(name.lower().lstrip("@"))
        if user_id is None:
            self.out(f"There is no {name or 'one'} here; try one of: {', '.join(sorted(by_name))}.")
            return
        self.user_id = user_id
        self.out(f"(you are {name.lower().lstrip('@')} now)")

    async def command(self, text: str) -> None:
        url = self.slack.new_response_url()
        body = slash_command(
            text, response_url=url, user_id=self.user_id, channel_id=self.channel_id
        )
        await self._send(body, url)

    async def press(self, which: str) -> None:
        picked = pick_button(which, self.buttons)
        if isinstance(picked, str):
            self.out(picked)
            return
        number, button = picked
        self.out(f"(pressing [{number}] {button.label})")
        url = self.slack.new_response_url()
        body = block_action(
            button.action,
            response_url=url,
            user_id=self.user_id,
            channel_id=self.channel_id,
            message=self.last_message,
        )
        await self._send(body, url)

    async def _send(self, body: str, response_url: str) -> None:
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(
                f"{self.bot_url}/slack/events",
                content=body,
                headers=signed_headers(self.signing_secret, body),
            )
        ack_ms = (time.monotonic() - started) * 1000
        if response.status_code != 200:
            self.out(f"(the bot answered HTTP {response.status_code})")
            return
        if response.content:
            self.out(f"(acknowledged in {ack_ms:.0f} ms, with a reply)")
            self._show(response.json())
            return
        self.out(f"(acknowledged in {ack_ms:.0f} ms)")
        self._form.clear()
        reply = asyncio.ensure_future(
            self.slack.wait_for_response(response_url, timeout=REPLY_TIMEOUT)
        )
        form = asyncio.ensure_future(self._form.wait())
        # A command that opens a form has no reply: the form is the answer.
        await asyncio.wait((reply, form), return_when=asyncio.FIRST_COMPLETED)
        form.cancel()
        if not reply.done():
            reply.cancel()
            return
        try:
            posts = reply.result()
        except TimeoutError:
            self.out(f"(no reply within {REPLY_TIMEOUT:.0f} s)")
            return
        for post in posts:
            self._show(post.body)
        if self.owed_sent is not None:
            await self.owed_sent()

    def _slack_event(self, method: str, args: dict[str, Any]) -> None:
        if method not in _SHOWN_CALLS:
            return
        if method == "views.update":
            self.out(
                "  (a form opened in Slack, filled with the room's values; the console cannot "
                "fill forms: type /rooms update ROOM field=value ... instead)"
            )
            self._form.set()
            return
        if method == "files.completeUploadExternal":
            # The digest's chart: a console cannot show the image, only that it went up.
            for entry in args.get("files") or []:
                upload = (
                    self.slack.files.get(str(entry.get("id"))) if isinstance(entry, dict) else None
                )
                if upload is not None:
                    where = self._where(str(args.get("channel_id") or ""), None)
                    self.out(
                        f"  (image {upload.filename} uploaded to {where}, "
                        f"{upload.length / 1024:.0f} KB: {upload.title})"
                    )
            return
        channel = str(args.get("channel") or "")
        if channel in self.slack.users:
            self.out(f"  (direct message to {self.slack.users[channel]['name']})")
        else:
            where = self._where(channel, args.get("user"))
            verb = "updated in" if method == "chat.update" else "posted to"
            self.out(f"  (message {verb} {where})")
        self._show({"text": args.get("text"), "blocks": args.get("blocks")}, indent="    ")

    def _where(self, channel: str, user: object) -> str:
        known = self.slack.channels.get(channel)
        name = f"#{known['name']}" if known and known.get("name") else channel
        if isinstance(user, str) and user in self.slack.users:
            return f"{name}, only for {self.slack.users[user]['name']}"
        return name

    def _named(self, line: str) -> str:
        # Mentions read as names, as Slack shows them.
        line = _MENTION.sub(
            lambda m: "@" + str(self.slack.users.get(m.group(1), {}).get("name") or m.group(1)),
            line,
        )
        return _CHANNEL_ID.sub(
            lambda m: "#" + str(self.slack.channels.get(m.group(1), {}).get("name") or m.group(1)),
            line,
        )

    def _show(self, message: dict[str, Any], indent: str = "  ") -> None:
        rendered = render_message(message)
        for line in rendered.lines:
            self.out(indent + self._named(line))
        if rendered.buttons:
            self.buttons = rendered.buttons
            self.last_message = message
