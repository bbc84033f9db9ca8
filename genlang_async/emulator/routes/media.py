"""predict (Imagen images) and predictLongRunning (Veo videos)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from aiohttp import web

from genlang_async.emulator import _operations
from genlang_async.emulator._errors import invalid
from genlang_async.emulator._files import generated_file
from genlang_async.emulator._lookup import resolve
from genlang_async.emulator._png import tiny_png
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._textgen import seed_of
from genlang_async.emulator._wire import format_timestamp, now


def _prompt(body: dict[str, Any], method: str) -> tuple[str, dict[str, Any]]:
    instances = body.get("instances")
    if not isinstance(instances, list) or not instances or not isinstance(instances[0], dict):
        raise invalid(f"* {method}Request.instances: instances is not specified\n")
    prompt = instances[0].get("prompt")
    if not isinstance(prompt, str) or not prompt:
        raise invalid(f"* {method}Request.instances[0].prompt: prompt is required\n")
    parameters = body.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise invalid(f"* {method}Request.parameters: must be an object\n")
    return prompt, parameters


def _sample_count(parameters: dict[str, Any], default: int) -> int:
    count = parameters.get("sampleCount", default)
    if not isinstance(count, int) or not 1 <= count <= 8:
        raise invalid("parameters.sampleCount must be between 1 and 8.")
    return count


@route("POST", "/v1beta/{model=models/*}:predict", "models.predict")
async def predict(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    resolve(ctx.state, ctx.params["model"], "predict")
    prompt, parameters = _prompt(body, "Predict")
    predictions = []
    for index in range(_sample_count(parameters, 4)):
        png = tiny_png(seed_of(ctx.params["model"], prompt, index))
        predictions.append(
            {"bytesBase64Encoded": base64.b64encode(png).decode(), "mimeType": "image/png"}
        )
    return json_response({"predictions": predictions})


@route("POST", "/v1beta/{model=models/*}:predictLongRunning", "models.predictLongRunning")
async def predict_long_running(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    model_name = ctx.params["model"]
    resolve(ctx.state, model_name, "predictLongRunning")
    prompt, parameters = _prompt(body, "PredictLongRunning")
    count = _sample_count(parameters, 1)
    state, origin = ctx.state, ctx.origin
    op_name = state.unique_name(f"{model_name}/operations")

    def complete() -> dict[str, Any]:
        samples = []
        for index in range(count):
            data = (
                b"\x00\x00\x00\x18ftypmp42"
                + hashlib.sha256(f"{model_name}|{prompt}|{index}".encode()).digest()
            )
            video = generated_file(state, origin, data, mime_type="video/mp4")
            generated = "generatedFiles/" + str(video["name"]).split("/", 1)[1]
            state.put({"name": generated, "mimeType": "video/mp4", "state": "GENERATED"})
            gen_op = f"{generated}/operations/{state.new_id()}"
            _operations.start(state, gen_op).data.update(
                done=True, metadata={"createTime": format_timestamp(now())}
            )
            samples.append(
                {"video": {"uri": f"{origin}/v1beta/{video['name']}:download?alt=media"}}
            )
        return {
            "@type": _operations.TYPE_PREFIX + "PredictLongRunningResponse",
            "generateVideoResponse": {"generatedSamples": samples},
        }

    op = _operations.start(state, op_name, complete=complete)
    return json_response(_operations.snapshot(op))
