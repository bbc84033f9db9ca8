"""generatedFiles.get / generatedFiles.list (created by video generation)."""

from __future__ import annotations

from aiohttp import web

from genlang_async.emulator._pagination import page_body
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route


@route("GET", "/v1beta/generatedFiles", "generatedFiles.list")
async def list_generated(ctx: Ctx) -> web.StreamResponse:
    items = ctx.state.children("", "generatedFiles")
    return json_response(
        page_body(items, ctx.query, "generatedFiles", kind="generatedFiles", default=10, maximum=50)
    )


@route("GET", "/v1beta/{name=generatedFiles/*}", "generatedFiles.get")
async def get_generated(ctx: Ctx) -> web.StreamResponse:
    return json_response(ctx.state.get(ctx.params["name"], "GeneratedFile"))
