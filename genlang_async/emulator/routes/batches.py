"""Batch generation / embedding (``batches/*`` operations) and their management methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from genlang_async.emulator import _operations
from genlang_async.emulator._batches import V1MAIN, BatchInput, BatchRun
from genlang_async.emulator._crud import stamp, update_mask
from genlang_async.emulator._errors import invalid
from genlang_async.emulator._generation import generate
from genlang_async.emulator._lookup import resolve
from genlang_async.emulator._pagination import paginate
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._state import Operation
from genlang_async.emulator._wire import JSON

from .embeddings import embed_request


def _input(ctx: Ctx, batch: JSON, field: str) -> BatchInput:
    """The job's requests: inlined, or the lines of the input file (read as the job runs)."""
    config = batch.get("inputConfig")
    if not isinstance(config, dict):
        raise invalid(f"* {field}.input_config: input_config is not specified\n")
    if "fileName" in config:
        file_name = str(config["fileName"])
        ctx.state.get(file_name, "File")
        blob = ctx.state.blobs.get(file_name)
        if blob is None or blob.path is None:
            raise invalid(f"The content of {file_name} is not available to the emulator.")
        return BatchInput(path=blob.path)
    requests = (config.get("requests") or {}).get("requests")
    if not isinstance(requests, list) or not requests:
        raise invalid(f"* {field}.input_config.requests: requests is not specified\n")
    for index, item in enumerate(requests):
        if not isinstance(item, dict) or not isinstance(item.get("request"), dict):
            raise invalid(f"* {field}.input_config.requests[{index}].request: must be an object\n")
    return BatchInput(items=requests)


def _create_batch(
    ctx: Ctx, body: JSON, *, kind: str, method: str, run: Callable[[JSON], JSON]
) -> web.StreamResponse:
    """Shared by batchGenerateContent (``kind`` GenerateContentBatch) and asyncBatchEmbed."""
    state = ctx.state
    model_name = ctx.params["model"]
    resolve(state, model_name, method)
    batch = body.get("batch")
    if not isinstance(batch, dict):
        raise invalid("* batch: batch is not specified\n")
    source = _input(ctx, batch, kind)
    name = state.unique_name("batches", length=24)
    created = stamp()
    metadata: dict[str, Any] = {
        "@type": V1MAIN + kind,
        "model": model_name,
        "displayName": str(batch.get("displayName") or name.split("/")[1]),
        "inputConfig": batch["inputConfig"],
        "createTime": created,
        "updateTime": created,
        "batchStats": {},
        "state": "BATCH_STATE_PENDING",
        "name": name,
    }
    if "priority" in batch:
        metadata["priority"] = str(batch["priority"])
    job = BatchRun(state, ctx.origin, kind=kind, metadata=metadata, source=source, run=run)
    op = _operations.start(
        state,
        name,
        metadata=metadata,
        complete=job.complete,
        progress=job.progress,
        cancel=job.cancel,
        delay=job.delay,
    )
    return json_response(_operations.snapshot(op))


async def batch_generate_content(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    state = ctx.state
    model, version = resolve(state, ctx.params["model"], "batchGenerateContent")

    def run(request: JSON) -> JSON:
        return generate(model, request, model_version=version)

    return _create_batch(
        ctx, body, kind="GenerateContentBatch", method="batchGenerateContent", run=run
    )


for _prefix in ("models", "tunedModels"):
    route(
        "POST",
        f"/v1beta/{{batch.model={_prefix}/*}}:batchGenerateContent",
        f"{_prefix}.batchGenerateContent",
    )(batch_generate_content)


async def async_batch_embed_content(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    settings = ctx.settings

    def run(request: JSON) -> JSON:
        return {"embedding": embed_request(request, settings)}

    return _create_batch(
        ctx, body, kind="EmbedContentBatch", method="asyncBatchEmbedContent", run=run
    )


for _prefix in ("models", "tunedModels"):
    route(
        "POST",
        f"/v1beta/{{batch.model={_prefix}/*}}:asyncBatchEmbedContent",
        f"{_prefix}.asyncBatchEmbedContent",
    )(async_batch_embed_content)


def _batch_op(ctx: Ctx) -> Operation:
    return ctx.state.get_operation(ctx.params["name"])


@route("GET", "/v1beta/batches", "batches.list")
async def list_batches(ctx: Ctx) -> web.StreamResponse:
    ops = [_operations.snapshot(op) for op in ctx.state.operations_under("batches/")]
    page, token = paginate(ops, ctx.query, kind="batches", default=10, maximum=1000)
    body: JSON = {"operations": page} if page else {}
    if token:
        body["nextPageToken"] = token
    return json_response(body)


@route("GET", "/v1beta/{name=batches/*}", "batches.get")
async def get_batch(ctx: Ctx) -> web.StreamResponse:
    return json_response(_operations.snapshot(_batch_op(ctx)))


def _stop(op: Operation) -> None:
    """End a running job now as CANCELLED."""
    if not op.done:
        if op.cancel is not None:
            op.cancel()
        op.data["done"] = True
        op.data["error"] = {"code": 1, "message": "The batch was cancelled."}


@route("DELETE", "/v1beta/{name=batches/*}", "batches.delete")
async def delete_batch(ctx: Ctx) -> web.StreamResponse:
    _stop(_batch_op(ctx))
    del ctx.state.operations[ctx.params["name"]]
    return json_response({})


@route("POST", "/v1beta/{name=batches/*}:cancel", "batches.cancel")
async def cancel_batch(ctx: Ctx) -> web.StreamResponse:
    _stop(_batch_op(ctx))
    return json_response({})


def _update(kind: str) -> Callable[[Ctx], Any]:
    async def update(ctx: Ctx) -> web.StreamResponse:
        op = _batch_op(ctx)
        metadata = op.data["metadata"]
        if metadata.get("@type") != V1MAIN + kind:
            raise invalid(f"{ctx.params['name']} is not a {kind}.")
        body = await ctx.json(required=True)
        for field in update_mask(ctx.query, body, ("displayName", "priority")):
            if field in body:
                metadata[field] = str(body[field])
        metadata["updateTime"] = stamp()
        return json_response({k: v for k, v in metadata.items() if k != "@type"})

    return update


route(
    "PATCH",
    "/v1beta/{name=batches/*}:updateGenerateContentBatch",
    "batches.updateGenerateContentBatch",
)(_update("GenerateContentBatch"))
route(
    "PATCH", "/v1beta/{name=batches/*}:updateEmbedContentBatch", "batches.updateEmbedContentBatch"
)(_update("EmbedContentBatch"))
