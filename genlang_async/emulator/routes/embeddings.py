"""embedContent and batchEmbedContents."""

from __future__ import annotations

from array import array
from typing import Any

from aiohttp import web

from genlang_async.emulator._embeddings import embed
from genlang_async.emulator._errors import invalid
from genlang_async.emulator._generation import content_text
from genlang_async.emulator._lookup import resolve
from genlang_async.emulator._pretty import SparseVector
from genlang_async.emulator._responses import answer, wants_binary
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._settings import EmulatorSettings

MAX_BATCH = 100
MAX_DIMENSIONS = 3072


def _float32(vector: SparseVector) -> array[float]:
    """``vector`` as packed float32, from its few non-zero entries (a binary answer's)."""
    packed = array("f", bytes(4 * len(vector)))
    for index, value in vector.entries:
        packed[index] = value
    return packed


def embed_request(
    request: Any,
    settings: EmulatorSettings,
    field: str = "EmbedContentRequest",
    *,
    binary: bool = False,
) -> dict[str, Any]:
    """The ``ContentEmbedding`` for one ``EmbedContentRequest`` body (its vector packed as
    float32 for a ``binary`` answer)."""
    if not isinstance(request, dict):
        raise invalid(f"* {field}: must be an object\n")
    content = request.get("content")
    if not isinstance(content, dict) or not content.get("parts"):
        raise invalid(f"* {field}.content: content is not specified\n")
    dims = request.get("outputDimensionality") or settings.embedding_dimensions
    if not isinstance(dims, int) or not 1 <= dims <= MAX_DIMENSIONS:
        raise invalid(f"* {field}.output_dimensionality: must be in [1, {MAX_DIMENSIONS}]\n")
    vector = embed(content_text(content), dims)
    return {"values": _float32(vector) if binary else vector}


@route("POST", "/v1beta/{model=models/*}:embedContent", "models.embedContent")
async def embed_content(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    resolve(ctx.state, ctx.params["model"], "embedContent")
    binary = wants_binary(ctx.request)
    return answer(ctx.request, {"embedding": embed_request(body, ctx.settings, binary=binary)})


@route("POST", "/v1beta/{model=models/*}:batchEmbedContents", "models.batchEmbedContents")
async def batch_embed_contents(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    name = ctx.params["model"]
    resolve(ctx.state, name, "batchEmbedContents")
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise invalid("* BatchEmbedContentsRequest.requests: requests is not specified\n")
    if len(requests) > MAX_BATCH:
        raise invalid(
            "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n"
        )
    embeddings = []
    binary = wants_binary(ctx.request)
    for index, request in enumerate(requests):
        if isinstance(request, dict) and request.get("model") not in (None, name):
            raise invalid(
                f"* BatchEmbedContentsRequest.requests[{index}].model: the model must match "
                f"the model of the batch ({name}).\n"
            )
        embeddings.append(
            embed_request(
                request,
                ctx.settings,
                f"BatchEmbedContentsRequest.requests[{index}]",
                binary=binary,
            )
        )
    return answer(ctx.request, {"embeddings": embeddings})
