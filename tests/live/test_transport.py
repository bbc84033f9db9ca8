"""The WebSocket shell against servers that misbehave: refused handshakes, silence, key
placement, closing at once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from genlang_async import APITimeoutError, Client, PermissionDeniedError, Timeout
from genlang_async.live._protocol import endpoint

from .conftest import MODEL

PATH = "/" + endpoint("v1beta")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> str:
        app = web.Application()
        app.router.add_get(PATH, handler)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_a_refused_handshake_is_the_typed_error(serve: Callable[..., Awaitable[str]]) -> None:
    async def refuse(request: web.Request) -> web.Response:
        return web.json_response({"error": {"code": 403}}, status=403)

    url = await serve(refuse)
    async with Client(api_key="secret-key-123", base_url=url) as client:
        with pytest.raises(PermissionDeniedError) as info:
            async with client.live.connect(MODEL):
                pass  # pragma: no cover
    assert info.value.status_code == 403
    assert "secret-key-123" not in str(info.value)


async def test_no_setup_complete_is_a_timeout(serve: Callable[..., Awaitable[str]]) -> None:
    seen: dict[str, str] = {}

    async def silent(request: web.Request) -> web.WebSocketResponse:
        seen["key"] = request.headers.get("x-goog-api-key", "")
        seen["query"] = request.query_string
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for _ in ws:  # reads the setup, answers nothing
            pass
        return ws

    url = await serve(silent)
    async with Client(api_key="k-123", base_url=url, timeout=Timeout(connect=0.3)) as client:
        with pytest.raises(APITimeoutError, match=r"no setupComplete within 0\.3s"):
            async with client.live.connect(MODEL):
                pass  # pragma: no cover
    assert seen == {"key": "k-123", "query": ""}  # the key in the header, never the URL


async def test_the_key_stays_home_with_a_foreign_absolute_url(live_client: Client) -> None:
    from genlang_async._http.websocket import open_websocket

    with pytest.raises(Exception) as info:  # noqa: PT011 - whatever the failure, no key sent
        await open_websocket(live_client._transport, "http://127.0.0.1:9/elsewhere")
    assert "test-key" not in str(info.value)
