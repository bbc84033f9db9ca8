"""``/__emulator/*``: inspect logs, manage faults and scripts, reset, change settings over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from ._errors import ApiError, error_response, invalid
from ._faults import Fault, FaultInjector
from ._matching import Rules
from ._quotas import Quota, QuotaTable
from ._responses import json_response
from ._scripts import Script, ScriptBook
from ._settings import EmulatorSettings
from ._state import State
from ._wire import load_json_object


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    return load_json_object(raw)


async def handle(
    request: web.Request,
    state: State,
    settings: EmulatorSettings,
    faults: FaultInjector,
    scripts: ScriptBook,
    quotas: QuotaTable,
) -> web.StreamResponse:
    try:
        if request.path.rstrip("/") == "/__emulator/quotas":
            return await _quotas(request, quotas)
        if request.path.startswith("/__emulator/scripts"):
            return await _rules(request, scripts, Script.from_dict, "script")
        if request.path.startswith("/__emulator/faults"):
            return await _rules(request, faults, Fault.from_dict, "fault")
        return await _handle(request, state, settings, faults, scripts, quotas)
    except ApiError as error:
        return error_response(error)


async def _quotas(request: web.Request, quotas: QuotaTable) -> web.StreamResponse:
    """GET lists the quotas, POST sets one (``Quota`` fields), DELETE removes them all (or
    those of ``?model=``)."""
    if request.method == "POST":
        try:
            quotas.add(Quota.from_dict(await _body(request)))
        except (TypeError, ValueError) as exc:
            raise invalid(str(exc)) from exc
    elif request.method == "DELETE":
        quotas.clear(request.query.get("model"))
    elif request.method != "GET":
        raise ApiError(404, f"Unknown control endpoint {request.method} {request.path}.")
    return json_response({"quotas": [q.to_dict() for q in quotas.active]})


async def _rules(
    request: web.Request, rules: Rules[Any], parse: Callable[[dict[str, Any]], Any], kind: str
) -> web.StreamResponse:
    """``/__emulator/<kind>s[/{id}]``: GET lists, POST adds one rule, DELETE removes."""
    path, method = request.path.rstrip("/"), request.method
    if path == f"/__emulator/{kind}s":
        if method == "GET":
            return json_response({f"{kind}s": [rule.to_dict() for rule in rules.active]})
        if method == "POST":
            try:
                rule = rules.add(parse(await _body(request)))
            except (TypeError, ValueError) as exc:
                raise invalid(str(exc)) from exc
            return json_response(rule.to_dict())
        if method == "DELETE":
            rules.clear()
            return json_response({})
    elif method == "DELETE":
        try:
            rule_id = int(path.rsplit("/", 1)[1])
        except ValueError as exc:
            raise invalid(f"{kind.capitalize()} id must be an integer.") from exc
        if not rules.remove(rule_id):
            raise ApiError(404, f"No {kind} {rule_id}.")
        return json_response({})
    raise ApiError(404, f"Unknown control endpoint {method} {path}.")


async def _handle(
    request: web.Request,
    state: State,
    settings: EmulatorSettings,
    faults: FaultInjector,
    scripts: ScriptBook,
    quotas: QuotaTable,
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
        scripts.clear()
        quotas.clear()
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
    raise ApiError(404, f"Unknown control endpoint {method} {path}.")
