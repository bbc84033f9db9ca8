"""tunedModels.* (create as an operation, list, get, patch, delete, transferOwnership)."""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from genlang_async.emulator import _operations
from genlang_async.emulator._crud import child_name, stamp, update_mask
from genlang_async.emulator._errors import ApiError, invalid, not_found
from genlang_async.emulator._pagination import page_body
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._wire import JSON

_MUTABLE = ("displayName", "description", "temperature", "topP", "topK", "readerProjectNumbers")


def _examples(body: JSON) -> list[Any]:
    task = body.get("tuningTask")
    examples = (((task or {}).get("trainingData") or {}).get("examples") or {}).get("examples")
    if not isinstance(task, dict) or not isinstance(examples, list) or not examples:
        raise invalid("* TunedModel.tuning_task.training_data: training examples are required\n")
    for example in examples:
        if not isinstance(example, dict) or "output" not in example:
            raise invalid("* TuningExample.output: every example needs an output\n")
    return examples


@route("POST", "/v1beta/tunedModels", "tunedModels.create")
async def create(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    state = ctx.state
    source = (body.get("tunedModelSource") or {}).get("tunedModel")
    base_name = body.get("baseModel")
    if source:
        base_name = state.get(str(source), "Tuned model").get("baseModel")
    if not isinstance(base_name, str) or not base_name:
        raise invalid("* TunedModel.base_model: base_model or tuned_model_source is required\n")
    base = state.models.get(base_name)
    if base is None:
        raise not_found(f"Base model {base_name} not found.")
    examples = _examples(body)
    requested = ctx.query.get("tunedModelId")
    if requested and f"tunedModels/{requested}" in state.resources:
        raise ApiError(409, f"Tuned model tunedModels/{requested} already exists.")
    name = child_name(state, "", "tunedModels", requested, body.get("displayName") or "tuned")
    hyper = dict(body["tuningTask"].get("hyperparameters") or {})
    hyper.setdefault("epochCount", 5)
    hyper.setdefault("batchSize", 4)
    if "learningRateMultiplier" not in hyper:
        hyper.setdefault("learningRate", 0.001)
    total = max(1, math.ceil(len(examples) * int(hyper["epochCount"]) / int(hyper["batchSize"])))
    created = stamp()
    model: dict[str, Any] = {"name": name, "baseModel": base_name}
    if source:
        model["tunedModelSource"] = {"tunedModel": source, "baseModel": base_name}
    for key in ("displayName", "description"):
        if key in body:
            model[key] = body[key]
    model.update(
        temperature=body.get("temperature", base.get("temperature", 1)),
        topP=body.get("topP", base.get("topP", 0.95)),
        topK=body.get("topK", base.get("topK", 40)),
        state="CREATING",
        createTime=created,
        updateTime=created,
        tuningTask={"startTime": created, "hyperparameters": hyper},
    )
    state.put(model)
    metadata: dict[str, Any] = {
        "@type": _operations.TYPE_PREFIX + "CreateTunedModelMetadata",
        "tunedModel": name,
        "totalSteps": total,
        "completedSteps": 0,
        "completedPercent": 0,
    }

    def progress(fraction: float) -> None:
        metadata["completedSteps"] = int(total * fraction)
        metadata["completedPercent"] = round(100 * fraction, 2)

    def complete() -> JSON:
        finished = stamp()
        snapshots = [
            {
                "step": step,
                "epoch": (step * int(hyper["batchSize"])) // len(examples),
                "meanLoss": round(1.0 / (step + 1), 4),
                "computeTime": finished,
            }
            for step in range(1, total + 1)
        ]
        metadata.update(completedSteps=total, completedPercent=100, snapshots=snapshots)
        model["state"] = "ACTIVE"
        model["updateTime"] = finished
        model["tuningTask"].update(completeTime=finished, snapshots=snapshots)
        return {"@type": _operations.TYPE_PREFIX + "TunedModel", **model}

    op = _operations.start(
        state,
        f"{name}/operations/{state.new_id()}",
        metadata=metadata,
        complete=complete,
        progress=progress,
    )
    return json_response(_operations.snapshot(op))


@route("GET", "/v1beta/tunedModels", "tunedModels.list")
async def list_tuned(ctx: Ctx) -> web.StreamResponse:
    items = ctx.state.children("", "tunedModels")
    return json_response(
        page_body(items, ctx.query, "tunedModels", kind="tunedModels", default=10, maximum=1000)
    )


@route("GET", "/v1beta/{name=tunedModels/*}", "tunedModels.get")
async def get(ctx: Ctx) -> web.StreamResponse:
    return json_response(ctx.state.get(ctx.params["name"], "Tuned model"))


@route("PATCH", "/v1beta/{tunedModel.name=tunedModels/*}", "tunedModels.patch")
async def patch(ctx: Ctx) -> web.StreamResponse:
    model = ctx.state.get(ctx.params["name"], "Tuned model")
    body = await ctx.json(required=True)
    for field in update_mask(ctx.query, body, _MUTABLE):
        if field in body:
            model[field] = body[field]
        else:
            model.pop(field, None)
    model["updateTime"] = stamp()
    return json_response(model)


@route("DELETE", "/v1beta/{name=tunedModels/*}", "tunedModels.delete")
async def delete(ctx: Ctx) -> web.StreamResponse:
    ctx.state.get(ctx.params["name"], "Tuned model")
    ctx.state.delete(ctx.params["name"])
    return json_response({})


@route("POST", "/v1beta/{name=tunedModels/*}:transferOwnership", "tunedModels.transferOwnership")
async def transfer_ownership(ctx: Ctx) -> web.StreamResponse:
    ctx.state.get(ctx.params["name"], "Tuned model")
    body = await ctx.json(required=True)
    email = body.get("emailAddress")
    if not isinstance(email, str) or "@" not in email:
        raise invalid("* TransferOwnershipRequest.email_address: a valid email is required\n")
    return json_response({})
