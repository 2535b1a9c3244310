"""manifest.yaml obeys Slack's app-manifest rules and says what the product needs; Procfile too.

The schema below restates the rules of Slack's published manifest schema (slackapi/
manifest-schema, v1) that matter for this app, tightened where Slack's server is stricter
than that file: request URLs must be https, scopes and events must be names Slack knows, and
an app not in Socket Mode must give request URLs for what it enables.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

# jsonschema ships no type hints, and types-jsonschema is not among the dev dependencies.
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.subcommands.registry import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
# The bot-token scopes each Slack Web API method the bot may call needs (Slack's method
# reference). A method missing here fails the test below: add it with its scopes.
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "auth_test": frozenset(),
    "chat_getPermalink": frozenset(),
    "chat_postEphemeral": frozenset({"chat:write"}),
    # A user id as the channel posts to the app's DM with that person: chat:write is enough.
    "chat_postMessage": frozenset({"chat:write"}),
    "chat_update": frozenset({"chat:write"}),
    # The outbox's look for an earlier post, in a public, private or DM channel.
    "conversations_history": frozenset({"channels:history", "groups:history", "im:history"}),
    "conversations_open": frozenset({"im:write"}),
    "files_upload_v2": frozenset({"files:write"}),
    "users_info": frozenset({"users:read"}),
    "views_open": frozenset(),
    "views_publish": frozenset(),
    "views_update": frozenset(),
}
# Scopes no method call shows: the slash command itself; posting to an APPROVAL_CHANNEL or
# a digest channel the bot was not invited to. (files:write follows from files_upload_v2.)
SCOPES_BEYOND_CALLS = {"commands", "chat:write.public"}
# The commands this release ships: the usage hint must keep offering each of them.
# That it offers nothing the grammar does not run is tests/test_advertised.py's job.
SHIPPED_SUBCOMMANDS = REGISTRY.names
# The Slack stand-in and the demo console play Slack's part; they are not the app's calls.
NOT_THE_APP = ("simulator", "demo")

# Bot-token scopes from Slack's scope reference; extend when the app needs a new one.
KNOWN_BOT_SCOPES = [
    "app_mentions:read",
    "assistant:write",
    "bookmarks:read",
    "bookmarks:write",
    "calls:read",
    "calls:write",
    "canvases:read",
    "canvases:write",
    "channels:history",
    "channels:join",
    "channels:manage",
    "channels:read",
    "channels:write.invites",
    "channels:write.topic",
    "chat:write",
    "chat:write.customize",
    "chat:write.public",
    "commands",
    "dnd:read",
    "emoji:read",
    "files:read",
    "files:write",
    "groups:history",
    "groups:read",
    "groups:write",
    "groups:write.invites",
    "groups:write.topic",
    "im:history",
    "im:read",
    "im:write",
    "incoming-webhook",
    "links.embed:write",
    "links:read",
    "links:write",
    "metadata.message:read",
    "mpim:history",
    "mpim:read",
    "mpim:write",
    "pins:read",
    "pins:write",
    "reactions:read",
    "reactions:write",
    "reminders:read",
    "reminders:write",
    "remote_files:read",
    "remote_files:share",
    "remote_files:write",
    "team:read",
    "usergroups:read",
    "usergroups:write",
    "users.profile:read",
    "users:read",
    "users:read.email",
    "users:write",
]
# Events API event types a bot may subscribe to; extend as above.
KNOWN_BOT_EVENTS = [
    "app_home_opened",
    "app_mention",
    "app_uninstalled",
    "assistant_thread_started",
    "channel_archive",
    "channel_created",
    "channel_rename",
    "channel_unarchive",
    "emoji_changed",
    "file_shared",
    "link_shared",
    "member_joined_channel",
    "member_left_channel",
    "message.channels",
    "message.groups",
    "message.im",
    "message.mpim",
    "pin_added",
    "pin_removed",
    "reaction_added",
    "reaction_removed",
    "team_join",
    "tokens_revoked",
    "user_change",
]

HTTPS_URL: dict[str, Any] = {"type": "string", "pattern": r"^https://[^\s/]+(/\S*)?$"}


def _closed(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """An object schema that rejects unknown keys, as Slack's manifest parser does."""
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": required or [],
    }


def _text(min_length: int, max_length: int) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


SLASH_COMMAND = _closed(
    {
        "command": {"type": "string", "minLength": 2, "maxLength": 32, "pattern": r"^/[^\s/]+$"},
        "url": {**HTTPS_URL, "maxLength": 3000},
        "description": _text(1, 2000),
        "usage_hint": _text(1, 1000),
        "should_escape": {"type": "boolean"},
    },
    ["command", "description"],
)

