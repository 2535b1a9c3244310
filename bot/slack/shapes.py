"""What each kind of Slack payload must carry before Bolt and the listeners read it (pure).

Bolt's matchers and the listeners index into a payload as Slack shapes it (`actions[0]`,
`view["callback_id"]`, `user["id"]`): a signed payload shaped otherwise would raise inside
them and become a 500. Ids are held to Slack's rules (bot/ids.py) here, once, so a list
where a user id belongs never reaches a listener or the store.

Each check returns a reason safe to log (it names a field, never echoes a value) or None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.ids import is_channel_id, is_team_id, is_user_id

Check = Callable[[dict[str, Any]], str | None]
# Parts of a payload Bolt or a listener reads as an object whenever they are present.
_OBJECTS = ("message", "previous_message", "item", "container", "state", "view", "event")


def shape_problem(payload: dict[str, Any]) -> str | None:
    """Why this payload is not one Slack would send; None when it is well-formed."""
    if "command" in payload:
        return _command(payload)
    if "ssl_check" in payload:
        return None
    kind = payload.get("type")
    if not isinstance(kind, str) or not kind:
        return "no payload type"
    return _common(payload) or _BY_TYPE.get(kind, _nothing_more)(payload)


def _command(payload: dict[str, Any]) -> str | None:
    # A command is a form: every field is text already; what matters is which are there.
    command = payload.get("command")
    if not isinstance(command, str) or not command.startswith("/"):
        return "command is not a slash command"
    if not is_user_id(payload.get("user_id")):
        return "user_id is not a Slack user id"
    if not _text(payload.get("response_url")):
        return "no response_url"
    if "channel_id" in payload and not is_channel_id(payload["channel_id"]):
        return "channel_id is not a Slack channel id"
    if "team_id" in payload and not is_team_id(payload["team_id"]):
        return "team_id is not a Slack workspace id"
    return None


def _common(payload: dict[str, Any]) -> str | None:
    """What every JSON payload must satisfy wherever the part is present."""
    for name in _OBJECTS:
        if name in payload and not isinstance(payload[name], dict):
            return f"{name} is not an object"
    if "user" in payload and not _object_with_id(payload["user"], is_user_id):
        return "user.id is not a Slack user id"
    if payload.get("team") is not None and not _object_with_id(payload["team"], is_team_id):
        return "team.id is not a Slack workspace id"
    if payload.get("team_id") is not None and not is_team_id(payload["team_id"]):
        return "team_id is not a Slack workspace id"
    channel = payload.get("channel")
    if channel is not None and not _object_with_id(channel, is_channel_id):
        return "channel.id is not a Slack channel id"
    enterprise = payload.get("enterprise")
    if enterprise is not None and not isinstance(enterprise, dict | str):
        return "enterprise is not an object"
    if "response_url" in payload and not _text(payload["response_url"]):
        return "response_url is not a URL"
    urls = payload.get("response_urls")
    if urls is not None and not (
        isinstance(urls, list)
        and all(isinstance(u, dict) and _text(u.get("response_url")) for u in urls)
    ):
        return "response_urls is not a list of response URLs"
    authorizations = payload.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        return "authorizations is not a list of objects"
    return None


def _block_actions(payload: dict[str, Any]) -> str | None:
    if "user" not in payload:
        return "no user"
    actions = payload.get("actions")
    if not isinstance(actions, list) or not actions:
        return "actions is not a non-empty list"
    for action in actions:
        if not isinstance(action, dict) or not _text(action.get("action_id")):
            return "an action has no action_id"
        if not isinstance(action.get("block_id", ""), str):
            return "an action's block_id is not text"
    container = payload.get("container") or {}
    on_view = container.get("type") == "view"
    # Clicks on messages are answered through their response_url; clicks in a view carry
    # the view instead.
    if on_view and "view" not in payload:
        return "no view"
    if not on_view and "response_url" not in payload:
        return "no response_url"
    if "view" in payload:
        return _view(payload["view"], submitted=False)
    return _state(payload.get("state"), "state")


def _view_payload(payload: dict[str, Any]) -> str | None:
    if "user" not in payload:
        return "no user"
    if "view" not in payload:
        return "no view"
    return _view(payload["view"], submitted=payload.get("type") == "view_submission")


def _view(view: dict[str, Any], *, submitted: bool) -> str | None:
    if not _text(view.get("type")):
        return "view.type is missing"
    if not isinstance(view.get("callback_id", ""), str):
        return "view.callback_id is not text"
    if not isinstance(view.get("private_metadata", ""), str):
        return "view.private_metadata is not text"
    if submitted and "state" not in view:
        return "view.state is missing"
    return _state(view.get("state"), "view.state")


def _state(state: object, where: str) -> str | None:
    """`state.values` maps each block to its inputs, each input to its value object."""
    if state is None:
        return None
    if not isinstance(state, dict):
        return f"{where} is not an object"
    values = state.get("values", {})
    if not isinstance(values, dict) or not all(
        isinstance(block, dict) and all(isinstance(v, dict) for v in block.values())
        for block in values.values()
    ):
        return f"{where}.values is not an object of inputs"
    return None


def _event_callback(payload: dict[str, Any]) -> str | None:
    event = payload.get("event")
    if not isinstance(event, dict):
        return "event is not an object"
    if not _text(event.get("type")):
        return "event.type is missing"
    if not _text(payload.get("event_id")):
        return "no event_id"
    user = event.get("user")
    if user is not None and not (is_user_id(user) or _object_with_id(user, is_user_id)):
        return "event.user is not a Slack user id"
    if event["type"] == "app_home_opened" and not is_user_id(user):
        return "event.user is not a Slack user id"
    channel = event.get("channel")
    if channel is not None and not (
        is_channel_id(channel) or _object_with_id(channel, is_channel_id)
    ):
        return "event.channel is not a Slack channel id"
    return None


def _url_verification(payload: dict[str, Any]) -> str | None:
    return None if _text(payload.get("challenge")) else "no challenge"


def _nothing_more(_: dict[str, Any]) -> str | None:
    # Kinds RoomOps does not listen to: Bolt answers them "unhandled" without reading them.
    return None


def _object_with_id(value: object, rule: Callable[[object], bool]) -> bool:
    return isinstance(value, dict) and rule(value.get("id"))


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


_BY_TYPE: dict[str, Check] = {
    "block_actions": _block_actions,
    "view_submission": _view_payload,
    "view_closed": _view_payload,
    "event_callback": _event_callback,
    "url_verification": _url_verification,
}
