"""Who may use RoomOps (pure rules), and which deliveries are the same one."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.access import actor, refusal
from bot.slack.deliveries import MemoryDeliveries, delivery_key


def test_user_and_channel_lists() -> None:
    assert refusal("U1", "C1", allowed_users=(), allowed_channels=()) is None
    assert refusal("U1", "C1", allowed_users=("U1",), allowed_channels=("C1",)) is None
    user = refusal("U2", "C1", allowed_users=("U1",), allowed_channels=())
    assert user and "ALLOWED_USERS" in user
    channel = refusal("U1", "C2", allowed_users=(), allowed_channels=("C1",))
    assert channel and "<#C1>" in channel


@pytest.mark.parametrize("channel", [None, ""])
def test_a_channel_payload_without_a_channel_is_refused_when_channels_are_listed(
    channel: str | None,
) -> None:
    reason = refusal("U1", channel, allowed_users=(), allowed_channels=("C1",))
    assert reason and "ALLOWED_CHANNELS" in reason
    assert refusal("U1", channel, allowed_users=(), allowed_channels=()) is None


def test_the_users_own_surfaces_skip_the_channel_list_but_not_the_user_list() -> None:
    assert refusal("U1", None, allowed_users=(), allowed_channels=("C1",), in_channel=False) is None
    user = refusal("U2", None, allowed_users=("U1",), allowed_channels=(), in_channel=False)
    assert user and "ALLOWED_USERS" in user


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"command": "/rooms", "user_id": "U", "channel_id": "C"}, ("U", "C", True)),
        ({"command": "/rooms", "user_id": "U"}, ("U", None, True)),
        ({"command": "/rooms", "user_id": "U", "channel_id": ""}, ("U", None, True)),
        (
            {"type": "block_actions", "user": {"id": "U"}, "channel": {"id": "C"}},
            ("U", "C", True),
        ),
        ({"type": "block_actions", "user": {"id": "U"}}, ("U", None, True)),
        (
            {"type": "block_actions", "user": {"id": "U"}, "container": {"type": "view"}},
            ("U", None, False),
        ),
        (
            {"event": {"type": "app_home_opened", "user": "U", "channel": "D1", "tab": "home"}},
            ("U", None, False),
        ),
        ({"event": {"type": "message", "user": "U", "channel": "C"}}, ("U", "C", True)),
        ({"type": "view_submission", "user": {"id": "U"}}, ("U", None, False)),
        ({"type": "block_actions", "user": "U", "channel": ["C"]}, (None, None, True)),
    ],
)
def test_actor_of_every_payload_kind(
    body: dict[str, Any], expected: tuple[str | None, str | None, bool]
) -> None:
    assert actor(body) == expected


def test_delivery_keys() -> None:
    event = {"type": "event_callback", "event_id": "Ev1", "event": {}}
    assert delivery_key(event, "v0=aa") == "event:Ev1"
    assert delivery_key({"command": "/rooms"}, "v0=aa") == "signature:v0=aa"
    assert delivery_key({"command": "/rooms"}, None) is None


async def test_each_delivery_is_served_once() -> None:
    seen = MemoryDeliveries(seconds=60)
    assert await seen.first_time("signature:v0=aa")
    assert not await seen.first_time("signature:v0=aa")
    assert await seen.first_time("signature:v0=bb")
