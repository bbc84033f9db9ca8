"""The aiohttp application: one dispatcher for logging, faults, auth, routing and errors."""

from __future__ import annotations

import asyncio
import importlib
import time
from typing import Any

from aiohttp import web

from . import _auth, _control
from ._errors import JSON_CONTENT_TYPE, ApiError, error_response
from ._faults import FaultInjector
from ._responses import apply_body_fault
from ._routing import ROUTES, Ctx, Route, find_route, unknown_route
from ._settings import EmulatorSettings
from ._state import State

STATE_KEY = web.AppKey("state", State)
SETTINGS_KEY = web.AppKey("settings", EmulatorSettings)
FAULTS_KEY = web.AppKey("faults", FaultInjector)

_ROUTE_MODULES = (
    "models",
    "generation",
    "embeddings",
    "legacy",
    "answer",
    "media",
    "files",
    "cached_contents",
    "tuned_models",
    "permissions",
    "corpora",
    "batches",
    "operations",
    "file_search",
    "generated_files",
)
_MAX_LOG = 10_000
#: Status logged for a request whose client went away before the answer (nginx's 499).
CLIENT_GONE = 499


def all_routes() -> list[Route]:
    """Every API route (importing the route modules registers them)."""
    if not ROUTES:
        for module in _ROUTE_MODULES:
            importlib.import_module(f"{__package__}.routes.{module}")
    return ROUTES


def _is_upload_session(request: web.Request) -> bool:
    return request.path.startswith("/upload/") and "upload_id" in request.query


def _wants_sse(route: Route, request: web.Request) -> bool:
    return route.name.endswith("streamGenerateContent") and request.query.get("alt") == "sse"


async def _dispatch(request: web.Request) -> web.StreamResponse:
    app = request.app
    state, settings, faults = app[STATE_KEY], app[SETTINGS_KEY], app[FAULTS_KEY]
    path = request.path
    if path.startswith("/__emulator/"):
        return await _control.handle(request, state, settings, faults)
    entry: dict[str, Any] = {
        "time": time.time(),
        "method": request.method,
        "path": path,
        "query": dict(request.query),
        "status": None,
    }
    entry["query"].pop("key", None)
    if len(state.request_log) < _MAX_LOG:
        state.request_log.append(entry)
    found = find_route(all_routes(), request.method, path)
    content_type = JSON_CONTENT_TYPE
    if found is None:
        entry["status"] = 404
        return error_response(unknown_route(request.method, path))
    route, params = found
    entry["route"] = route.name
    if _wants_sse(route, request):
        content_type = "text/event-stream"
    fault = faults.take(request.method, path, request.headers)
    if fault is not None:
        entry["fault"] = fault.action
        if fault.action == "error":
            entry["status"] = fault.status
            return error_response(fault.error(), content_type=content_type)
        if fault.action == "delay":
            await asyncio.sleep(fault.delay)
            fault = None
        elif fault.action == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
    if settings.latency:
        await asyncio.sleep(settings.latency)
    ctx = Ctx(request, params, state, settings, route, fault)
    try:
        if not _is_upload_session(request):
            _auth.check(request, settings)
        state.refresh()
        response = await route.handler(ctx)
    except ApiError as error:
        response = error_response(error, content_type=content_type)
    except ConnectionError:
        # The client left (a stream abandoned early, a cut upload): nothing to report.
        entry["status"] = CLIENT_GONE
        return web.Response(status=CLIENT_GONE)
    if fault is not None and fault.action in ("drop_response", "malformed"):
        response = await apply_body_fault(request, response, fault)
    entry["status"] = response.status
    return response


def create_app(
    settings: EmulatorSettings | None = None,
    *,
    state: State | None = None,
    faults: FaultInjector | None = None,
) -> web.Application:
    """A fresh emulator application (state is created when not given)."""
    settings = settings or EmulatorSettings()
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[SETTINGS_KEY] = settings
    app[STATE_KEY] = state or State(settings)
    app[FAULTS_KEY] = faults or FaultInjector()
    all_routes()
    app.router.add_route("*", "/{tail:.*}", _dispatch)
    if state is None:

        async def _cleanup(app: web.Application) -> None:
            app[STATE_KEY].close()

        app.on_cleanup.append(_cleanup)
    return app
