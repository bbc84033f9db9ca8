"""models.list and models.get."""

from __future__ import annotations

from aiohttp import web

from genlang_async.emulator._lookup import model_not_found
from genlang_async.emulator._pagination import page_body
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route


@route("GET", "/v1beta/models", "models.list")
async def list_models(ctx: Ctx) -> web.StreamResponse:
    models = list(ctx.state.models.values())
    return json_response(
        page_body(models, ctx.query, "models", kind="models", default=50, maximum=1000)
    )


@route("GET", "/v1beta/{name=models/*}", "models.get")
async def get_model(ctx: Ctx) -> web.StreamResponse:
    name = ctx.params["name"]
    model = ctx.state.models.get(name)
    if model is None:
        raise model_not_found(name, "get")
    return json_response(model)
