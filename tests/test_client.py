"""Client configuration and lifecycle: key and URL resolution, sessions across event loops,
caller-owned sessions, the connection pool, and no "Unclosed" warnings."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import anyio
import pytest
from aiohttp import web
from conftest import TEST_KEY, LoopbackServer

from genlang_async import Client, PoolTimeoutError, RequestOptions, Timeout

pytestmark = pytest.mark.usefixtures("no_key_env")


def test_key_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "google-key")
    assert Client()._transport._builder.api_key == "google-key"
    monkeypatch.setenv("GEMINI_API_KEY", "gemini-key")
    assert Client()._transport._builder.api_key == "gemini-key"
    assert Client(api_key="given-key")._transport._builder.api_key == "given-key"
    monkeypatch.setenv("GEMINI_API_KEY", "")
    assert Client()._transport._builder.api_key == "google-key"


def test_base_url_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Client().base_url == "https://generativelanguage.googleapis.com"
    monkeypatch.setenv("GENLANG_BASE_URL", "http://127.0.0.1:9999/")
    assert Client().base_url == "http://127.0.0.1:9999"
    assert (
        Client(base_url="https://proxy.example/gemini").base_url == "https://proxy.example/gemini"
    )
    assert Client(api_version="v1").api_version == "v1"
    with pytest.raises(ValueError, match="base_url"):
        Client(base_url="generativelanguage.googleapis.com")


def test_repr_hides_key() -> None:
    client = Client(api_key=TEST_KEY, default_headers={"x-goog-api-key": TEST_KEY})
    assert TEST_KEY not in repr(client)
    assert "api_key=<set>" in repr(client)
    assert "api_key=<missing>" in repr(Client())


def test_options_validation() -> None:
    assert Client(timeout=5).timeout == Timeout(total=5.0)
    assert Client(timeout=None).timeout == Timeout(connect=None, read=None, total=None)
    assert Client().timeout == Timeout(connect=10.0, read=300.0, total=None)
    assert Client().max_retries == 2
    with pytest.raises(ValueError, match="max_retries"):
        Client(max_retries=-1)
    with pytest.raises(ValueError, match="max_connections"):
        Client(max_connections=0)
    with pytest.raises(ValueError, match="> 0"):
        Timeout(read=0)
    with pytest.raises(TypeError):
        Timeout(read="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Client(timeout="5")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_retries"):
        RequestOptions(max_retries=-2)


async def test_async_with_closes_session(server: LoopbackServer) -> None:
    server.reply("GET", "/v1beta/models", (200, {"models": []}))
    async with Client(api_key=TEST_KEY, base_url=server.url) as client:
        assert await client._transport.request("GET", "models") == {"models": []}
        session = client._transport.pool.session
        assert session is not None
        assert not session.closed
    assert session.closed
    assert client.connections_in_use == 0


async def test_reusable_after_close(server: LoopbackServer) -> None:
    server.reply("GET", "/v1beta/models", (200, {"n": 1}), (200, {"n": 2}))
    client = Client(api_key=TEST_KEY, base_url=server.url)
    assert await client._transport.request("GET", "models") == {"n": 1}
    first = client._transport.pool.session
    assert first is not None
    await client.close()
    assert first.closed
    assert client.connections_in_use == 0
    await client.close()  # idempotent
    assert await client._transport.request("GET", "models") == {"n": 2}  # a new session
    second = client._transport.pool.session
    assert second is not None
    assert second is not first
    assert not second.closed
    await client.close()
    assert second.closed
    assert len(server.hits("/v1beta/models")) == 2


def test_two_event_loops_without_close_in_between(
    server: LoopbackServer, leak_check: list[str]
) -> None:
    server.reply("GET", "/v1beta/models", (200, {"n": 1}))
    client = Client(api_key=TEST_KEY, base_url=server.url)

    async def use() -> Any:
        return await client._transport.request("GET", "models")

    assert asyncio.run(use()) == {"n": 1}
    first = client._transport.pool.session
    assert first is not None
    assert first.closed  # closed by the loop's shutdown, not left to the garbage collector
    assert asyncio.run(use()) == {"n": 1}
    assert client._transport.pool.session is not first
    asyncio.run(client.close())
    del first


def test_async_with_in_each_loop(server: LoopbackServer, leak_check: list[str]) -> None:
    server.reply("GET", "/v1beta/models", (200, {}))
    client = Client(api_key=TEST_KEY, base_url=server.url)

    async def use() -> None:
        async with client:
            await client._transport.request("GET", "models")

    asyncio.run(use())
    asyncio.run(use())


def test_loop_closed_without_shutting_down_async_generators(
    server: LoopbackServer, leak_check: list[str]
) -> None:
    """``loop.run_until_complete`` + ``loop.close()``: the old session is still disposed of."""
    server.reply("GET", "/v1beta/models", (200, {}))
    client = Client(api_key=TEST_KEY, base_url=server.url)

    async def use() -> None:
        await client._transport.request("GET", "models")

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(use())
    finally:
        loop.close()
    guard = client._transport.pool._guard
    assert client._transport.pool.session is not None
    assert not client._transport.pool.session.closed
    asyncio.run(use())  # the dead loop's session is dropped here, quietly
    asyncio.run(client.close())
    del guard


def test_never_closed_client_leaves_no_warning(
    server: LoopbackServer, leak_check: list[str]
) -> None:
    server.reply("GET", "/v1beta/models", (200, {}))

    async def main() -> None:
        client = Client(api_key=TEST_KEY, base_url=server.url)
        await client._transport.request("GET", "models")

    asyncio.run(main())


async def test_caller_owned_session_is_not_closed(server: LoopbackServer) -> None:
    server.reply("GET", "/v1beta/models", (200, {"ok": 1}))
    async with aiohttp.ClientSession() as session:
        async with Client(api_key=TEST_KEY, base_url=server.url, http_session=session) as client:
            assert await client._transport.request("GET", "models") == {"ok": 1}
            assert client.connections_in_use == 0
        assert not session.closed
        async with session.get(f"{server.url}/v1beta/models") as response:
            assert response.status == 200
    assert server.requests[0].headers["x-goog-api-key"] == TEST_KEY
    assert "x-goog-api-key" not in server.requests[1].headers


async def test_connection_pool_is_bounded(server: LoopbackServer) -> None:
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.1)
        return web.json_response({})

    server.on("GET", "/v1beta/models", slow)
    async with Client(api_key=TEST_KEY, base_url=server.url, max_connections=2) as client:
        seen: list[int] = []

        async def one() -> None:
            seen.append(client.connections_in_use)
            await client._transport.request("GET", "models")

        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(one)
        assert client.connections_in_use == 0
    assert server.max_active == 2
    assert len(server.requests) == 6


async def test_full_pool_wait_is_bounded(server: LoopbackServer) -> None:
    async def held(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.3)
        return web.json_response({})

    server.on("GET", "/v1beta/models", held)
    timeout = Timeout(connect=5, read=5, pool=0.05)
    async with Client(
        api_key=TEST_KEY, base_url=server.url, max_connections=1, timeout=timeout
    ) as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(client._transport.request, "GET", "models")
            await anyio.sleep(0.02)
            with pytest.raises(PoolTimeoutError, match=r"all 1 pooled .*max_connections"):
                await client._transport.request("GET", "models")
        assert client.connections_in_use == 0
    assert len(server.requests) == 1  # the refused call sent nothing, and was not retried


def test_pool_wait_defaults_to_the_connect_limit() -> None:
    assert Timeout(connect=3).pool_wait == 3
    assert Timeout(connect=3, pool=1).pool_wait == 1
    assert Timeout.coerce(None).pool_wait is None
    with pytest.raises(ValueError, match="pool"):
        Timeout(pool=0)


async def test_derived_pipeline_shares_the_pool(server: LoopbackServer) -> None:
    server.reply("GET", "/v1beta/models", (200, {}))
    async with Client(api_key=TEST_KEY, base_url=server.url) as client:
        derived = client._transport.derive(max_retries=0, default_headers={"x-extra": "1"})
        assert derived.pool is client._transport.pool
        assert not derived.owns_pool
        await derived.request("GET", "models")
        await derived.aclose()  # not the owner: the shared session stays open
        assert client._transport.pool.session is not None
        assert not client._transport.pool.session.closed
        assert derived.max_retries == 0
        assert client.max_retries == 2
    assert server.requests[0].headers["x-extra"] == "1"
    assert server.requests[0].headers["x-goog-api-key"] == TEST_KEY