SETTINGS = _closed(
    {
        "allowed_ip_address_ranges": {"type": "array", "items": {"type": "string"}},
        "event_subscriptions": _closed(
            {
                "request_url": {**HTTPS_URL, "maxLength": 3500},
                "bot_events": {
                    "type": "array",
                    "items": {"enum": KNOWN_BOT_EVENTS},
                    "maxItems": 100,
                    "uniqueItems": True,
                },
                "user_events": {"type": "array", "maxItems": 100, "uniqueItems": True},
            }
        ),
        "interactivity": _closed(
            {
                "is_enabled": {"type": "boolean"},
                "request_url": {**HTTPS_URL, "maxLength": 3500},
                "message_menu_options_url": {**HTTPS_URL, "maxLength": 3500},
            },
            ["is_enabled"],
        ),
        "org_deploy_enabled": {"type": "boolean"},
        "socket_mode_enabled": {"type": "boolean"},
        "token_rotation_enabled": {"type": "boolean"},
    }
)

# Over HTTP (not Socket Mode) Slack has nowhere to send what the app enables without a URL.
HTTP_MODE_NEEDS_URLS: dict[str, Any] = {
    "if": {
        "properties": {
            "settings": {"properties": {"socket_mode_enabled": {"const": False}}},
        },
    },
    "then": {
        "properties": {
            "settings": {
                "properties": {
                    "event_subscriptions": {"required": ["request_url"]},
                    "interactivity": {
                        "if": {"properties": {"is_enabled": {"const": True}}},
                        "then": {"required": ["request_url"]},
                    },
                },
            },
            "features": {
                "properties": {"slash_commands": {"items": {"required": ["url"]}}},
            },
        },
    },
}

MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    **_closed(
        {
            "_metadata": _closed(
                {
                    "major_version": {"type": "integer", "minimum": 1},
                    "minor_version": {"type": "integer", "minimum": 0},
                }
            ),
            "display_information": _closed(
                {
                    "name": _text(1, 35),
                    "description": _text(1, 140),
                    "long_description": _text(175, 4000),
                    "background_color": {
                        "type": "string",
                        "pattern": r"^#([0-9a-fA-F]{3}){1,2}$",
                    },
                },
                ["name"],
            ),
            "features": _closed(
                {
                    "app_home": _closed(
                        {
                            "home_tab_enabled": {"type": "boolean"},
                            "messages_tab_enabled": {"type": "boolean"},
                            "messages_tab_read_only_enabled": {"type": "boolean"},
                        }
                    ),
                    "bot_user": _closed(
                        {
                            "display_name": {**_text(1, 80), "pattern": r"^[a-z0-9._-]+$"},
                            "always_online": {"type": "boolean"},
                        },
                        ["display_name"],
                    ),
                    "slash_commands": {
                        "type": "array",
                        "items": SLASH_COMMAND,
                        "minItems": 1,
                        "maxItems": 50,
                    },
                }
            ),
            "oauth_config": _closed(
                {
                    "redirect_urls": {"type": "array", "items": HTTPS_URL},
                    "scopes": _closed(
                        {
                            "bot": {
                                "type": "array",
                                "items": {"enum": KNOWN_BOT_SCOPES},
                                "maxItems": 255,
                                "uniqueItems": True,
                            },
                            "user": {"type": "array", "items": {"type": "string"}},
                        }
                    ),
                }
            ),
            "settings": SETTINGS,
        },
        ["_metadata", "display_information", "features", "oauth_config", "settings"],
    ),
    **HTTP_MODE_NEEDS_URLS,
}

VALIDATOR = Draft202012Validator(MANIFEST_SCHEMA)


def _load_manifest() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture
def manifest() -> dict[str, Any]:
    return _load_manifest()


def _problems(document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in VALIDATOR.iter_errors(document)
    ]


def _rooms_command(manifest: dict[str, Any]) -> dict[str, Any]:
    commands = manifest["features"]["slash_commands"]
    matching = [c for c in commands if c["command"] == "/rooms"]
    assert len(matching) == 1, commands
    command: dict[str, Any] = matching[0]
    return command


def test_schema_is_itself_valid() -> None:
    Draft202012Validator.check_schema(MANIFEST_SCHEMA)


def test_manifest_obeys_slack_schema(manifest: dict[str, Any]) -> None:
    assert _problems(manifest) == []
    assert manifest["_metadata"]["major_version"] == 1


def slack_methods_used() -> set[str]:
    """Every Slack Web API method the bot's code names (`client.chat_update(...)`, or the
    method handed on uncalled, as `_call(self._client.chat_postMessage, ...)` does)."""
    methods = set(vars(AsyncWebClient))
    used: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        if path.relative_to(ROOT / "bot").parts[0] in NOT_THE_APP:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in methods:
                used.add(node.attr)
    return used


def test_the_code_calls_slack_methods_this_test_knows() -> None:
    used = slack_methods_used()
    assert {"chat_postMessage", "users_info", "views_open"} <= used, "the bot's calls were not read"
    assert sorted(used - set(METHOD_SCOPES)) == []


def test_manifest_grants_exactly_the_scopes_the_code_needs(manifest: dict[str, Any]) -> None:
    needed = set().union(*(METHOD_SCOPES[method] for method in slack_methods_used()))
    scopes = manifest["oauth_config"]["scopes"]
    assert sorted(scopes["bot"]) == sorted(needed | SCOPES_BEYOND_CALLS)
    assert "user" not in scopes


