"""Fixtures for the files / uploads tests: an emulator with a small upload granularity, an SDK
client on it, and a recording proxy that serves upload sessions from a second origin."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from genlang_async import Client
from genlang_async.emulator import Emulator
from genlang_async.emulator.pytest_plugin import emulator

__all__ = ["emulator"]

KIB = 1024
MIB = 1024 * KIB
GRANULARITY = 256 * KIB
KEY = "files-test-key"


@pytest.fixture
def emulator_settings() -> dict[str, Any]:
    return {
        "operation_delay": 0.0,
        "file_processing_delay": 0.0,
        "upload_chunk_granularity": GRANULARITY,
    }


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[Client]:
    async with Client(api_key=KEY, base_url=emulator.url) as sdk:
        yield sdk


@dataclass
class Forwarded:
    origin: str  # "main" or "uploads"
    method: str
    path: str
    headers: dict[str, str]
    size: int


class RecordingProxy:
    """Forwards every request to the emulator and records it. It listens on two loopback
    ports, i.e. two origins: ``url`` (give it to the client as ``base_url``) and
    ``upload_origin``, where the upload URLs handed out by the emulator are moved to.

    ``mutate(headers, body)`` may change a request body on its way to the emulator (header
    names in lower case).
    """

    def __init__(self, target: str) -> None:
        self.target = target
        self.url = ""
        self.upload_origin = ""
        self.seen: list[Forwarded] = []
        self.mutate: Callable[[dict[str, str], bytes], bytes] | None = None
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._upload_port = 0

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * MIB)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        for _ in range(2):
            await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        ports = [address[1] for address in self._runner.addresses]
        self.url = f"http://127.0.0.1:{ports[0]}"
        self.upload_origin = f"http://127.0.0.1:{ports[1]}"
        self._upload_port = ports[1]
        self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def on(self, origin: str) -> list[Forwarded]:
        return [f for f in self.seen if f.origin == origin]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        origin = "uploads" if sockname and sockname[1] == self._upload_port else "main"
        body = await request.read()
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("host", "content-length", "transfer-encoding")
        }
        if self.mutate is not None:
            body = self.mutate({k.lower(): v for k, v in headers.items()}, body)
        self.seen.append(
            Forwarded(
                origin,
                request.method,
                request.path,
                {k.lower(): v for k, v in request.headers.items()},
                len(body),
            )
        )
        async with self._session.request(
            request.method, self.target + request.path_qs, headers=headers, data=body
        ) as answer:
            data = await answer.read()
            out = {
                k: v
                for k, v in answer.headers.items()
                if k.lower() not in ("content-length", "transfer-encoding", "content-encoding")
            }
            if "X-Goog-Upload-URL" in out:
                out["X-Goog-Upload-URL"] = out["X-Goog-Upload-URL"].replace(
                    self.target, self.upload_origin
                )
            return web.Response(status=answer.status, body=data, headers=out)


@pytest.fixture
async def proxy(emulator: Emulator) -> AsyncIterator[RecordingProxy]:
    p = RecordingProxy(emulator.url)
    await p.start()
    try:
        yield p
    finally:
        await p.close()
