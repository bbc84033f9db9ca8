"""``/__emulator/*``: inspect logs, manage faults, reset state, change settings over HTTP."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ._errors import ApiError, error_response, invalid
from ._faults import Fault, FaultInjector
from ._responses import json_response
from ._settings import EmulatorSettings
from ._state import State
from ._wire import load_json_object


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    return load_json_object(raw)


async def handle(
    request: web.Request, state: State, settings: EmulatorSettings, faults: FaultInjector
) -> web.StreamResponse:
    try:
        return await _handle(request, state, settings, faults)
    except ApiError as error:
        return error_response(error)


async def _handle(
    request: web.Request, state: State, settings: EmulatorSettings, faults: FaultInjector
) -> web.StreamResponse:
    path, method = request.path.rstrip("/"), request.method
    if path == "/__emulator/health":
        return json_response({"ok": True})
    if path == "/__emulator/log":
        if method == "GET":
            return json_response({"requests": state.request_log, "uploads": state.upload_log})
        if method == "DELETE":
            state.request_log.clear()
            state.upload_log.clear()
            return json_response({})
    if path == "/__emulator/reset" and method == "POST":
        state.reset()
        faults.clear()
        return json_response({})
    if path == "/__emulator/settings":
        if method in ("POST", "PATCH"):
            try:
                settings.update(await _body(request))
            except KeyError as exc:
                raise invalid(f"Unknown setting {exc.args[0]!r}.") from exc
            except ValueError as exc:
                raise invalid(f"Invalid setting: {exc}.") from exc
        if method in ("GET", "POST", "PATCH"):
            return json_response(settings.to_dict())
    if path == "/__emulator/faults":
        if method == "GET":
            return json_response({"faults": [f.to_dict() for f in faults.active]})
        if method == "POST":
            try:
                fault = faults.add(Fault.from_dict(await _body(request)))
            except (TypeError, ValueError) as exc:
                raise invalid(str(exc)) from exc
            return json_response(fault.to_dict())
        if method == "DELETE":
            faults.clear()
            return json_response({})
    if path.startswith("/__emulator/faults/") and method == "DELETE":
        try:
            fault_id = int(path.rsplit("/", 1)[1])
        except ValueError as exc:
            raise invalid("Fault id must be an integer.") from exc
        if not faults.remove(fault_id):
            raise ApiError(404, f"No fault {fault_id}.")
        return json_response({})
    raise ApiError(404, f"Unknown control endpoint {method} {path}.")
