"""operations.get / operations.list under models, tunedModels, corpora, generatedFiles and
fileSearchStores."""

from __future__ import annotations

from aiohttp import web

from genlang_async.emulator import _operations
from genlang_async.emulator._pagination import paginate
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._wire import JSON


async def get_operation(ctx: Ctx) -> web.StreamResponse:
    return json_response(_operations.snapshot(ctx.state.get_operation(ctx.params["name"])))


async def list_operations(ctx: Ctx) -> web.StreamResponse:
    parent = ctx.params["name"]
    prefix = parent + "/operations/"
    ops = [_operations.snapshot(op) for op in ctx.state.operations_under(prefix)]
    page, token = paginate(ops, ctx.query, kind=prefix, default=10, maximum=1000)
    body: JSON = {"operations": page} if page else {}
    if token:
        body["nextPageToken"] = token
    return json_response(body)


for _parent in ("models", "tunedModels", "corpora", "generatedFiles", "fileSearchStores"):
    route("GET", f"/v1beta/{{name={_parent}/*/operations/*}}", f"{_parent}.operations.get")(
        get_operation
    )
    route("GET", f"/v1beta/{{name={_parent}/*}}/operations", f"{_parent}.operations.list")(
        list_operations
    )
route(
    "GET",
    "/v1beta/{name=fileSearchStores/*/upload/operations/*}",
    "fileSearchStores.upload.operations.get",
)(get_operation)
