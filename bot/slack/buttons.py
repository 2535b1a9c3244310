"""Button values: signed by the bot on the way out, verified and re-validated on the way back.

A value comes back from Slack in a click, and Slack only vouches that the click happened,
not that the value is one we wrote: anything in it could have been edited. Values are
signed with a key derived from the app's secret (so every replica agrees) and bound to
their purpose, so a value made for one button is worthless on another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from bot.render.kit import BUTTON_VALUE_LIMIT

_KEY_CONTEXT = b"roomops/button-values/v1"
STALE_BUTTON = "That button no longer works. Run the command again to get fresh buttons."


class ButtonRefused(Exception):
    """A button value that is not one of ours (tampered, foreign, or from an old release)."""

    def __init__(self, message: str = STALE_BUTTON) -> None:
        super().__init__(message)
        self.message = message


class ButtonSigner:
    def __init__(self, secret: str | bytes) -> None:
        raw = secret.encode() if isinstance(secret, str) else secret
        if not raw:
            raise ValueError("a button signing key needs a secret")
        # A key of its own, so that the signing secret itself never signs anything but Slack's.
        self._key = hmac.new(raw, _KEY_CONTEXT, hashlib.sha256).digest()
        self._serializers: dict[str, URLSafeSerializer] = {}

    @classmethod
    def ephemeral(cls) -> ButtonSigner:
        """A signer whose values only this process accepts (tests and renderer defaults)."""
        return cls(secrets.token_bytes(32))

    def sign(self, purpose: str, data: Any) -> str:
        return str(self._serializer(purpose).dumps(data))

    def unsign(self, purpose: str, value: object) -> Any:
        if not isinstance(value, str) or not value or len(value) > BUTTON_VALUE_LIMIT:
            raise ButtonRefused()
        try:
            return self._serializer(purpose).loads(value)
        except (BadData, ValueError, UnicodeError):
            raise ButtonRefused() from None

    def _serializer(self, purpose: str) -> URLSafeSerializer:
        serializer = self._serializers.get(purpose)
        if serializer is None:
            # URLSafeSerializer compresses when that helps, which keeps list states short.
            serializer = URLSafeSerializer(
                self._key, salt=purpose, signer_kwargs={"digest_method": hashlib.sha256}
            )
            self._serializers[purpose] = serializer
        return serializer
