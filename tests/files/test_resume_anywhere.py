"""Resuming an upload from whatever offset the server reports, for every kind of source, and
progress that never goes backwards: against a small stand-in for the upload server that can
keep part of a chunk, or lose bytes it had acknowledged."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from conftest import TEST_KEY, LoopbackServer

from genlang_async import Client

GRANULE = 256 * 1024
SESSION = "/upload-session"


@dataclass
class UploadServer:
    """The resumable protocol, with scripted misfortunes. ``cuts`` maps the number of an
    upload request (0 = first) to how many of its bytes are kept before it fails with a 503;
    ``losses`` maps it to how many bytes the session holds afterwards (fewer than before)."""

    url: str
    cuts: dict[int, int] = field(default_factory=dict)
    losses: dict[int, int] = field(default_factory=dict)
    stored: bytearray = field(default_factory=bytearray)
    uploads: int = 0
    offsets: list[int] = field(default_factory=list)

    def headers(self) -> dict[str, str]:
        return {
            "X-Goog-Upload-Status": "active",
            "X-Goog-Upload-Size-Received": str(len(self.stored)),
        }

    async def start(self, request: web.Request) -> web.StreamResponse:
        headers = {
            **self.headers(),
            "X-Goog-Upload-URL": self.url + SESSION,
            "X-Goog-Upload-Chunk-Granularity": str(GRANULE),
        }
        return web.Response(text="", headers=headers)

    async def session(self, request: web.Request) -> web.StreamResponse:
        command = request.headers["X-Goog-Upload-Command"]
        if command == "query":
            return web.Response(text="", headers=self.headers())
        body = await request.read()
        offset = int(request.headers["X-Goog-Upload-Offset"])
        number, self.uploads = self.uploads, self.uploads + 1
        self.offsets.append(offset)
        if offset != len(self.stored):
            return web.json_response({"error": {"code": 400, "message": "bad offset"}}, status=400)
        if number in self.cuts:
            self.stored += body[: self.cuts[number]]
            return web.json_response({"error": {"code": 503, "message": "cut"}}, status=503)
        final = "finalize" in command
        if not final and len(body) % GRANULE:
            message = f"chunk of {len(body)} bytes is not a multiple of {GRANULE}"
            return web.json_response({"error": {"code": 400, "message": message}}, status=400)
        self.stored += body
        if number in self.losses:
            del self.stored[self.losses[number] :]
            return web.json_response({"error": {"code": 503, "message": "lost"}}, status=503)
        if not final:
            return web.Response(text="", headers=self.headers())
        digest = hashlib.sha256(self.stored).hexdigest()
        file = {
            "name": "files/resumed",
            "sizeBytes": str(len(self.stored)),
            "sha256Hash": base64.b64encode(digest.encode()).decode(),
            "mimeType": "application/octet-stream",
            "state": "ACTIVE",
        }
        return web.json_response(
            {"file": file}, headers={**self.headers(), "X-Goog-Upload-Status": "final"}
        )


@pytest.fixture
def upload_server(server: LoopbackServer) -> UploadServer:
    upload = UploadServer(server.url)
    server.on("POST", "/upload/v1beta/files", upload.start)
    server.on("POST", SESSION, upload.session)
    return upload


@pytest.fixture
async def client(server: LoopbackServer) -> AsyncIterator[Client]:
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=4) as sdk:
        sdk._transport.sleep = _no_sleep  # type: ignore[method-assign]
        yield sdk


async def _no_sleep(seconds: float) -> None:
    return None


DATA = bytes(i % 251 for i in range(4 * GRANULE + 1000))


async def pieces(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def sources(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "data.bin"
    path.write_bytes(DATA)
    return {
        "path": path,
        "bytes": DATA,
        "memoryview": memoryview(DATA),
        "async iterable": pieces(DATA, 10_000),
    }


@pytest.mark.parametrize("kind", ["path", "bytes", "memoryview", "async iterable"])
async def test_resumes_from_an_offset_inside_a_chunk(
    client: Client, upload_server: UploadServer, tmp_path: Path, kind: str
) -> None:
    # The second chunk is cut 1000 bytes after its start: the server keeps those bytes and
    # reports an offset that is not a multiple of the granularity.
    upload_server.cuts[1] = 1000
    file = await client.files.upload(
        sources(tmp_path)[kind], mime_type="application/octet-stream", chunk_size=GRANULE
    )
    assert bytes(upload_server.stored) == DATA
    assert file.size_bytes == len(DATA)
    assert upload_server.offsets[:3] == [0, GRANULE, GRANULE + 1000]


async def test_progress_never_goes_backwards(
    client: Client, upload_server: UploadServer, tmp_path: Path
) -> None:
    # After three acknowledged chunks the server loses all but one granule.
    upload_server.losses[3] = GRANULE
    seen: list[int] = []
    await client.files.upload(
        DATA,
        mime_type="application/octet-stream",
        chunk_size=GRANULE,
        progress=lambda sent, total: seen.append(sent),
    )
    assert bytes(upload_server.stored) == DATA
    assert upload_server.offsets.count(GRANULE) == 2  # really sent again from there
    assert seen == sorted(seen)
    assert seen[-1] == len(DATA)
