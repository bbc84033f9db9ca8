"""generateContent, streamGenerateContent and countTokens (base, tuned and dynamic models)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from genlang_async.emulator import _tokens
from genlang_async.emulator._errors import invalid
from genlang_async.emulator._generation import (
    cached_counts,
    generate,
    prompt_counts,
    stream_chunks,
    validate_contents,
)
from genlang_async.emulator._int_enums import numbers_in, wants_int_enums
from genlang_async.emulator._lookup import resolve
from genlang_async.emulator._responses import EventWriter, json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._state import State
from genlang_async.emulator._wire import now, parse_timestamp


def cached_content(state: State, body: dict[str, Any], model_name: str) -> dict[str, Any] | None:
    name = body.get("cachedContent")
    if not name:
        return None
    cached = state.get(str(name), "CachedContent")
    expires = parse_timestamp(str(cached.get("expireTime", "")))
    if expires is not None and expires < now():
        state.delete(str(name))
        state.get(str(name), "CachedContent")
    if model_name.startswith("models/") and cached.get("model") != model_name:
        raise invalid(
            f"Model used by GenerateContent request ({model_name}) and CachedContent "
            f"({cached.get('model')}) has to be the same."
        )
    return {**state.private.get(str(name), {}), **cached}


async def _respond(ctx: Ctx) -> dict[str, Any]:
    body = await ctx.json(required=True)
    name = ctx.params["model"]
    model, version = resolve(ctx.state, name, "generateContent")
    cached = cached_content(ctx.state, body, name)
    return generate(model, body, cached=cached, model_version=version)


async def generate_content(ctx: Ctx) -> web.StreamResponse:
    return json_response(await _respond(ctx))


async def stream_generate_content(ctx: Ctx) -> web.StreamResponse:
    response = await _respond(ctx)
    chunks = stream_chunks(response, max(1, ctx.settings.stream_chunks))
    if wants_int_enums(ctx.query):
        chunks = [numbers_in(chunk, "GenerateContentResponse") for chunk in chunks]
    writer = EventWriter(
        ctx.request,
        sse=ctx.query.get("alt") == "sse",
        fault=ctx.fault,
        pause=ctx.settings.stream_chunk_delay,
    )
    return await writer.send(chunks)


for _prefix, _resource in (
    ("models", "models"),
    ("tunedModels", "tunedModels"),
    ("dynamic", "dynamic"),
):
    route("POST", f"/v1beta/{{model={_prefix}/*}}:generateContent", f"{_resource}.generateContent")(
        generate_content
    )
    route(
        "POST",
        f"/v1beta/{{model={_prefix}/*}}:streamGenerateContent",
        f"{_resource}.streamGenerateContent",
    )(stream_generate_content)


@route("POST", "/v1beta/{model=models/*}:countTokens", "models.countTokens")
async def count_tokens(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json()
    name = ctx.params["model"]
    resolve(ctx.state, name, "countTokens")
    contents, request = body.get("contents"), body.get("generateContentRequest")
    if contents is not None and request is not None:
        raise invalid("Only one of contents and generate_content_request may be set.")
    result: dict[str, Any] = {}
    if request is not None:
        if not isinstance(request, dict):
            raise invalid("generateContentRequest must be an object.")
        validate_contents(request.get("contents"), "CountTokensRequest.generate_content_request")
        cached = cached_content(ctx.state, request, name)
        counts = _tokens.merge(prompt_counts(request), cached_counts(cached))
        if cached:
            result["cachedContentTokenCount"] = sum(cached_counts(cached).values())
    else:
        counts = _tokens.count_contents(validate_contents(contents, "CountTokensRequest.contents"))
    body_out: dict[str, Any] = {"totalTokens": sum(counts.values()), **result}
    if _tokens.details(counts):
        body_out["promptTokensDetails"] = _tokens.details(counts)
    return json_response(body_out)
