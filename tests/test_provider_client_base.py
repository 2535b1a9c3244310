"""Both provider clients open and close their HTTP layer through one base
(bot/providers/client_base.py): the same timeouts, pool, gate, headers and redirect rule,
each with only its own credentials, error reader and rate-limit reader."""

from __future__ import annotations

import base64

import httpx
import pytest

from bot.providers.client_base import ProviderClient
from bot.providers.errors import Invalid
from bot.providers.http import HttpSettings, RetryPolicy, retry_after_header
from bot.providers.signalwire import SignalWireProvider, parse_signalwire_errors
from bot.providers.telnyx import TelnyxProvider, parse_telnyx_errors, telnyx_retry_after

SETTINGS = HttpSettings(
    connect_timeout=1.5, read_timeout=2.5, write_timeout=3.5, pool_timeout=4.5, max_connections=3
)
POLICY = RetryPolicy(attempts=2, total_seconds=9.0)


def signalwire() -> SignalWireProvider:
    return SignalWireProvider.connect(
        "http://127.0.0.1:9/sw", "project", "token", http_settings=SETTINGS, policy=POLICY
    )


def telnyx() -> TelnyxProvider:
    return TelnyxProvider.connect(
        "http://127.0.0.1:9/v2", "KEYsecret", http_settings=SETTINGS, policy=POLICY
    )


@pytest.mark.parametrize("connect", [signalwire, telnyx])
async def test_each_client_is_opened_and_closed_the_same_way(connect: object) -> None:
    assert callable(connect)
    provider = connect()
    assert isinstance(provider, ProviderClient)
    http = provider._http
    client = http.client
    assert client.timeout == SETTINGS.timeout()
    assert client.headers["Accept"] == "application/json"
    assert client.headers["User-Agent"] == "RoomOps/0.1"
    assert client.follow_redirects is False
    assert http.max_concurrency == SETTINGS.max_connections  # the gate is the pool's size
    assert http.policy is POLICY
    assert http.provider == provider.label
    assert provider.health() == http.health()
    await provider.aclose()
    assert client.is_closed


def test_each_client_sends_only_its_own_credentials_and_readers() -> None:
    sw, tx = signalwire(), telnyx()
    basic = base64.b64encode(b"project:token").decode()
    request = sw._http.client.build_request("GET", "/rooms")
    assert isinstance(sw._http.client.auth, httpx.BasicAuth)
    assert next(sw._http.client.auth.auth_flow(request)).headers["Authorization"] == (
        f"Basic {basic}"
    )
    assert "Authorization" not in sw._http.client.headers
    assert tx._http.client.auth is None
    assert tx._http.client.headers["Authorization"] == "Bearer KEYsecret"
    assert sw._http._parse_errors is parse_signalwire_errors
    assert tx._http._parse_errors is parse_telnyx_errors
    assert sw._http._retry_after is retry_after_header
    assert tx._http._retry_after is telnyx_retry_after


@pytest.mark.parametrize("connect", [signalwire, telnyx])
async def test_a_malformed_id_is_refused_before_any_request_naming_the_provider(
    connect: object,
) -> None:
    assert callable(connect)
    provider = connect()
    typed = "x" * 500
    with pytest.raises(Invalid) as refused:
        await provider.get_room_session(typed)
    await provider.aclose()
    assert str(refused.value) == f"session id must be a UUID, got {'x' * 60!r}"
    assert refused.value.provider == provider.label
