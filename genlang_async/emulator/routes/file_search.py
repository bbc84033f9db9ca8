"""fileSearchStores: stores, documents, importFile and uploadToFileSearchStore."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from genlang_async.emulator import _operations, _uploads
from genlang_async.emulator._crud import (
    child_name,
    children_page,
    metadata_list,
    require_force_or_empty,
    stamp,
)
from genlang_async.emulator._errors import invalid
from genlang_async.emulator._pagination import page_body
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._state import State
from genlang_async.emulator._wire import JSON

_UPLOAD_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main."


def _refresh_counts(state: State, store_name: str) -> JSON:
    store = state.resources[store_name]
    counts = {"STATE_ACTIVE": 0, "STATE_PENDING": 0, "STATE_FAILED": 0}
    size = 0
    for doc in state.children(store_name, "documents"):
        counts[str(doc.get("state"))] = counts.get(str(doc.get("state")), 0) + 1
        size += int(doc.get("sizeBytes", "0"))
    for field, key in (
        ("activeDocumentsCount", "STATE_ACTIVE"),
        ("pendingDocumentsCount", "STATE_PENDING"),
        ("failedDocumentsCount", "STATE_FAILED"),
    ):
        if counts[key]:
            store[field] = str(counts[key])
        else:
            store.pop(field, None)
    if size:
        store["sizeBytes"] = str(size)
    else:
        store.pop("sizeBytes", None)
    return store


@route("POST", "/v1beta/fileSearchStores", "fileSearchStores.create")
async def create_store(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json()
    name = child_name(ctx.state, "", "fileSearchStores", None, body.get("displayName") or "store")
    created = stamp()
    item: dict[str, Any] = {"name": name}
    if body.get("displayName"):
        item["displayName"] = str(body["displayName"])
    item.update(createTime=created, updateTime=created)
    return json_response(ctx.state.put(item))


@route("GET", "/v1beta/fileSearchStores", "fileSearchStores.list")
async def list_stores(ctx: Ctx) -> web.StreamResponse:
    stores = [
        _refresh_counts(ctx.state, str(s["name"]))
        for s in ctx.state.children("", "fileSearchStores")
    ]
    return json_response(
        page_body(
            stores, ctx.query, "fileSearchStores", kind="fileSearchStores", default=10, maximum=20
        )
    )


@route("GET", "/v1beta/{name=fileSearchStores/*}", "fileSearchStores.get")
async def get_store(ctx: Ctx) -> web.StreamResponse:
    ctx.state.get(ctx.params["name"], "FileSearchStore")
    return json_response(_refresh_counts(ctx.state, ctx.params["name"]))


@route("DELETE", "/v1beta/{name=fileSearchStores/*}", "fileSearchStores.delete")
async def delete_store(ctx: Ctx) -> web.StreamResponse:
    name = ctx.params["name"]
    ctx.state.get(name, "FileSearchStore")
    require_force_or_empty(ctx.state, name + "/documents", ctx.query.get("force"))
    ctx.state.delete(name)
    return json_response({})


def _add_document(
    state: State,
    store: str,
    *,
    display: str,
    size: int,
    mime: str,
    metadata: Any,
    op_collection: str,
    response_type: str,
    doc_id: str | None = None,
) -> JSON:
    """Create a pending document and the operation that activates it; return the operation."""
    doc_id = doc_id or state.new_id()
    name = f"{store}/documents/{doc_id}"
    created = stamp()
    doc: dict[str, Any] = {"name": name, "displayName": display}
    meta = metadata_list(metadata, "customMetadata")
    if meta:
        doc["customMetadata"] = meta
    doc.update(
        createTime=created,
        updateTime=created,
        state="STATE_PENDING",
        sizeBytes=str(size),
        mimeType=mime,
    )
    state.put(doc)

    response: dict[str, Any] = {
        "@type": _UPLOAD_TYPE + response_type,
        "parent": store,
        "documentName": name,
    }
    if response_type == "UploadToFileSearchStoreResponse":
        response.update(mimeType=mime, sizeBytes=str(size))

    def complete() -> JSON:
        doc["state"] = "STATE_ACTIVE"
        doc["updateTime"] = stamp()
        return dict(response)

    op = _operations.start(state, f"{store}/{op_collection}/{doc_id}", complete=complete)
    body = _operations.snapshot(op)
    if response_type == "UploadToFileSearchStoreResponse":
        # as recorded: the upload's answer already names the document (its response), while
        # the operation is not yet done
        body["response"] = dict(response)
    return body


@route("POST", "/v1beta/{name=fileSearchStores/*}:importFile", "fileSearchStores.importFile")
async def import_file(ctx: Ctx) -> web.StreamResponse:
    store = ctx.params["name"]
    ctx.state.get(store, "FileSearchStore")
    body = await ctx.json(required=True)
    file_name = body.get("fileName")
    if not isinstance(file_name, str) or not file_name:
        raise invalid("* ImportFileRequest.file_name: file_name is not specified\n")
    item = ctx.state.get(file_name, "File")
    op = _add_document(
        ctx.state,
        store,
        display=str(item.get("displayName") or file_name.split("/")[1]),
        size=int(item.get("sizeBytes", "0")),
        mime=str(item.get("mimeType")),
        metadata=body.get("customMetadata"),
        op_collection="operations",
        response_type="ImportFileResponse",
    )
    return json_response(op)


async def upload_to_store(ctx: Ctx) -> web.StreamResponse:
    request, state = ctx.request, ctx.state
    store = ctx.params["name"]
    if "upload_id" in request.query:
        return await _uploads.resume(ctx)
    state.get(store, "FileSearchStore")

    async def finish(sink: _uploads.Sink, metadata: JSON, mime: str) -> tuple[JSON, str | None]:
        sink.close()
        doc_id = state.new_id()
        op = _add_document(
            state,
            store,
            display=str(metadata.get("displayName") or doc_id),
            size=sink.size,
            mime=mime,
            metadata=metadata.get("customMetadata"),
            op_collection="upload/operations",
            response_type="UploadToFileSearchStoreResponse",
            doc_id=doc_id,
        )
        sink.discard()
        return op, None

    def meta_mime(metadata: JSON) -> str | None:
        return str(metadata.get("mimeType") or "") or None

    protocol = _uploads.protocol_of(request)
    if protocol == "resumable":
        metadata = await ctx.json()
        mime = (
            request.headers.get("X-Goog-Upload-Header-Content-Type")
            or meta_mime(metadata)
            or "application/octet-stream"
        )
        return await _uploads.start(ctx, metadata=metadata, mime_type=mime, finish=finish)
    if protocol in ("multipart", "raw"):
        return await _uploads.single_request(
            ctx, protocol, default_metadata=lambda m: m, finish=finish, metadata_mime=meta_mime
        )
    raise invalid(
        "uploadToFileSearchStore needs X-Goog-Upload-Protocol resumable, multipart or raw."
    )


route(
    "POST",
    "/upload/v1beta/{name=fileSearchStores/*}:uploadToFileSearchStore",
    "fileSearchStores.uploadToFileSearchStore",
)(upload_to_store)
route(
    "POST",
    "/v1beta/{name=fileSearchStores/*}:uploadToFileSearchStore",
    "fileSearchStores.uploadToFileSearchStore",
)(upload_to_store)


@route("GET", "/v1beta/{parent=fileSearchStores/*}/documents", "fileSearchStores.documents.list")
async def list_documents(ctx: Ctx) -> web.StreamResponse:
    return json_response(
        children_page(
            ctx.state,
            ctx.query,
            ctx.params["parent"],
            "FileSearchStore",
            "documents",
            default=10,
            maximum=20,
        )
    )


@route("GET", "/v1beta/{name=fileSearchStores/*/documents/*}", "fileSearchStores.documents.get")
async def get_document(ctx: Ctx) -> web.StreamResponse:
    return json_response(ctx.state.get(ctx.params["name"], "Document"))


@route(
    "DELETE", "/v1beta/{name=fileSearchStores/*/documents/*}", "fileSearchStores.documents.delete"
)
async def delete_document(ctx: Ctx) -> web.StreamResponse:
    name = ctx.params["name"]
    doc = ctx.state.get(name, "Document")
    if int(doc.get("sizeBytes", "0")) and str(ctx.query.get("force", "")).lower() not in (
        "true",
        "1",
    ):
        from genlang_async.emulator._errors import failed_precondition

        raise failed_precondition(f"{name} has chunks; pass force=true to delete it.")
    ctx.state.delete(name)
    return json_response({})
