"""Batch generation / embedding (``batches/*`` operations) and their management methods."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from genlang_async.emulator import _operations
from genlang_async.emulator._crud import stamp
from genlang_async.emulator._errors import ApiError, invalid
from genlang_async.emulator._files import generated_file
from genlang_async.emulator._generation import generate
from genlang_async.emulator._lookup import resolve
from genlang_async.emulator._pagination import paginate
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._state import Operation
from genlang_async.emulator._wire import JSON

from .embeddings import embed_request

_V1MAIN = "type.googleapis.com/google.ai.generativelanguage.v1main."
_RPC_CODES = {400: 3, 403: 7, 404: 5, 409: 6, 429: 8, 500: 13, 503: 14, 504: 4}


def _status(error: ApiError) -> JSON:
    return {"code": _RPC_CODES.get(error.code, 2), "message": error.message}


def _input_requests(ctx: Ctx, batch: JSON, field: str) -> tuple[list[JSON], str | None]:
    """The inlined requests (or the lines of the input file) and the input file name."""
    config = batch.get("inputConfig")
    if not isinstance(config, dict):
        raise invalid(f"* {field}.input_config: input_config is not specified\n")
    if "fileName" in config:
        file_name = str(config["fileName"])
        ctx.state.get(file_name, "File")
        data = ctx.state.read_blob(file_name)
        if data is None:
            raise invalid(f"The content of {file_name} is not available to the emulator.")
        lines = []
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if line.strip():
                try:
                    lines.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise invalid(f"{file_name} line {number} is not valid JSON.") from exc
        return lines, file_name
    requests = (config.get("requests") or {}).get("requests")
    if not isinstance(requests, list) or not requests:
        raise invalid(f"* {field}.input_config.requests: requests is not specified\n")
    for index, item in enumerate(requests):
        if not isinstance(item, dict) or not isinstance(item.get("request"), dict):
            raise invalid(f"* {field}.input_config.requests[{index}].request: must be an object\n")
    return requests, None


def _create_batch(
    ctx: Ctx, body: JSON, *, kind: str, method: str, run: Callable[[JSON], JSON]
) -> web.StreamResponse:
    """Shared by batchGenerateContent (``kind`` GenerateContentBatch) and asyncBatchEmbed."""
    state, origin = ctx.state, ctx.origin
    model_name = ctx.params["model"]
    resolve(state, model_name, method)
    batch = body.get("batch")
    if not isinstance(batch, dict):
        raise invalid("* batch: batch is not specified\n")
    requests, input_file = _input_requests(ctx, batch, kind)
    name = state.unique_name("batches", length=24)
    created = stamp()
    metadata: dict[str, Any] = {
        "@type": _V1MAIN + kind,
        "model": model_name,
        "displayName": str(batch.get("displayName") or name.split("/")[1]),
        "inputConfig": batch["inputConfig"],
        "createTime": created,
        "updateTime": created,
        "batchStats": {
            "requestCount": str(len(requests)),
            "pendingRequestCount": str(len(requests)),
        },
        "state": "BATCH_STATE_PENDING",
        "name": name,
    }
    if "priority" in batch:
        metadata["priority"] = str(batch["priority"])

    def progress(fraction: float) -> None:
        if fraction >= 0.5 and metadata["state"] == "BATCH_STATE_PENDING":
            metadata["state"] = "BATCH_STATE_RUNNING"
            metadata["updateTime"] = stamp()

    def complete() -> JSON:
        results: list[JSON] = []
        ok = 0
        for item in requests:
            result: dict[str, Any] = {}
            try:
                result["response"] = run(item.get("request") or {})
                ok += 1
            except ApiError as error:
                result["error"] = _status(error)
            if input_file is not None and "key" in item:
                result = {"key": item["key"], **result}
            elif item.get("metadata") is not None:
                result["metadata"] = item["metadata"]
            results.append(result)
        finished = stamp()
        stats = {"requestCount": str(len(requests)), "successfulRequestCount": str(ok)}
        if ok < len(requests):
            stats["failedRequestCount"] = str(len(requests) - ok)
        if input_file is not None:
            data = "".join(json.dumps(r) + "\n" for r in results).encode()
            out = generated_file(
                state,
                origin,
                data,
                mime_type="application/jsonl",
                metadata={"name": "batch-" + name.split("/")[1]},
            )
            output: JSON = {"responsesFile": out["name"]}
        else:
            output = {"inlinedResponses": {"inlinedResponses": results}}
        metadata.update(
            state="BATCH_STATE_SUCCEEDED",
            endTime=finished,
            updateTime=finished,
            batchStats=stats,
            output=output,
        )
        return {"@type": _V1MAIN + kind + "Output", **output}

    op = _operations.start(state, name, metadata=metadata, complete=complete, progress=progress)
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


@route("DELETE", "/v1beta/{name=batches/*}", "batches.delete")
async def delete_batch(ctx: Ctx) -> web.StreamResponse:
    _batch_op(ctx)
    del ctx.state.operations[ctx.params["name"]]
    return json_response({})


@route("POST", "/v1beta/{name=batches/*}:cancel", "batches.cancel")
async def cancel_batch(ctx: Ctx) -> web.StreamResponse:
    op = _batch_op(ctx)
    if not op.done:
        metadata = op.data["metadata"]
        metadata.update(state="BATCH_STATE_CANCELLED", updateTime=stamp(), endTime=stamp())
        op.data["done"] = True
        op.data["error"] = {"code": 1, "message": "The batch was cancelled."}
    return json_response({})


def _update(kind: str) -> Callable[[Ctx], Any]:
    async def update(ctx: Ctx) -> web.StreamResponse:
        op = _batch_op(ctx)
        metadata = op.data["metadata"]
        if metadata.get("@type") != _V1MAIN + kind:
            raise invalid(f"{ctx.params['name']} is not a {kind}.")
        body = await ctx.json(required=True)
        from genlang_async.emulator._crud import update_mask

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
