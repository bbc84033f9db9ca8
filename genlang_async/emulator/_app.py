"""The aiohttp application: one dispatcher for logging, faults, scripts, auth, routing, errors."""

from __future__ import annotations

import asyncio
import importlib
import json
import time
from typing import Any

from aiohttp import web

from genlang_async._core import protobuf

from . import _auth, _control, _live
from ._errors import JSON_CONTENT_TYPE, PROTO_CONTENT_TYPE, ApiError, error_response, invalid
from ._faults import Fault, FaultInjector
from ._generation import prompt_counts
from ._int_enums import messages, numbers_in, wants_int_enums
from ._quotas import QUOTA_ROUTES, QuotaTable
from ._responses import apply_body_fault, scripted_response, wants_binary
from ._routing import ROUTES, Ctx, Route, find_route, unknown_route
from ._scripts import ScriptBook
from ._settings import EmulatorSettings
from ._state import State

STATE_KEY = web.AppKey("state", State)
SETTINGS_KEY = web.AppKey("settings", EmulatorSettings)
FAULTS_KEY = web.AppKey("faults", FaultInjector)
SCRIPTS_KEY = web.AppKey("scripts", ScriptBook)
QUOTAS_KEY = web.AppKey("quotas", QuotaTable)

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


_NO_BINARY = invalid(
    "The emulator answers alt=proto for embedContent and batchEmbedContents only; "
    "ask for JSON (no alt parameter) here."
)


def _is_upload_session(request: web.Request) -> bool:
    return request.path.startswith("/upload/") and "upload_id" in request.query


def _is_streaming(path: str) -> bool:
    return path.endswith(":streamGenerateContent")


def _wants_sse(request: web.Request) -> bool:
    return _is_streaming(request.path) and request.query.get("alt") == "sse"


async def _dispatch(request: web.Request) -> web.StreamResponse:
    app = request.app
    state, settings, faults = app[STATE_KEY], app[SETTINGS_KEY], app[FAULTS_KEY]
    scripts = app[SCRIPTS_KEY]
    path = request.path
    if path.startswith("/__emulator/"):
        return await _control.handle(request, state, settings, faults, scripts, app[QUOTAS_KEY])
    if _live.is_live_path(path) and request.headers.get("Upgrade", "").lower() == "websocket":
        return await _live.handle(request, state, settings, faults)
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
    if found is None and not scripts.has_match(request.method, path):
        entry["status"] = 404
        return error_response(unknown_route(request.method, path))
    if found is not None:
        entry["route"] = found[0].name
    sse = _wants_sse(request)
    binary = not sse and wants_binary(request)
    content_type = (
        "text/event-stream" if sse else PROTO_CONTENT_TYPE if binary else JSON_CONTENT_TYPE
    )
    if binary and protobuf.answer_schema(path) is None:
        entry["status"] = 400
        return error_response(_NO_BINARY, content_type=content_type)
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
    scripted = scripts.take(request.method, path)
    try:
        if scripted is not None:
            entry["script"] = scripted[0].id
            response = await scripted_response(
                request,
                scripted[1],
                sse=sse,
                streaming=_is_streaming(path),
                fault=fault,
                pause=settings.stream_chunk_delay,
            )
        elif found is None:  # its script was used up meanwhile
            response = error_response(unknown_route(request.method, path))
        else:
            response = await _handle(request, found, state, settings, fault, content_type)
    except ConnectionError:
        # The client left (a stream abandoned early, a cut upload): nothing to report.
        entry["status"] = CLIENT_GONE
        return web.Response(status=CLIENT_GONE)
    if fault is not None and fault.action in ("drop_response", "malformed"):
        response = await apply_body_fault(request, response, fault)
    entry["status"] = response.status
    return response


async def _handle(
    request: web.Request,
    found: tuple[Route, dict[str, str]],
    state: State,
    settings: EmulatorSettings,
    fault: Fault | None,
    content_type: str,
) -> web.StreamResponse:
    route, params = found
    ctx = Ctx(request, params, state, settings, route, fault)
    try:
        if not _is_upload_session(request):
            _auth.check(request, settings)
        if route.name in QUOTA_ROUTES:
            await _count_quota(ctx, request.app[QUOTAS_KEY])
        state.refresh()
        response = await route.handler(ctx)
    except ApiError as error:
        return error_response(error, content_type=content_type)
    if wants_int_enums(request.query):
        _numbered_enums(response, messages(route.name)[1])
    return response


def _numbered_enums(response: web.StreamResponse, message: str | None) -> None:
    """Rewrite a JSON answer's enum names as numbers (``enum-encoding=int``); streams do it
    per chunk (see ``routes/generation.py``)."""
    if message is None or not isinstance(response, web.Response) or response.prepared:
        return
    if response.status != 200 or not response.content_type.endswith("json"):
        return
    body = response.body
    if isinstance(body, (bytes, bytearray)) and body.strip():
        converted = numbers_in(json.loads(body), message)
        response.body = (json.dumps(converted, indent=2) + "\n").encode()


async def _count_quota(ctx: Ctx, quotas: QuotaTable) -> None:
    if not quotas.active:
        return
    body = await ctx.json(required=True)
    quotas.admit(
        _auth.api_key_of(ctx.request),
        ctx.params["model"],
        lambda: sum(prompt_counts(body).values()),
    )


def create_app(
    settings: EmulatorSettings | None = None,
    *,
    state: State | None = None,
    faults: FaultInjector | None = None,
    scripts: ScriptBook | None = None,
    quotas: QuotaTable | None = None,
) -> web.Application:
    """A fresh emulator application (state is created when not given)."""
    settings = settings or EmulatorSettings()
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[SETTINGS_KEY] = settings
    app[STATE_KEY] = state or State(settings)
    app[FAULTS_KEY] = faults or FaultInjector()
    app[SCRIPTS_KEY] = scripts or ScriptBook()
    app[QUOTAS_KEY] = quotas or QuotaTable()
    all_routes()
    app.router.add_route("*", "/{tail:.*}", _dispatch)
    if state is None:

        async def _cleanup(app: web.Application) -> None:
            app[STATE_KEY].close()

        app.on_cleanup.append(_cleanup)
    return app
