"""The demo console: types `/rooms ...` and presses buttons the way Slack would, signed,
over HTTP to the real bot, and prints what the bot posts back."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.demo.render_text import Button, no_such_button, render_message
from bot.simulator.slack_api import RunningSlackStandin
from bot.simulator.slack_payloads import block_action, signed_headers, slash_command

DEMO_USER = "U0ALICE001"
DEMO_CHANNEL = "C0GENERAL1"
REPLY_TIMEOUT = 30.0

CONSOLE_HELP = """Type a slash command as in Slack, e.g. /rooms sessions, /rooms help.
press N     click button [N] (press alone: the only button, or a list of them)
quit        leave the demo (Ctrl-D and Ctrl-C too)"""
_NUMBER = re.compile(r"\[?([0-9]+)\]?")


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
        else:
            self.out("Type /rooms help, press N, or quit (help shows the console's commands).")
        return True

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
        try:
            posts = await self.slack.wait_for_response(response_url, timeout=REPLY_TIMEOUT)
        except TimeoutError:
            self.out(f"(no reply within {REPLY_TIMEOUT:.0f} s)")
            return
        for post in posts:
            self._show(post.body)

    def _show(self, message: dict[str, Any]) -> None:
        rendered = render_message(message)
        for line in rendered.lines:
            self.out("  " + line)
        if rendered.buttons:
            self.buttons = rendered.buttons
            self.last_message = message
