"""Google's upload protocols: resumable (start/upload/query/finalize/cancel), multipart, raw.

Bytes are streamed to a spool file (or only hashed when content storage is off), never held
whole in memory. Every session request is recorded in ``state.upload_log``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any, BinaryIO

from aiohttp import BodyPartReader, web

from ._errors import ApiError, invalid, not_found
from ._responses import json_response
from ._routing import Ctx
from ._state import Blob, State
from ._wire import JSON, load_request

_READ_SIZE = 256 * 1024


class Sink:
    """Running sha256 + size of received bytes, optionally mirrored to a spool file."""

    def __init__(self, state: State, stem: str) -> None:
        self.size = 0
        self.hasher = hashlib.sha256()
        self.limit = state.settings.max_stored_file_bytes
        self.path: str | None = None
        self._handle: BinaryIO | None = None
        if state.settings.store_upload_content:
            self.path = state.spool_path(f"upload-{stem}")
            self._handle = open(self.path, "w+b")  # noqa: SIM115 - closed in close()/discard()

    def write(self, data: bytes) -> None:
        self.hasher.update(data)
        self.size += len(data)
        if self._handle is not None:
            if self.size > self.limit:
                self.discard()
            else:
                self._handle.write(data)

    def snapshot(self) -> tuple[int, Any]:
        return self.size, self.hasher.copy()

    def rollback(self, mark: tuple[int, Any]) -> None:
        self.size, self.hasher = mark
        if self._handle is not None:
            self._handle.truncate(self.size)
            self._handle.seek(self.size)

    def close(self) -> Blob:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        return Blob(self.size, self.path)

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self.path and os.path.exists(self.path):
            os.unlink(self.path)
        self.path = None


#: Builds the final resource from a finished sink; returns (response body, resource name).
Finisher = Callable[[Sink, JSON, str], Awaitable[tuple[JSON, str | None]]]


@dataclasses.dataclass
class Session:
    id: str
    path: str
    metadata: JSON
    mime_type: str
    declared_size: int | None
    sink: Sink
    finish: Finisher
    origin: str
    status: str = "active"
    result: JSON | None = None

    def discard(self) -> None:
        self.sink.discard()


def _headers(session: Session, *, granularity: int | None = None) -> dict[str, str]:
    headers = {
        "X-Goog-Upload-Status": session.status,
        "X-Goog-Upload-Size-Received": str(session.sink.size),
    }
    if granularity is not None:
        headers["X-Goog-Upload-Chunk-Granularity"] = str(granularity)
    return headers


def _log(
    state: State,
    session_id: str,
    command: str,
    offset: int,
    length: int,
    status: int,
    metadata: JSON | None = None,
) -> None:
    entry = {
        "sessionId": session_id,
        "command": command,
        "offset": offset,
        "length": length,
        "status": status,
        "time": time.time(),
    }
    if metadata is not None:  # what the client sent as the new resource's metadata
        entry["metadata"] = metadata
    state.upload_log.append(entry)


def protocol_of(request: web.Request) -> str:
    value = request.headers.get("X-Goog-Upload-Protocol") or request.query.get("uploadType", "")
    return {"media": "raw"}.get(value.lower(), value.lower())


async def _pump(request: web.Request, sink: Sink) -> int:
    received = 0
    async for data in request.content.iter_chunked(_READ_SIZE):
        sink.write(data)
        received += len(data)
    return received


async def _pump_granules(request: web.Request, sink: Sink, granularity: int) -> int:
    """Like ``_pump`` for a resumable chunk; when the connection breaks midway, keep only
    the whole granules received (as the live API does) and raise ``ConnectionResetError``."""
    start = sink.size
    kept = sink.snapshot()
    try:
        async for data in request.content.iter_chunked(_READ_SIZE):
            view = memoryview(data)
            while view:
                room = granularity - (sink.size - start) % granularity
                sink.write(bytes(view[:room]))
                view = view[room:]
                if (sink.size - start) % granularity == 0:
                    kept = sink.snapshot()
    except ConnectionError:
        sink.rollback(kept)
        raise
    return sink.size - start


async def start(
    ctx: Ctx, *, metadata: JSON, mime_type: str, finish: Finisher
) -> web.StreamResponse:
    """``X-Goog-Upload-Command: start``: open a session, answer with its upload URL."""
    command = ctx.request.headers.get("X-Goog-Upload-Command", "start").lower()
    if command != "start":
        raise invalid(f"Unexpected X-Goog-Upload-Command {command!r}; expected 'start'.")
    declared: int | None = None
    raw_length = ctx.request.headers.get("X-Goog-Upload-Header-Content-Length")
    if raw_length is not None:
        try:
            declared = int(raw_length)
        except ValueError as exc:
            raise invalid("X-Goog-Upload-Header-Content-Length must be an integer.") from exc
        if declared < 0:
            raise invalid("X-Goog-Upload-Header-Content-Length must not be negative.")
    state = ctx.state
    session_id = "emu-" + state.new_id(32)
    session = Session(
        session_id,
        ctx.request.path,
        metadata,
        mime_type,
        declared,
        Sink(state, session_id),
        finish,
        ctx.origin,
    )
    state.uploads[session_id] = session
    _log(state, session_id, "start", 0, 0, 200, metadata)
    url = f"{ctx.origin}{ctx.request.path}?upload_id={session_id}&upload_protocol=resumable"
    headers = _headers(session, granularity=ctx.settings.upload_chunk_granularity)
    headers["X-Goog-Upload-URL"] = url
    headers["X-GUploader-UploadID"] = session_id
    return web.Response(status=200, text="", headers=headers, content_type="text/plain")


async def resume(ctx: Ctx) -> web.StreamResponse:
    """A request to an upload URL: ``upload``, ``upload, finalize``, ``finalize``, ``query``,
    ``cancel``."""
    request, state = ctx.request, ctx.state
    session_id = request.query["upload_id"]
    session = state.uploads.get(session_id)
    if not isinstance(session, Session) or session.path != request.path:
        raise not_found(f"Upload session {session_id} not found.")
    raw_command = request.headers.get("X-Goog-Upload-Command", "")
    commands = {c.strip().lower() for c in raw_command.split(",") if c.strip()}
    offset_header = request.headers.get("X-Goog-Upload-Offset")
    log_offset = int(offset_header) if offset_header and offset_header.isdigit() else -1
    try:
        response = await _resume(ctx, session, commands, offset_header)
    except ApiError as error:
        _log(state, session_id, raw_command, log_offset, 0, error.code)
        error.headers.update(_headers(session))
        raise
    return response


async def _resume(
    ctx: Ctx, session: Session, commands: set[str], offset_header: str | None
) -> web.StreamResponse:
    state, request = ctx.state, ctx.request
    label = ", ".join(c for c in ("upload", "finalize", "query", "cancel") if c in commands)
    if not commands or not commands <= {"upload", "finalize", "query", "cancel"}:
        raise invalid("X-Goog-Upload-Command must be upload, finalize, query or cancel.")
    if "query" in commands:
        _log(state, session.id, "query", session.sink.size, 0, 200)
        if session.status == "final" and session.result is not None:
            return json_response(session.result, headers=_headers(session))
        return web.Response(
            status=200, text="", headers=_headers(session), content_type="text/plain"
        )
    if "cancel" in commands:
        if session.status == "active":
            session.status = "cancelled"
            session.discard()
        _log(state, session.id, "cancel", session.sink.size, 0, 200)
        return web.Response(
            status=200, text="", headers=_headers(session), content_type="text/plain"
        )
    if session.status == "cancelled":
        raise invalid("The upload session was cancelled.")
    if session.status == "final":
        # A repeated finalize (e.g. after a lost acknowledgement) gets the same answer.
        _log(state, session.id, label, session.sink.size, 0, 200)
        assert session.result is not None
        return json_response(session.result, headers=_headers(session))
    if offset_header is None or not offset_header.isdigit():
        raise invalid("X-Goog-Upload-Offset is required and must be a non-negative integer.")
    offset = int(offset_header)
    if offset != session.sink.size:
        raise invalid(
            f"Invalid X-Goog-Upload-Offset {offset}: the server has received "
            f"{session.sink.size} bytes."
        )
    length = 0
    if "upload" in commands:
        mark = session.sink.snapshot()
        granularity = max(1, ctx.settings.upload_chunk_granularity)
        try:
            length = await _pump_granules(request, session.sink, granularity)
        except ConnectionError:
            _log(state, session.id, label, offset, session.sink.size - offset, 499)
            raise
        if "finalize" not in commands and length % granularity:
            session.sink.rollback(mark)
            raise invalid(
                f"Chunk size {length} is not a multiple of the upload chunk granularity "
                f"{granularity}; only the final chunk may be shorter."
            )
    if "finalize" not in commands:
        _log(state, session.id, label, offset, length, 200)
        return web.Response(
            status=200, text="", headers=_headers(session), content_type="text/plain"
        )
    if session.declared_size is not None and session.sink.size != session.declared_size:
        size = session.sink.size
        _log(state, session.id, label, offset, length, 400)
        raise invalid(
            f"Upload size {size} does not match X-Goog-Upload-Header-Content-Length "
            f"{session.declared_size}."
        )
    session.result, _ = await session.finish(session.sink, session.metadata, session.mime_type)
    session.status = "final"
    _log(state, session.id, label, offset, length, 200)
    return json_response(session.result, headers=_headers(session))


async def single_request(
    ctx: Ctx,
    protocol: str,
    *,
    default_metadata: Callable[[JSON], JSON],
    finish: Finisher,
    metadata_mime: Callable[[JSON], str | None],
) -> web.StreamResponse:
    """``multipart`` (JSON metadata part + media part) and ``raw`` (media only) uploads."""
    request, state = ctx.request, ctx.state
    stem = "single-" + state.new_id(20)
    sink = Sink(state, stem)
    metadata: JSON = {}
    mime_type = ""
    try:
        if protocol == "multipart":
            try:
                reader = await request.multipart()
            except (AssertionError, ValueError, KeyError) as exc:
                raise invalid(f"Invalid multipart body: {exc}") from exc
            first = await reader.next()
            if not isinstance(first, BodyPartReader):
                raise invalid("A multipart upload needs a JSON metadata part and a media part.")
            raw = await first.read()
            metadata = default_metadata(load_request(raw or b"{}"))
            media = await reader.next()
            if not isinstance(media, BodyPartReader):
                raise invalid("A multipart upload needs a media part after the metadata.")
            mime_type = media.headers.get("Content-Type", "")
            while True:
                chunk = await media.read_chunk(_READ_SIZE)
                if not chunk:
                    break
                sink.write(chunk)
        else:
            mime_type = request.headers.get("Content-Type", "")
            await _pump(request, sink)
    except ApiError:
        sink.discard()
        raise
    mime_type = metadata_mime(metadata) or mime_type or "application/octet-stream"
    _log(state, stem, protocol, 0, sink.size, 200, metadata)
    body, _ = await finish(sink, metadata, mime_type.split(";")[0].strip())
    return json_response(body, headers={"X-Goog-Upload-Status": "final"})
