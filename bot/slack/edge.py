"""The HTTP edge: what a request must be before anything in it is read, run or logged.

Slack signs every request. Until the signature and the timestamp check out, the body is a
stranger's bytes: it is not parsed, not handed to Bolt, not logged (only its size), and no
URL in it is called. An encoded body is refused before it is read. Verified bodies that
are not well-formed Slack payloads (bot/slack/shapes.py) are refused with a 4xx as well, so
a parsing error can never become a 500 and a traceback. The edge parses the body itself and
hands Bolt the result.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock

from bot.slack.shapes import shape_problem

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
    # Declared as JSON (events); otherwise a form (commands, interactive payloads).
    json: bool = False


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
    # Bolt reads an undeclared body that opens like an object as JSON; so does the edge.
    is_json = media == JSON or (media == "" and text.lstrip().startswith("{"))
    return Admitted(text=text, signature=signature, json=is_json)


def encoding_refusal(headers: Mapping[str, str]) -> Rejected | None:
    """Slack sends its bodies as they are: any other Content-Encoding is refused before a
    byte of the body is read (or decoded, which a hostile body can make costly) (pure)."""
    for key, value in headers.items():  # every one, should the header come twice
        if key.lower() == "content-encoding" and value.strip().lower() not in ("", "identity"):
            return Rejected(415, "Content-Encoding other than identity")
    return None


def parse_payload(admitted: Admitted) -> dict[str, Any] | Rejected:
    """The payload a verified body carries (pure).

    JSON bodies (events) are the object itself; form bodies are either an interactive
    payload (a `payload` field holding JSON) or a command's fields. Bolt's own parser
    decides by looking for the word "payload" anywhere in the body, so a command that
    mentions it, or comes from a channel or workspace named after it, would be refused.
    """
    text = admitted.text
    try:
        if admitted.json:
            parsed: object = json.loads(text)
        else:
            fields = dict(parse_qsl(text, keep_blank_values=True))
            parsed = json.loads(fields["payload"]) if "payload" in fields else fields
    except (ValueError, RecursionError):
        return Rejected(400, "body is not a Slack payload")
    if not isinstance(parsed, dict):
        return Rejected(400, "body is not a Slack payload")
    problem = shape_problem(parsed)
    if problem is not None:
        return Rejected(400, f"malformed Slack payload: {problem}")
    return parsed


class ParsedRequest(AsyncBoltRequest):
    """An HTTP request for Bolt whose body the edge has parsed and checked.

    Bolt takes a parsed body only in Socket Mode, and re-parses the raw text of an HTTP
    request with the parser `parse_payload` replaces; so the request is built the Socket
    Mode way and then marked as HTTP, with the raw text kept as Bolt would keep it.
    """

    def __init__(
        self,
        *,
        raw_body: str,
        body: dict[str, Any],
        query: str | Mapping[str, Sequence[str]],
        headers: Mapping[str, str | Sequence[str]],
        context: dict[str, Any],
    ) -> None:
        super().__init__(
            body=body,
            query=query if isinstance(query, str) else dict(query),
            headers={key: _header_value(value) for key, value in headers.items()},
            context=context,
            mode="socket_mode",
        )
        self.mode = "http"
        self.raw_body = raw_body

    def to_copyable(self) -> ParsedRequest:
        return ParsedRequest(
            raw_body=self.raw_body,
            body=self.body,
            query=self.query,
            headers=self.headers,
            context=self.context.to_copyable(),
        )


def bolt_request(
    admitted: Admitted, headers: Mapping[str, str], query: str, context: dict[str, Any]
) -> AsyncBoltRequest | Rejected:
    """The admitted request as Bolt reads it, parsed once; a body that is not shaped like
    a Slack payload is refused rather than raised inside Bolt."""
    payload = parse_payload(admitted)
    if isinstance(payload, Rejected):
        return payload
    try:
        return ParsedRequest(
            raw_body=admitted.text, body=payload, query=query, headers=headers, context=context
        )
    except (ValueError, RecursionError, AttributeError, TypeError):
        # A shape the checks above let through and Bolt's context building trips over.
        return Rejected(400, "body is not a Slack payload")


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


def _header_value(value: str | Sequence[str]) -> str | list[str]:
    return value if isinstance(value, str) else list(value)
