"""The simulators' `/__sim/` steering surface, the same for SignalWire and Telnyx: faults,
latency, paging that never ends, the request log and changing a room behind the bot's back.
Each app registers it with how to find its state and how it shows a changed room."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from aiohttp import web

from simulators.faults import FaultPlan, fault_from_json


class SteeredState(Protocol):
    faults: FaultPlan
    requests: list[Any]

    @property
    def latency(self) -> float: ...

    def set_latency(self, seconds: float) -> None: ...

    def set_paging(self, mode: str) -> None:
        """ "normal", or the simulator's broken paging (ValueError for one it lacks)."""
        ...

    def change_room(self, room_id: str, fields: Mapping[str, Any]) -> Any: ...


S = TypeVar("S", bound=SteeredState)


def pending_json(plan: FaultPlan) -> list[dict[str, Any]]:
    return [fault.to_json() | {"remaining": remaining} for fault, remaining in plan.pending()]


async def admin_json(request: web.Request) -> object:
    try:
        return json.loads(await request.read() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(reason="body must be JSON") from exc


def add_admin_routes(
    app: web.Application,
    state_of: Callable[[web.Request], S],
    room_payload: Callable[[S, Any], object],
) -> None:
    """`room_payload(state, room)`: the body answering a room change, as the API shows it."""

    async def add_faults(request: web.Request) -> web.Response:
        state = state_of(request)
        raw = await admin_json(request)
        items = raw if isinstance(raw, list) else [raw]
        try:
            faults = [fault_from_json(item) for item in items]
        except (TypeError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        for fault in faults:
            state.faults.add(fault)
        return web.json_response({"pending": pending_json(state.faults)})

    async def list_faults(request: web.Request) -> web.Response:
        return web.json_response({"pending": pending_json(state_of(request).faults)})

    async def clear_faults(request: web.Request) -> web.Response:
        state_of(request).faults.clear()
        return web.json_response({"pending": []})

    async def set_latency(request: web.Request) -> web.Response:
        state = state_of(request)
        raw = await admin_json(request)
        seconds = raw.get("seconds") if isinstance(raw, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            return web.json_response({"error": "seconds must be a number"}, status=400)
        try:
            state.set_latency(float(seconds))
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response({"seconds": state.latency})

    async def set_paging(request: web.Request) -> web.Response:
        """`{"mode": "normal"}`, or pages that never end: Telnyx's "repeat" (every page the
        same, `meta.total_pages` in the millions), SignalWire's "loop" (`links.next` of the
        last page leads back to the first)."""
        raw = await admin_json(request)
        mode = raw.get("mode") if isinstance(raw, dict) else None
        if not isinstance(mode, str):
            return web.json_response({"error": "mode must be a string"}, status=400)
        try:
            state_of(request).set_paging(mode)
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response({"mode": mode})

    async def list_requests(request: web.Request) -> web.Response:
        recorded = [entry.to_json() for entry in state_of(request).requests]
        return web.json_response({"requests": recorded})

    async def clear_requests(request: web.Request) -> web.Response:
        state = state_of(request)
        cleared = len(state.requests)
        state.requests.clear()
        return web.json_response({"cleared": cleared})

    async def change_room(request: web.Request) -> web.Response:
        """Change a room behind the bot's back (not recorded as an API request)."""
        state = state_of(request)
        raw = await admin_json(request)
        if not isinstance(raw, dict):
            return web.json_response({"error": "body must be a JSON object"}, status=400)
        try:
            room = state.change_room(request.match_info["id"], raw)
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(room_payload(state, room))

    app.router.add_post("/__sim/faults", add_faults)
    app.router.add_get("/__sim/faults", list_faults)
    app.router.add_delete("/__sim/faults", clear_faults)
    app.router.add_post("/__sim/latency", set_latency)
    app.router.add_post("/__sim/paging", set_paging)
    app.router.add_get("/__sim/requests", list_requests)
    app.router.add_delete("/__sim/requests", clear_requests)
    app.router.add_post("/__sim/rooms/{id}", change_room)
