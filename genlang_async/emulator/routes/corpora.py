"""corpora, corpora.documents and corpora.documents.chunks (semantic retrieval)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from genlang_async.emulator import _retrieval
from genlang_async.emulator._crud import (
    child_name,
    children_page,
    metadata_list,
    require_force_or_empty,
    stamp,
    update_mask,
)
from genlang_async.emulator._errors import invalid
from genlang_async.emulator._pagination import page_body
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._state import State
from genlang_async.emulator._wire import JSON

MAX_BATCH = 100


# -- corpora -----------------------------------------------------------------------------------


@route("POST", "/v1beta/corpora", "corpora.create")
async def create_corpus(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json()
    name = child_name(ctx.state, "", "corpora", body.get("name"), body.get("displayName"))
    created = stamp()
    item: dict[str, Any] = {"name": name}
    if body.get("displayName"):
        item["displayName"] = str(body["displayName"])
    item.update(createTime=created, updateTime=created)
    return json_response(ctx.state.put(item))


@route("GET", "/v1beta/corpora", "corpora.list")
async def list_corpora(ctx: Ctx) -> web.StreamResponse:
    return json_response(
        page_body(
            ctx.state.children("", "corpora"),
            ctx.query,
            "corpora",
            kind="corpora",
            default=10,
            maximum=20,
        )
    )


@route("GET", "/v1beta/{name=corpora/*}", "corpora.get")
async def get_corpus(ctx: Ctx) -> web.StreamResponse:
    return json_response(ctx.state.get(ctx.params["name"], "Corpus"))


@route("PATCH", "/v1beta/{corpus.name=corpora/*}", "corpora.patch")
async def patch_corpus(ctx: Ctx) -> web.StreamResponse:
    item = ctx.state.get(ctx.params["name"], "Corpus")
    body = await ctx.json(required=True)
    if "displayName" in update_mask(ctx.query, body, ("displayName",)):
        item["displayName"] = str(body.get("displayName", ""))
        item["updateTime"] = stamp()
    return json_response(item)


@route("DELETE", "/v1beta/{name=corpora/*}", "corpora.delete")
async def delete_corpus(ctx: Ctx) -> web.StreamResponse:
    name = ctx.params["name"]
    ctx.state.get(name, "Corpus")
    require_force_or_empty(ctx.state, name + "/documents", ctx.query.get("force"))
    ctx.state.delete(name)
    return json_response({})


def _query(ctx: Ctx, source: str, body: JSON, request_name: str) -> web.StreamResponse:
    query = body.get("query")
    if not isinstance(query, str) or not query:
        raise invalid(f"* {request_name}.query: query is not specified\n")
    count = body.get("resultsCount", 10) or 10
    if not isinstance(count, int) or not 1 <= count <= 100:
        raise invalid(f"* {request_name}.results_count: must be in [1, 100]\n")
    filters = _retrieval.validate_filters(body.get("metadataFilters"))
    ranked = _retrieval.rank(ctx.state, source, query, filters=filters, limit=count)
    chunks = [{"chunkRelevanceScore": round(score, 6), "chunk": chunk} for score, chunk in ranked]
    return json_response({"relevantChunks": chunks} if chunks else {})


@route("POST", "/v1beta/{name=corpora/*}:query", "corpora.query")
async def query_corpus(ctx: Ctx) -> web.StreamResponse:
    ctx.state.get(ctx.params["name"], "Corpus")
    return _query(ctx, ctx.params["name"], await ctx.json(required=True), "QueryCorpusRequest")


# -- documents ---------------------------------------------------------------------------------


@route("POST", "/v1beta/{parent=corpora/*}/documents", "corpora.documents.create")
async def create_document(ctx: Ctx) -> web.StreamResponse:
    parent = ctx.params["parent"]
    ctx.state.get(parent, "Corpus")
    body = await ctx.json()
    name = child_name(ctx.state, parent, "documents", body.get("name"), body.get("displayName"))
    created = stamp()
    item: dict[str, Any] = {"name": name}
    if body.get("displayName"):
        item["displayName"] = str(body["displayName"])
    meta = metadata_list(body.get("customMetadata"), "customMetadata")
    if meta:
        item["customMetadata"] = meta
    item.update(createTime=created, updateTime=created)
    return json_response(ctx.state.put(item))


@route("GET", "/v1beta/{parent=corpora/*}/documents", "corpora.documents.list")
async def list_documents(ctx: Ctx) -> web.StreamResponse:
    return json_response(
        children_page(
            ctx.state,
            ctx.query,
            ctx.params["parent"],
            "Corpus",
            "documents",
            default=10,
            maximum=20,
        )
    )


@route("GET", "/v1beta/{name=corpora/*/documents/*}", "corpora.documents.get")
async def get_document(ctx: Ctx) -> web.StreamResponse:
    return json_response(ctx.state.get(ctx.params["name"], "Document"))


@route("PATCH", "/v1beta/{document.name=corpora/*/documents/*}", "corpora.documents.patch")
async def patch_document(ctx: Ctx) -> web.StreamResponse:
    item = ctx.state.get(ctx.params["name"], "Document")
    body = await ctx.json(required=True)
    for field in update_mask(ctx.query, body, ("displayName", "customMetadata")):
        if field == "customMetadata":
            item[field] = metadata_list(body.get(field), field)
        else:
            item[field] = str(body.get(field, ""))
    item["updateTime"] = stamp()
    return json_response(item)


@route("DELETE", "/v1beta/{name=corpora/*/documents/*}", "corpora.documents.delete")
async def delete_document(ctx: Ctx) -> web.StreamResponse:
    name = ctx.params["name"]
    ctx.state.get(name, "Document")
    require_force_or_empty(ctx.state, name, ctx.query.get("force"))
    ctx.state.delete(name)
    return json_response({})


@route("POST", "/v1beta/{name=corpora/*/documents/*}:query", "corpora.documents.query")
async def query_document(ctx: Ctx) -> web.StreamResponse:
    ctx.state.get(ctx.params["name"], "Document")
    return _query(ctx, ctx.params["name"], await ctx.json(required=True), "QueryDocumentRequest")


# -- chunks ------------------------------------------------------------------------------------


def _new_chunk(state: State, parent: str, chunk: Any, field: str) -> JSON:
    if not isinstance(chunk, dict):
        raise invalid(f"* {field}: chunk is not specified\n")
    text = (chunk.get("data") or {}).get("stringValue")
    if not isinstance(text, str) or not text:
        raise invalid(f"* {field}.data.string_value: chunk data is not specified\n")
    name = child_name(state, parent, "chunks", chunk.get("name"), None)
    created = stamp()
    item: dict[str, Any] = {"name": name, "data": {"stringValue": text}}
    meta = metadata_list(chunk.get("customMetadata"), "customMetadata")
    if meta:
        item["customMetadata"] = meta
    item.update(createTime=created, updateTime=created, state="STATE_ACTIVE")
    state.put(item)
    _retrieval.chunk_vector(state, item)
    return item


def _update_chunk(state: State, chunk: Any, mask: str | None, field: str) -> JSON:
    if not isinstance(chunk, dict) or not chunk.get("name"):
        raise invalid(f"* {field}.name: chunk name is required\n")
    item = state.get(str(chunk["name"]), "Chunk")
    fields = update_mask({"updateMask": mask} if mask else {}, chunk, ("data", "customMetadata"))
    for key in fields:
        if key == "data":
            text = (chunk.get("data") or {}).get("stringValue")
            if not isinstance(text, str) or not text:
                raise invalid(f"* {field}.data.string_value: chunk data is not specified\n")
            item["data"] = {"stringValue": text}
            state.embeddings.pop(str(item["name"]), None)
        else:
            item[key] = metadata_list(chunk.get(key), key)
    item["updateTime"] = stamp()
    return item


@route("POST", "/v1beta/{parent=corpora/*/documents/*}/chunks", "corpora.documents.chunks.create")
async def create_chunk(ctx: Ctx) -> web.StreamResponse:
    parent = ctx.params["parent"]
    ctx.state.get(parent, "Document")
    return json_response(_new_chunk(ctx.state, parent, await ctx.json(required=True), "Chunk"))


@route("GET", "/v1beta/{parent=corpora/*/documents/*}/chunks", "corpora.documents.chunks.list")
async def list_chunks(ctx: Ctx) -> web.StreamResponse:
    return json_response(
        children_page(
            ctx.state,
            ctx.query,
            ctx.params["parent"],
            "Document",
            "chunks",
            default=10,
            maximum=100,
        )
    )


@route("GET", "/v1beta/{name=corpora/*/documents/*/chunks/*}", "corpora.documents.chunks.get")
async def get_chunk(ctx: Ctx) -> web.StreamResponse:
    return json_response(ctx.state.get(ctx.params["name"], "Chunk"))


@route(
    "PATCH", "/v1beta/{chunk.name=corpora/*/documents/*/chunks/*}", "corpora.documents.chunks.patch"
)
async def patch_chunk(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    body["name"] = ctx.params["name"]
    mask = ctx.query.get("updateMask") or ctx.query.get("update_mask")
    return json_response(_update_chunk(ctx.state, body, mask, "Chunk"))


@route("DELETE", "/v1beta/{name=corpora/*/documents/*/chunks/*}", "corpora.documents.chunks.delete")
async def delete_chunk(ctx: Ctx) -> web.StreamResponse:
    ctx.state.get(ctx.params["name"], "Chunk")
    ctx.state.delete(ctx.params["name"])
    return json_response({})


def _batch(body: JSON, request_name: str) -> list[Any]:
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise invalid(f"* {request_name}.requests: requests is not specified\n")
    if len(requests) > MAX_BATCH:
        raise invalid(f"* {request_name}.requests: at most 100 requests can be in one batch\n")
    return requests


def _check_parent(parent: str, request: Any, index: int, request_name: str) -> JSON:
    if not isinstance(request, dict):
        raise invalid(f"* {request_name}.requests[{index}]: must be an object\n")
    given = request.get("parent")
    if given and given != parent:
        raise invalid(f"* {request_name}.requests[{index}].parent: must be {parent}\n")
    return request


@route(
    "POST",
    "/v1beta/{parent=corpora/*/documents/*}/chunks:batchCreate",
    "corpora.documents.chunks.batchCreate",
)
async def batch_create_chunks(ctx: Ctx) -> web.StreamResponse:
    parent = ctx.params["parent"]
    ctx.state.get(parent, "Document")
    requests = _batch(await ctx.json(required=True), "BatchCreateChunksRequest")
    checked = [
        _check_parent(parent, r, i, "BatchCreateChunksRequest") for i, r in enumerate(requests)
    ]
    chunks = [
        _new_chunk(ctx.state, parent, r.get("chunk"), f"BatchCreateChunksRequest.requests[{i}]")
        for i, r in enumerate(checked)
    ]
    return json_response({"chunks": chunks})


@route(
    "POST",
    "/v1beta/{parent=corpora/*/documents/*}/chunks:batchUpdate",
    "corpora.documents.chunks.batchUpdate",
)
async def batch_update_chunks(ctx: Ctx) -> web.StreamResponse:
    parent = ctx.params["parent"]
    ctx.state.get(parent, "Document")
    requests = _batch(await ctx.json(required=True), "BatchUpdateChunksRequest")
    chunks = []
    for index, request in enumerate(requests):
        _check_parent(parent, request, index, "BatchUpdateChunksRequest")
        chunk = request.get("chunk")
        if isinstance(chunk, dict) and not str(chunk.get("name", "")).startswith(parent + "/"):
            raise invalid(
                f"* BatchUpdateChunksRequest.requests[{index}].chunk.name: "
                f"must be a chunk of {parent}\n"
            )
        chunks.append(
            _update_chunk(
                ctx.state,
                chunk,
                request.get("updateMask"),
                f"BatchUpdateChunksRequest.requests[{index}].chunk",
            )
        )
    return json_response({"chunks": chunks})


@route(
    "POST",
    "/v1beta/{parent=corpora/*/documents/*}/chunks:batchDelete",
    "corpora.documents.chunks.batchDelete",
)
async def batch_delete_chunks(ctx: Ctx) -> web.StreamResponse:
    parent = ctx.params["parent"]
    ctx.state.get(parent, "Document")
    requests = _batch(await ctx.json(required=True), "BatchDeleteChunksRequest")
    names = []
    for index, request in enumerate(requests):
        name = request.get("name") if isinstance(request, dict) else None
        if not isinstance(name, str) or not name.startswith(parent + "/chunks/"):
            raise invalid(
                f"* BatchDeleteChunksRequest.requests[{index}].name: must be a chunk of {parent}\n"
            )
        ctx.state.get(name, "Chunk")
        names.append(name)
    for name in names:
        ctx.state.delete(name)
    return json_response({})
