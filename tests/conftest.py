"""Shared test configuration. Async tests are plain ``async def`` functions run on asyncio by
anyio's pytest plugin (``anyio_mode = "auto"`` in pyproject.toml); plus a loopback server."""

from __future__ import annotations

import asyncio
import gc
import socket
import sys
import threading
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --------------------------------------------------------------------------- loopback server
#
# A small aiohttp.web app on 127.0.0.1, run by its own event loop in a background thread so
# that sync tests (several asyncio.run calls) and async tests can share it. Tests queue
# responses per route; every request is recorded, and the server checks that no API key is
# ever sent in the URL.


TEST_KEY = "test-key-4f1b9c2e"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Seen:
    method: str
    path: str
    query_string: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class LoopbackServer:
    loop: asyncio.AbstractEventLoop
    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    routes: dict[tuple[str, str], deque[Handler]] = field(default_factory=dict)
    active: int = 0
    max_active: int = 0

    def on(self, method: str, path: str, *handlers: Handler) -> None:
        """Queue handlers for ``method path``; the last one keeps answering."""
        self.routes.setdefault((method.upper(), path), deque()).extend(handlers)

    def reply(self, method: str, path: str, *responses: tuple[int, Any]) -> None:
        """Queue canned answers: (status, JSON-able body or bytes or str)."""
        self.on(method, path, *(json_handler(status, body) for status, body in responses))

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw_url = str(request.rel_url)
        if TEST_KEY in raw_url or "key" in request.query:
            self.problems.append(f"API key in URL: {raw_url}")
        body = await request.read()
        self.requests.append(
            Seen(
                request.method,
                request.path,
                request.query_string,
                list(request.query.items()),
                {k.lower(): v for k, v in request.headers.items()},
                body,
            )
        )
        queue = self.routes.get((request.method, request.path))
        if not queue:
            return web.json_response(
                {"error": {"code": 404, "message": "no route", "status": "NOT_FOUND"}}, status=404
            )
        handler = queue.popleft() if len(queue) > 1 else queue[0]
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            return await handler(request)
        finally:
            self.active -= 1


def json_handler(status: int, body: Any, headers: dict[str, str] | None = None) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        if isinstance(body, (bytes, str)):
            data = body.encode() if isinstance(body, str) else body
            ctype = (headers or {}).get("Content-Type", "application/json")
            extra = {k: v for k, v in (headers or {}).items() if k != "Content-Type"}
            return web.Response(
                status=status,
                body=data,
                content_type=None,
                headers={"Content-Type": ctype, **extra},
            )
        return web.json_response(body, status=status, headers=headers)

    return handler


@pytest.fixture(scope="session")
def _server_thread() -> Iterator[LoopbackServer]:
    loop = asyncio.new_event_loop()
    server = LoopbackServer(loop=loop)
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def start() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", server._dispatch)
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=0.1
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        server.url = f"http://127.0.0.1:{port}"
        state["runner"] = runner

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        finally:
            ready.set()
        loop.run_forever()
        loop.run_until_complete(state["runner"].cleanup())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    thread = threading.Thread(target=run, name="loopback-server", daemon=True)
    thread.start()
    ready.wait(10)
    assert server.url, "loopback server did not start"
    yield server
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def server(_server_thread: LoopbackServer) -> Iterator[LoopbackServer]:
    """The loopback server, with routes and records reset for this test."""
    s = _server_thread
    s.routes.clear()
    s.requests.clear()
    s.problems.clear()
    s.max_active = 0
    yield s
    assert not s.problems, s.problems


@pytest.fixture
def refused_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def no_key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a real key or base URL from the environment."""
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GENLANG_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def leak_check() -> Iterator[list[str]]:
    """Collects ResourceWarnings and unraisable exceptions; asserts none at the end."""
    found: list[str] = []
    old_hook = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        found.append(f"{unraisable.exc_type.__name__}: {unraisable.exc_value}")

    sys.unraisablehook = hook
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield found
            gc.collect()
            gc.collect()
        found.extend(str(w.message) for w in caught)
    finally:
        sys.unraisablehook = old_hook
    assert found == []
