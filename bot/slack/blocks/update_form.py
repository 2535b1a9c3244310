"""The `/rooms update ROOM` form (a modal), filled with the room's current values, and how
its submission reads back (pure).

Every field is an input whose block id is the field's name; a field counts as asked for
only when the submitted value differs from the one the form was filled with, so a field
nobody touched never becomes a change (or a refusal).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.providers.catalogue import Catalogue, FieldSpec, JsonValue
from bot.render.kit import Block, bold, context, section

FORM_CALLBACK = "rooms_update_form"
FORM_PURPOSE = "rooms_update_form"
ACTION = "value"
PLAIN_INPUT_LIMIT = 3000
# Labels as a person reads them; the field's own name follows, as typed commands use it.
LABELS: dict[str, str] = {
    "display_name": "Display name",
    "description": "Description",
    "max_members": "Most members at once (1–300)",
    "quality": "Quality",
    "join_from": "Join from (RFC 3339 time or date)",
    "join_until": "Join until (RFC 3339 time or date)",
    "remove_at": "Remove members at (RFC 3339 time or date)",
    "remove_after_seconds_elapsed": "Remove members after N seconds (1–200000)",
    "layout": "Layout",
    "record_on_start": "Record on start",
    "enable_room_previews": "Room previews",
    "sync_audio_video": "Sync audio and video",
    "meta": "Meta (a JSON object)",
    # Telnyx
    "unique_name": "Room name (letters, digits, _ and -)",
    "max_participants": "Most participants at once (2–50)",
    "enable_recording": "Recording",
    "webhook_event_url": "Webhook URL",
    "webhook_event_failover_url": "Failover webhook URL (empty for none)",
    "webhook_timeout_secs": "Webhook timeout in seconds (0–30, empty for the default)",
}
FLAG_OPTIONS = (("true", "Yes"), ("false", "No"))


def loading_view(ref: str) -> dict[str, Any]:
    """Opened at once (the trigger lasts 3 s); the filled form replaces it."""
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": _plain("Update room"),
        "close": _plain("Cancel"),
        "blocks": [section(f":hourglass_flowing_sand: Reading the current values of {bold(ref)}…")],
    }


def problem_view(message: str) -> dict[str, Any]:
    """The form when the room cannot be read: what went wrong (already escaped)."""
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": _plain("Update room"),
        "close": _plain("Close"),
        "blocks": [section(f":warning: {message}")],
    }


def form_view(
    room_name: str, current: Mapping[str, JsonValue], metadata: str, catalogue: Catalogue
) -> dict[str, Any]:
    """The form of the catalogue's fields, each filled with `current` (raw text as a person
    would type it)."""
    blocks: list[Block] = [
        section(
            f"Change any field of {bold(room_name)}; the others stay as they are. An approver "
            "decides before anything is applied."
        ),
    ]
    if catalogue.form_note is not None:
        blocks.append(context(catalogue.form_note))
    blocks += [_input(spec, current.get(spec.name)) for spec in catalogue.fields.values()]
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": _plain("Update room"),
        "submit": _plain("Ask for approval"),
        "close": _plain("Cancel"),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def as_text(value: JsonValue) -> str:
    """A value as a person would type it in the form (and as `parse_value` reads it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class Submitted:
    """The fields a person changed in the form: (field, raw text), in the form's order."""

    changed: tuple[tuple[str, str], ...]


def read_submission(view: Mapping[str, Any], catalogue: Catalogue) -> Submitted:
    """Which fields differ from what the form was filled with (raw, not yet validated)."""
    values = (view.get("state") or {}).get("values") or {}
    shown = _initial_values(view.get("blocks") or [])
    changed: list[tuple[str, str]] = []
    for name in catalogue.fields:
        entry = (values.get(name) or {}).get(ACTION)
        if not isinstance(entry, dict):
            continue
        now = _submitted_text(entry)
        if now != shown.get(name, ""):
            changed.append((name, now))
    return Submitted(tuple(changed))


# -- pieces ---------------------------------------------------------------------------------


def _input(spec: FieldSpec, value: JsonValue) -> Block:
    text = as_text(value)
    element: Block
    if spec.kind in ("choice", "flag"):
        pairs = FLAG_OPTIONS if spec.kind == "flag" else tuple((c, c) for c in spec.choices)
        options = [_option(key, shown) for key, shown in pairs]
        element = {"type": "static_select", "action_id": ACTION, "options": options}
        chosen = next((option for option in options if option["value"] == text), None)
        if chosen is not None:
            element["initial_option"] = chosen
    else:
        element = {
            "type": "plain_text_input",
            "action_id": ACTION,
            "multiline": spec.name in ("description", "meta"),
            "max_length": min(spec.max_length or PLAIN_INPUT_LIMIT, PLAIN_INPUT_LIMIT),
            "placeholder": _plain(spec.example.partition("=")[2].strip("'\"")[:150]),
        }
        if text:
            element["initial_value"] = text[:PLAIN_INPUT_LIMIT]
    return {
        "type": "input",
        "block_id": spec.name,
        "optional": True,
        "label": _plain(LABELS.get(spec.name, spec.name)),
        "hint": _plain(f"{spec.name}: {spec.rule}"[:2000]),
        "element": element,
    }


def _initial_values(blocks: list[Any]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for block in blocks:
        if not isinstance(block, dict) or block.get("type") != "input":
            continue
        element = block.get("element") or {}
        if not isinstance(element, dict):
            continue
        name = str(block.get("block_id") or "")
        option = element.get("initial_option")
        if isinstance(option, dict):
            shown[name] = str(option.get("value") or "")
        elif isinstance(element.get("initial_value"), str):
            shown[name] = element["initial_value"]
    return shown


def _submitted_text(entry: Mapping[str, Any]) -> str:
    if entry.get("type") == "static_select":
        option = entry.get("selected_option")
        return str(option.get("value") or "") if isinstance(option, dict) else ""
    value = entry.get("value")
    return value if isinstance(value, str) else ""


def _option(value: str, text: str) -> Block:
    return {"text": _plain(text), "value": value}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}
