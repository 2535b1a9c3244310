"""Requests as Slack sends them to an app: form-encoded, signed with the signing secret.

The demo console and the tests use these to drive the real bot over HTTP.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.render.text import escape

TEAM_ID = "T0ROOMOPS1"


def signed_headers(secret: str, body: str, *, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }


def slash_command(
    text: str,
    *,
    response_url: str,
    user_id: str,
    channel_id: str,
    command: str = "/rooms",
    user_name: str = "demo",
) -> str:
    return urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "roomops-demo",
            "channel_id": channel_id,
            "channel_name": "demo",
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            # As Slack sends it: `&`, `<` and `>` as entities.
            "text": escape(text),
            "api_app_id": "A0ROOMOPS1",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{int(time.time() * 1000)}.demo",
        }
    )


def block_action(
    action: dict[str, Any],
    *,
    response_url: str,
    user_id: str,
    channel_id: str,
    message: dict[str, Any] | None = None,
) -> str:
    """A click on a button of an ephemeral message (what `block_actions` carries)."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "roomops-demo"},
        "user": {"id": user_id, "username": "demo", "team_id": TEAM_ID},
        "api_app_id": "A0ROOMOPS1",
        "token": "deprecated-verification-token",
        "container": {"type": "message", "is_ephemeral": True, "channel_id": channel_id},
        "trigger_id": f"{int(time.time() * 1000)}.demo",
        "channel": {"id": channel_id, "name": "demo"},
        "message": message or {},
        "response_url": response_url,
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission(view: dict[str, Any], *, user_id: str, values: dict[str, Any]) -> str:
    """A modal's submit: the view as Slack stored it, with the inputs' state."""
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "roomops-demo"},
        "user": {"id": user_id, "username": "demo", "team_id": TEAM_ID},
        "api_app_id": "A0ROOMOPS1",
        "token": "deprecated-verification-token",
        "trigger_id": f"{int(time.time() * 1000)}.demo",
        "view": {**view, "state": {"values": values}},
        "response_urls": [],
        "is_enterprise_install": False,
    }
    return urlencode({"payload": json.dumps(payload)})
