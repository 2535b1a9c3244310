"""Secrets never reach a log line: not in messages, arguments or tracebacks."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import MASK, configure_logging

TOKEN = "xoxb-1234567890-secret-token"
API_TOKEN = "PT0123456789abcdef"
HOOK = "https://hooks.slack.com/commands/T0001/1234/AbCdEfGhIjKl"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    configure_logging(secrets=[TOKEN, API_TOKEN, "abc"])
    out = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(out)
    yield out
    root.handlers[:], root.level = saved, level


def test_messages_and_arguments_are_masked(stream: io.StringIO) -> None:
    logging.getLogger("t").info("token %s and %s", TOKEN, API_TOKEN)
    assert TOKEN not in stream.getvalue() and API_TOKEN not in stream.getvalue()
    assert stream.getvalue().count(MASK) == 2


def test_tracebacks_are_masked(stream: io.StringIO) -> None:
    try:
        raise RuntimeError(f"auth failed for {API_TOKEN} at {HOOK}")
    except RuntimeError:
        logging.getLogger("t").exception("boom")
    text = stream.getvalue()
    assert "Traceback" in text and "RuntimeError" in text
    assert API_TOKEN not in text and "AbCdEfGhIjKl" not in text


def test_response_urls_are_masked_and_short_values_are_not(stream: io.StringIO) -> None:
    logging.getLogger("t").warning("body: {'response_url': '%s'} abc", HOOK)
    text = stream.getvalue()
    assert "https://hooks.slack.com/[redacted]'" in text
    assert "abc" in text  # too short to be a secret; masking it would mask words
