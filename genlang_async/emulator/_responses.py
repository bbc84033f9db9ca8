"""Writing responses: JSON bodies, SSE and JSON-array streams, with fault hooks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from genlang_async._core import protobuf

from ._errors import JSON_CONTENT_TYPE, PROTO_CONTENT_TYPE
from ._faults import Fault
from ._pretty import pretty_json
from ._scripts import Reply


def json_response(
    body: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    response = web.Response(status=status, text=pretty_json(body) + "\n", headers=headers or {})
    response.headers["Content-Type"] = JSON_CONTENT_TYPE
    return response


def wants_binary(request: web.Request) -> bool:
    """Whether the request asks for a binary answer (the ``alt`` / ``$alt`` system
    parameter set to ``proto``)."""
    query = request.query
    return (query.get("alt") or query.get("$alt")) == "proto"


def answer(request: web.Request, body: dict[str, Any]) -> web.Response:
    """``body`` as its method's binary message when the request asks for one (the routes
    that call this have a schema in ``genlang_async._core.protobuf``), else as JSON."""
    if wants_binary(request):
        schema = protobuf.answer_schema(request.path)
        assert schema is not None, f"no binary schema for {request.path}"
        response = web.Response(body=protobuf.encode(body, schema))
        response.headers["Content-Type"] = PROTO_CONTENT_TYPE
        return response
    return json_response(body)


def _close(request: web.Request) -> None:
    if request.transport is not None:
        request.transport.close()


async def apply_body_fault(
    request: web.Request, response: web.StreamResponse, fault: Fault
) -> web.StreamResponse:
    """Apply ``drop_response`` / ``malformed`` to a not-yet-sent ``web.Response``."""
    if not isinstance(response, web.Response) or response.prepared:
        return response
    body = response.body
    data = bytes(body) if isinstance(body, (bytes, bytearray)) else b""
    if fault.action == "malformed":
        response.body = data[: max(1, len(data) // 2)]
        return response
    if fault.action == "drop_response":
        if fault.after_bytes <= 0:
            # Nothing at all reaches the client: not even the status line.
            _close(request)
            return web.Response(status=500)
        cut = min(fault.after_bytes, len(data))
        stream = web.StreamResponse(status=response.status, headers=response.headers)
        # Announce more than is sent so the client always sees a truncated body.
        stream.content_length = max(len(data), cut + 1)
        await stream.prepare(request)
        await stream.write(data[:cut])
        _close(request)
        return stream
    return response


class EventWriter:
    """Writes ``streamGenerateContent`` chunks as SSE (``alt=sse``) or as a JSON array."""

    def __init__(
        self,
        request: web.Request,
        *,
        sse: bool,
        fault: Fault | None,
        pause: float,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.request = request
        self.sse = sse
        self.fault = (
            fault
            if fault
            and fault.action in ("drop_stream", "drop_response", "malformed", "stream_error")
            else None
        )
        self.pause = pause
        self.response = web.StreamResponse(status=status)
        self.response.headers["Content-Type"] = "text/event-stream" if sse else JSON_CONTENT_TYPE
        self.response.headers.update(headers or {})
        self._sent_bytes = 0

    async def _write(self, data: bytes) -> bool:
        """Write ``data``; ``False`` once a drop fault closed the connection."""
        fault = self.fault
        if fault and fault.action == "drop_response":
            room = fault.after_bytes - self._sent_bytes
            if room < len(data):
                if room > 0:
                    await self.response.write(data[:room])
                _close(self.request)
                return False
        await self.response.write(data)
        self._sent_bytes += len(data)
        return True

    async def _finish_with(self, event: dict[str, Any], *, first: bool) -> None:
        """Send ``event`` as the last one and end the stream."""
        if self.sse:
            await self.response.write(b"data: " + json.dumps(event).encode() + b"\r\n\r\n")
        else:
            lead = b"[" if first else b"\n,\r\n"
            await self.response.write(lead + json.dumps(event, indent=2).encode() + b"\n]")
        await self.response.write_eof()

    async def send(self, chunks: Sequence[dict[str, Any]]) -> web.StreamResponse:
        await self.response.prepare(self.request)
        fault = self.fault
        for index, chunk in enumerate(chunks):
            if fault and index == fault.after_chunks:
                if fault.action == "drop_stream":
                    _close(self.request)
                    return self.response
                if fault.action == "malformed":
                    broken = b'data: {"candidates": [{"content": {"parts": [{"text": "br\r\n\r\n'
                    if not self.sse:
                        broken = b'[{"candidates": [{"content": {'
                    await self.response.write(broken)
                    await self.response.write_eof()
                    return self.response
                if fault.action == "stream_error":
                    await self._finish_with(fault.error().body(), first=index == 0)
                    return self.response
            if index and self.pause:
                await asyncio.sleep(self.pause)
            if self.sse:
                data = b"data: " + json.dumps(chunk).encode() + b"\r\n\r\n"
            else:
                lead = b"[" if index == 0 else b"\n,\r\n"
                data = lead + json.dumps(chunk, indent=2).encode()
            if not await self._write(data):
                return self.response
        if not self.sse:
            tail = b"\n]" if chunks else b"[]"
            if not await self._write(tail):
                return self.response
        await self.response.write_eof()
        return self.response


async def scripted_response(
    request: web.Request,
    reply: Reply,
    *,
    sse: bool,
    streaming: bool,
    fault: Fault | None,
    pause: float,
) -> web.StreamResponse:
    """Send a scripted ``reply``; a 200 JSON object on a streaming method is one event."""
    chunks = reply.chunks
    if chunks is None and streaming and reply.status == 200 and isinstance(reply.payload, dict):
        chunks = [reply.payload]
    if chunks is not None:
        writer = EventWriter(
            request,
            sse=sse,
            fault=fault,
            pause=pause,
            status=reply.status,
            headers=dict(reply.headers),
        )
        return await writer.send(chunks)
    if isinstance(reply.payload, dict):
        response = json_response(reply.payload, status=reply.status)
    else:
        response = web.Response(status=reply.status, body=reply.raw or b"")
        response.headers["Content-Type"] = JSON_CONTENT_TYPE
    if sse:
        response.headers["Content-Type"] = "text/event-stream"
    response.headers.update(reply.headers)
    return response
