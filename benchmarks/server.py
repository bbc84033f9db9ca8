"""Minimal canned-response Gemini API stand-in, run in its own process.

``python -m benchmarks.server --port 0 --chunks 250`` prints ``READY <base_url>`` and serves:

- ``POST /v1beta/models/{m}:generateContent``: a fixed ~1.5 KB ``GenerateContentResponse``;
- ``POST /v1beta/models/{m}:streamGenerateContent?alt=sse``: ``--chunks`` SSE frames of ~400 B
  (optionally ``--pace-ms`` apart); for model ``bench-hold`` only the first frame, then the
  stream is held open until ``POST /_bench/release`` (or ``--hold-max-s``), then a last frame;
- ``GET /v1beta/models``: one page of models;
- ``POST /upload/v1beta/files``: the resumable upload protocol (``start``, ``upload``,
  ``upload, finalize``, ``finalize``, ``query``). Received bytes are hashed and discarded.

All bodies are precomputed bytes; there is no per-request JSON encoding on the server side.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import resource
import signal
import sys
from typing import Any

from aiohttp import web

from . import payloads
from ._proc import raise_fd_limit

GRANULARITY = 256 * 1024
_JSON = "application/json; charset=UTF-8"


class _Upload:
    __slots__ = ("display_name", "hash", "mime_type", "received")

    def __init__(self, mime_type: str, display_name: str) -> None:
        self.mime_type = mime_type
        self.display_name = display_name
        self.received = 0
        self.hash = hashlib.sha256()


class BenchServer:
    def __init__(self, *, chunks: int, pace_s: float, hold_max_s: float) -> None:
        self.frames = payloads.sse_frames(chunks)
        self.pace_s = pace_s
        self.hold_max_s = hold_max_s
        self.unary_body = payloads.unary_text_and_body()[1]
        self.models_body = payloads.models_page()
        self.dense_models_body = payloads.dense_models_page()
        self.embeddings_body = payloads.embeddings_body()
        self.release = asyncio.Event()
        self.held = 0
        self.uploads: dict[str, _Upload] = {}
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1beta/models/{name}", self.model_method)
        app.router.add_get("/v1beta/models", self.list_models)
        app.router.add_post("/upload/v1beta/files", self.upload)
        app.router.add_post("/_bench/release", self.release_held)
        app.router.add_get("/_bench/stats", self.stats)
        return app

    async def model_method(self, request: web.Request) -> web.StreamResponse:
        model, _, method = request.match_info["name"].partition(":")
        await request.read()
        if method == "generateContent":
            return web.Response(body=self.unary_body, content_type="application/json")
        if method == "streamGenerateContent":
            return await self._stream(request, hold=model == payloads.HOLD_MODEL)
        if method == "batchEmbedContents":
            return web.Response(body=self.embeddings_body, content_type="application/json")
        return web.json_response(
            {"error": {"code": 404, "message": f"no method {method}", "status": "NOT_FOUND"}},
            status=404,
        )

    async def _stream(self, request: web.Request, *, hold: bool) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        frames = self.frames
        if hold:
            await resp.write(frames[0])
            self.held += 1
            try:
                await asyncio.wait_for(self.release.wait(), self.hold_max_s)
            except asyncio.TimeoutError:
                pass
            finally:
                self.held -= 1
            await resp.write(frames[-1])
        else:
            pace = self.pace_s
            for frame in frames:
                await resp.write(frame)
                if pace:
                    await asyncio.sleep(pace)
        await resp.write_eof()
        return resp

    async def release_held(self, request: web.Request) -> web.Response:
        held = self.held
        self.release.set()
        self.release = asyncio.Event()
        return web.json_response({"released": held})

    async def stats(self, request: web.Request) -> web.Response:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return web.json_response(
            {"held": self.held, "uploads": len(self.uploads), "maxrss_kib": rss}
        )

    async def list_models(self, request: web.Request) -> web.Response:
        dense = request.query.get("pageSize") == str(payloads.DENSE_MODELS)
        body = self.dense_models_body if dense else self.models_body
        return web.Response(body=body, content_type="application/json")

    async def upload(self, request: web.Request) -> web.Response:
        command = {c.strip() for c in request.headers.get("X-Goog-Upload-Command", "").split(",")}
        upload_id = request.query.get("upload_id")
        if upload_id is None:
            if "start" not in command:
                return _error(400, "resumable upload must begin with command 'start'")
            return await self._start(request)
        state = self.uploads.get(upload_id)
        if state is None:
            return _error(404, f"unknown upload {upload_id}")
        headers = {"X-Goog-Upload-Status": "active"}
        if "query" in command:
            headers["X-Goog-Upload-Size-Received"] = str(state.received)
            return web.Response(headers=headers)
        if "upload" in command:
            offset = int(request.headers.get("X-Goog-Upload-Offset", "-1"))
            if offset != state.received:
                return _error(400, f"offset {offset} != bytes received {state.received}")
            async for block in request.content.iter_any():
                state.hash.update(block)
                state.received += len(block)
        else:
            await request.read()
        if "finalize" not in command:
            return web.Response(headers=headers)
        del self.uploads[upload_id]
        base = f"{request.scheme}://{request.host}"
        file = payloads.file_resource(
            upload_id,
            base,
            size=state.received,
            hex_digest=state.hash.hexdigest(),
            mime_type=state.mime_type,
            display_name=state.display_name,
        )
        return web.Response(
            body=json.dumps({"file": file}).encode(),
            headers={"X-Goog-Upload-Status": "final", "Content-Type": _JSON},
        )

    async def _start(self, request: web.Request) -> web.Response:
        raw = await request.read()
        meta: dict[str, Any] = json.loads(raw) if raw else {}
        file_meta = meta.get("file") or {}
        mime_type = request.headers.get(
            "X-Goog-Upload-Header-Content-Type", file_meta.get("mimeType", "")
        )
        upload_id = f"bench{next(self._ids)}"
        self.uploads[upload_id] = _Upload(
            mime_type or "application/octet-stream",
            file_meta.get("displayName") or file_meta.get("display_name") or "",
        )
        url = f"{request.scheme}://{request.host}/upload/v1beta/files"
        return web.Response(
            headers={
                "X-Goog-Upload-Status": "active",
                "X-Goog-Upload-URL": f"{url}?upload_id={upload_id}&upload_protocol=resumable",
                "X-Goog-Upload-Chunk-Granularity": str(GRANULARITY),
                "Content-Type": "text/plain; charset=utf-8",
            }
        )


def _error(status: int, message: str) -> web.Response:
    body = {"error": {"code": status, "message": message, "status": "INVALID_ARGUMENT"}}
    return web.json_response(body, status=status)


async def serve(args: argparse.Namespace) -> None:
    bench = BenchServer(chunks=args.chunks, pace_s=args.pace_ms / 1000, hold_max_s=args.hold_max_s)
    runner = web.AppRunner(bench.app(), access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port, backlog=4096)
    await site.start()
    port = runner.addresses[0][1]
    print(f"READY http://{args.host}:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        bench.release.set()
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--chunks", type=int, default=250, help="SSE frames per stream")
    parser.add_argument("--pace-ms", type=float, default=0.0, help="delay between frames")
    parser.add_argument("--hold-max-s", type=float, default=120.0, help="longest hold")
    args = parser.parse_args(argv)
    raise_fd_limit()
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:  # pragma: no cover - signal raced the handler install
        sys.exit(130)


if __name__ == "__main__":
    main()
