"""The HTTP edge: what a request must be before anything in it is read, run or logged.

Slack signs every request. Until the signature and the timestamp check out, the body is a
stranger's bytes: it is not parsed, not handed to Bolt, not logged (only its size), and no
URL in it is called. Verified bodies that are not well-formed Slack payloads are refused
with a 4xx as well, so a parsing error can never become a 500 and a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock

# Slack's replay window: a signed request older (or newer) than this is refused.
MAX_SKEW_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class Rejected:
    """Refused before anything ran: the HTTP status, and a reason safe to log."""

    status: int
    reason: str


@dataclass(frozen=True)
class Admitted:
    """A verified, well-formed Slack request, ready for Bolt."""

    text: str
    # Identifies this delivery for duplicate detection: Slack signs each delivery anew, so a
    # replayed request carries the same signature.
    signature: str


def admit(
    raw: bytes, headers: Mapping[str, str], *, signing_secret: str, clock: Clock | None = None
) -> Admitted | Rejected:
    """Verify the signature and timestamp first, then the shape of the body (pure)."""
    lowered = {key.lower(): value for key, value in headers.items()}
    timestamp = lowered.get("x-slack-request-timestamp", "")
    signature = lowered.get("x-slack-signature", "")
    if not timestamp or not signature:
        return Rejected(401, "unsigned request (no Slack signature headers)")
    if not _TIMESTAMP.match(timestamp) or not _SIGNATURE.match(signature):
        return Rejected(401, "malformed Slack signature headers")
    if abs((clock or Clock()).now() - int(timestamp)) > MAX_SKEW_SECONDS:
        return Rejected(401, "stale or future request timestamp")
    if not hmac.compare_digest(slack_signature(signing_secret, timestamp, raw), signature):
        return Rejected(401, "invalid Slack signature")
    # From here on the bytes are Slack's; what is wrong with them is still refused, not raised.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Rejected(400, "body is not UTF-8")
    content_type = lowered.get("content-type", "")
    if not _utf8_charset(content_type):
        return Rejected(400, "body is not declared as UTF-8")
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in (FORM, JSON, ""):
        return Rejected(400, "body is not a Slack payload")
    return Admitted(text=text, signature=signature)


def bolt_request(
    admitted: Admitted, headers: Mapping[str, str], query: str, context: dict[str, Any]
) -> AsyncBoltRequest | Rejected:
    """The admitted request as Bolt reads it, parsed once; a body Bolt cannot read, or
    that is not shaped like a Slack payload, is refused rather than raised."""
    try:
        request = AsyncBoltRequest(
            body=admitted.text, query=query, headers=dict(headers), context=context
        )
    except (ValueError, RecursionError, AttributeError, TypeError):
        # JSON that does not parse, or parses to something other than an object, which
        # Bolt's own reading of the body then trips over.
        return Rejected(400, "body is not a Slack payload")
    body: object = request.body
    if not isinstance(body, dict) or not _has_slack_shape(body):
        return Rejected(400, "body is not a Slack payload")
    return request


def slack_signature(signing_secret: str, timestamp: str, raw: bytes) -> str:
    """Slack's v0 signature over the bytes as received.

    slack_sdk's SignatureVerifier does the same over text, decoding bytes as UTF-8 first and
    raising on anything else; a stranger's bytes must be verified before they are decoded.
    """
    message = b"v0:" + timestamp.encode() + b":" + raw
    return "v0=" + hmac.new(signing_secret.encode(), message, hashlib.sha256).hexdigest()


def _utf8_charset(content_type: str) -> bool:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower() in ("utf-8", "utf8")
    return True


def _has_slack_shape(payload: dict[str, Any]) -> bool:
    """What the listeners take for granted: a command has a user and a reply address."""
    if "command" in payload:
        return all(
            isinstance(payload.get(key), str) and payload[key]
            for key in ("command", "user_id", "response_url")
        )
    return isinstance(payload.get("type"), str) or "ssl_check" in payload
