"""files.* and media.upload (resumable, multipart, raw and metadata-only)."""

from __future__ import annotations

from aiohttp import web

from genlang_async.emulator import _uploads
from genlang_async.emulator._errors import invalid, not_found
from genlang_async.emulator._files import create_file
from genlang_async.emulator._pagination import page_body
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._wire import JSON


def _file_metadata(body: JSON) -> JSON:
    metadata = body.get("file", {})
    if not isinstance(metadata, dict):
        raise invalid("Invalid value at 'file': expected an object.")
    return metadata


def _finisher(ctx: Ctx) -> _uploads.Finisher:
    state, origin = ctx.state, ctx.origin

    async def finish(sink: _uploads.Sink, metadata: JSON, mime_type: str) -> tuple[JSON, str]:
        blob = sink.close()
        item = create_file(
            state,
            origin,
            metadata=metadata,
            size=blob.size,
            sha256_hex=sink.hasher.hexdigest(),
            mime_type=mime_type,
        )
        state.blobs[str(item["name"])] = blob
        return {"file": dict(item)}, str(item["name"])

    return finish


async def upload(ctx: Ctx) -> web.StreamResponse:
    """``POST /upload/v1beta/files`` and ``POST /v1beta/files``."""
    request = ctx.request
    if "upload_id" in request.query:
        return await _uploads.resume(ctx)
    protocol = _uploads.protocol_of(request)
    finish = _finisher(ctx)
    if protocol == "resumable":
        metadata = _file_metadata(await ctx.json())
        mime = (
            request.headers.get("X-Goog-Upload-Header-Content-Type")
            or str(metadata.get("mimeType") or "")
            or "application/octet-stream"
        )
        _file_metadata({"file": metadata})
        return await _uploads.start(ctx, metadata=metadata, mime_type=mime, finish=finish)
    if protocol in ("multipart", "raw"):
        return await _uploads.single_request(
            ctx,
            protocol,
            default_metadata=_file_metadata,
            finish=finish,
            metadata_mime=lambda m: str(m.get("mimeType") or "") or None,
        )
    if protocol:
        raise invalid(f"Unsupported upload protocol {protocol!r}.")
    if request.path.startswith("/upload/"):
        raise invalid("X-Goog-Upload-Protocol (or uploadType) is required for uploads.")
    # Metadata-only create: a File without content.
    metadata = _file_metadata(await ctx.json())
    mime = str(metadata.get("mimeType") or "application/octet-stream")
    item = create_file(
        ctx.state, ctx.origin, metadata=metadata, size=0, sha256_hex=None, mime_type=mime
    )
    return json_response({"file": dict(item)})


route("POST", "/upload/v1beta/files", "media.upload")(upload)
route("POST", "/v1beta/files", "files.create")(upload)


@route("GET", "/v1beta/files", "files.list")
async def list_files(ctx: Ctx) -> web.StreamResponse:
    items = ctx.state.children("", "files")
    return json_response(
        page_body(items, ctx.query, "files", kind="files", default=10, maximum=100)
    )


@route("GET", "/v1beta/{name=files/*}", "files.get")
async def get_file(ctx: Ctx) -> web.StreamResponse:
    return json_response(ctx.state.get(ctx.params["name"], "File"))


@route("DELETE", "/v1beta/{name=files/*}", "files.delete")
async def delete_file(ctx: Ctx) -> web.StreamResponse:
    name = ctx.params["name"]
    ctx.state.get(name, "File")
    ctx.state.delete(name)
    ctx.state.processing.pop(name, None)
    return json_response({})


async def download(ctx: Ctx) -> web.StreamResponse:
    name = ctx.params["name"]
    item = ctx.state.get(name, "File")
    if ctx.query.get("alt") != "media":
        return json_response({})
    if item.get("source") != "GENERATED":
        raise invalid(
            f"Only generated files can be downloaded; {name} was uploaded "
            f"(source {item.get('source', 'UPLOADED')})."
        )
    blob = ctx.state.blobs.get(name)
    if blob is None or blob.path is None:
        raise not_found(f"The content of {name} is not available.")
    return web.FileResponse(blob.path, headers={"Content-Type": str(item["mimeType"])})


route("GET", "/v1beta/{name=files/*}:download", "files.download")(download)
route("GET", "/download/v1beta/{name=files/*}:download", "files.download")(download)
