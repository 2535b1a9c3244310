"""Logging set-up, with a last line of defence that masks secrets in every line written."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

MASK = "[redacted]"
# A response_url lets whoever holds it post into the conversation for 30 minutes: it is a
# capability like a token, wherever it appears (a payload Bolt logs, an exception's text).
_RESPONSE_URL = re.compile(r"(https://hooks\.slack(?:-gov)?\.com/)[^\s\"'<>,)]+")


class MaskingFormatter(logging.Formatter):
    """Masks known secret values and Slack response URLs in the whole formatted record:
    the message, its arguments, and the traceback and stack text that follow it."""

    def __init__(self, secrets: Iterable[str], fmt: str | None = None, datefmt: str | None = None):
        super().__init__(fmt, datefmt)
        # Very short values would mask ordinary words; real tokens are long.
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return self.mask(super().format(record))

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return _RESPONSE_URL.sub(rf"\g<1>{MASK}", text)


def configure_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        MaskingFormatter(
            secrets, "%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S"
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request at INFO; the provider layer logs what matters.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # APScheduler logs every run of every job at INFO: twice a minute, saying nothing.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