def test_rooms_command_is_declared_over_http(manifest: dict[str, Any]) -> None:
    rooms = _rooms_command(manifest)
    assert rooms["url"] == "https://roomops.example.com/slack/events"
    assert rooms["should_escape"] is False
    # The first word of each ` | `-separated alternative (`UUID|NAME` is not one).
    offered = {alt.split()[0] for alt in re.split(r"\s+\|\s+", rooms["usage_hint"].strip())}
    assert set(SHIPPED_SUBCOMMANDS) <= offered, set(SHIPPED_SUBCOMMANDS) - offered
    # Word for word the registry's usage lines, in help's order: a subcommand added to the
    # registry but not to manifest.yaml (or a usage line changed in one place) fails here.
    assert rooms["usage_hint"] == REGISTRY.manifest_hint()


def test_every_request_url_is_the_bolt_endpoint(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    urls = [
        _rooms_command(manifest)["url"],
        settings["interactivity"]["request_url"],
        settings["event_subscriptions"]["request_url"],
    ]
    assert all(url.startswith("https://") and url.endswith("/slack/events") for url in urls)


def test_home_tab_and_its_event(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"]
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_settings_are_http_mode_without_rotation(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    *parents, leaf = path.split(".")

    def mutate(document: dict[str, Any]) -> None:
        node: Any = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(leaf) if leaf.isdigit() else leaf] = value

    return mutate


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    *parents, leaf = path.split(".")

    def mutate(document: dict[str, Any]) -> None:
        node: Any = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[leaf]

    return mutate


# name -> (how to break a copy, where the validator must report the problem)
BROKEN_COPIES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "http command url": (
        _set("features.slash_commands.0.url", "http://roomops.example.com/slack/events"),
        "features/slash_commands/0/url",
    ),
    "http interactivity url": (
        _set("settings.interactivity.request_url", "http://roomops.example.com/slack/events"),
        "settings/interactivity/request_url",
    ),
    "unknown scope": (
        _set("oauth_config.scopes.bot", ["commands", "rooms:admin"]),
        "oauth_config/scopes/bot/1",
    ),
    "duplicated scope": (
        _set("oauth_config.scopes.bot", ["commands", "commands"]),
        "oauth_config/scopes/bot",
    ),
    "no slash command": (_set("features.slash_commands", []), "features/slash_commands"),
    "command without slash": (
        _set("features.slash_commands.0.command", "rooms"),
        "features/slash_commands/0/command",
    ),
    "command too long": (
        _set("features.slash_commands.0.command", "/" + "r" * 32),
        "features/slash_commands/0/command",
    ),
    "usage hint too long": (
        _set("features.slash_commands.0.usage_hint", "x" * 1001),
        "features/slash_commands/0/usage_hint",
    ),
    "name too long": (_set("display_information.name", "R" * 36), "display_information/name"),
    "description too long": (
        _set("display_information.description", "d" * 141),
        "display_information/description",
    ),
    "bad colour": (
        _set("display_information.background_color", "navy"),
        "display_information/background_color",
    ),
    "unknown event": (
        _set("settings.event_subscriptions.bot_events", ["room_opened"]),
        "settings/event_subscriptions/bot_events/0",
    ),
    "missing display information": (_delete("display_information"), "<root>"),
    "missing events url over http": (
        _delete("settings.event_subscriptions.request_url"),
        "settings/event_subscriptions",
    ),
    "missing interactivity url over http": (
        _delete("settings.interactivity.request_url"),
        "settings/interactivity",
    ),
    "missing command url over http": (
        _delete("features.slash_commands.0.url"),
        "features/slash_commands/0",
    ),
    "misspelt setting": (_set("settings.socket_mode", False), "settings"),
    "string instead of boolean": (
        _set("features.app_home.home_tab_enabled", "yes"),
        "features/app_home/home_tab_enabled",
    ),
}


@pytest.mark.parametrize("breakage", sorted(BROKEN_COPIES))
def test_broken_copies_fail_validation(manifest: dict[str, Any], breakage: str) -> None:
    mutate, where = BROKEN_COPIES[breakage]
    broken = copy.deepcopy(manifest)
    mutate(broken)
    problems = _problems(broken)
    assert problems, f"{breakage} was accepted"
    assert [p.split(": ", 1)[0] for p in problems] == [where], problems


def test_socket_mode_copy_may_omit_request_urls(manifest: dict[str, Any]) -> None:
    # The URL rules are conditional on HTTP mode, not blanket requirements.
    socket = copy.deepcopy(manifest)
    socket["settings"]["socket_mode_enabled"] = True
    del socket["settings"]["event_subscriptions"]["request_url"]
    del socket["settings"]["interactivity"]["request_url"]
    del socket["features"]["slash_commands"][0]["url"]
    assert _problems(socket) == []


def test_procfile_runs_serve_and_migrates_on_release() -> None:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    processes = dict(line.split(": ", 1) for line in lines if line.strip())
    assert processes == {
        "web": "python -m bot serve",
        "release": "python -m bot migrate",
    }
