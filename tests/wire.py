"""What each provider's API is asked, for tests that run on both simulators: the same
behaviour, each provider's own paths and query parameters."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from simulators import AnySimulator, RecordedRequest, RunningTelnyxSimulator


def is_telnyx(sim: AnySimulator) -> bool:
    return isinstance(sim, RunningTelnyxSimulator)


def label(sim: AnySimulator) -> str:
    return "Telnyx" if is_telnyx(sim) else "SignalWire"


def sessions_path(sim: AnySimulator) -> str:
    return "/v2/room_sessions" if is_telnyx(sim) else "/api/video/room_sessions"


def api_prefix(sim: AnySimulator) -> str:
    return "/v2/" if is_telnyx(sim) else "/api/"


def session_lists(sim: AnySimulator) -> list[RecordedRequest]:
    return [r for r in sim.requests if r.path == sessions_path(sim)]


def sessions_query(
    sim: AnySimulator,
    *,
    size: int,
    page: int = 1,
    room_id: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """The query a first (or `page`th) page of sessions is asked with."""
    if is_telnyx(sim):
        query: dict[str, Any] = {"page[size]": str(size), "page[number]": str(page)}
        if room_id:
            query["filter[room_id]"] = room_id
        if status:
            query["filter[active]"] = "true" if status == "in-progress" else "false"
        return query
    query = {"page_size": str(size)}
    if room_id:
        query["room_id"] = room_id
    if status:
        query["status"] = status
    return query


def writes(sim: AnySimulator) -> list[RecordedRequest]:
    """Room updates: SignalWire's PUTs, Telnyx's PATCHes."""
    return [r for r in sim.requests if r.method in ("PUT", "PATCH")]


def credential_settings(sim: AnySimulator) -> tuple[str, ...]:
    if is_telnyx(sim):
        return ("TELNYX_API_KEY",)
    return ("SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_API_TOKEN")


def wrong_credentials(sim: AnySimulator, value: str) -> dict[str, Any]:
    if is_telnyx(sim):
        return {"telnyx_api_key": SecretStr(value)}
    return {"signalwire_api_token": SecretStr(value)}


# -- room updates: the same change in each provider's words ----------------------------------


def members_field(sim: AnySimulator) -> str:
    return "max_participants" if is_telnyx(sim) else "max_members"


def recording_field(sim: AnySimulator) -> str:
    return "enable_recording" if is_telnyx(sim) else "record_on_start"


def room_path(sim: AnySimulator, room_id: str) -> str:
    return f"/v2/rooms/{room_id}" if is_telnyx(sim) else f"/api/video/rooms/{room_id}"


def write_method(sim: AnySimulator) -> str:
    return "PATCH" if is_telnyx(sim) else "PUT"


def room_value(sim: AnySimulator, room_id: str, field: str) -> Any:
    """A room's field as the provider shows it now, by the provider's own name."""
    if isinstance(sim, RunningTelnyxSimulator):
        shown = sim.room(room_id)
        assert shown is not None, room_id
        return getattr(shown, field)
    found = next(room for room in sim.dataset.rooms if room.id == room_id)
    return getattr(found, field)
