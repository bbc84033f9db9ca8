"""generatedFiles.get / generatedFiles.list (created by video generation)."""

from __future__ import annotations

from aiohttp import web

from genlang_async.emulator._pagination import list_body, paginate
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route


@route("GET", "/v1beta/generatedFiles", "generatedFiles.list")
async def list_generated(ctx: Ctx) -> web.StreamResponse:
    items = ctx.state.children("", "generatedFiles")
    page, token = paginate(items, ctx.query, kind="generatedFiles", default=10, maximum=50)
    return json_response(list_body("generatedFiles", page, token))


@route("GET", "/v1beta/{name=generatedFiles/*}", "generatedFiles.get")
async def get_generated(ctx: Ctx) -> web.StreamResponse:
    return json_response(ctx.state.get(ctx.params["name"], "GeneratedFile"))
