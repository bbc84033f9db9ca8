"""Transport over real loopback HTTP: URLs, headers, key handling, errors, retries, timeouts,
streams and raw sends."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import pytest
from aiohttp import web
from conftest import TEST_KEY, LoopbackServer, json_handler
from hypothesis import given
from hypothesis import strategies as st

from genlang_async import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    Client,
    InternalServerError,
    MissingAPIKeyError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestOptions,
    ServiceUnavailableError,
    Timeout,
)
from genlang_async._http.prepare import encode_query
from genlang_async._http.transport import StreamContext

pytestmark = pytest.mark.usefixtures("no_key_env")

GEN = "/v1beta/models/gemini-2.5-flash:generateContent"
STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "real" / "errors"


class FakeSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await anyio.lowlevel.checkpoint()


@pytest.fixture
async def client(server: LoopbackServer) -> AsyncIterator[Client]:
    async with Client(api_key=TEST_KEY, base_url=server.url) as c:
        yield c
    assert c.connections_in_use == 0


@pytest.fixture
def sleeps(client: Client) -> FakeSleep:
    fake = FakeSleep()
    client._transport.sleep = fake
    return fake


async def drain(context: StreamContext) -> bytes:
    """Read a whole stream."""
    async with context as body:
        return b"".join([chunk async for chunk in body])


def error_body(code: int, status: str, message: str = "boom", **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status, **extra}}


# --------------------------------------------------------------------------- basics


async def test_request_sends_json_headers_and_query(server: LoopbackServer, client: Client) -> None:
    server.reply("POST", GEN, (200, {"candidates": []}))
    result = await client._transport.request(
        "POST",
        "models/gemini-2.5-flash:generateContent",
        query={"flag": True, "off": False, "many": ["a", "b"], "skip": None, "n": 5},
        json={"contents": [{"parts": [{"text": "héllo"}]}]},
    )
    assert result == {"candidates": []}
    (seen,) = server.requests
    assert seen.headers["x-goog-api-key"] == TEST_KEY
    assert seen.headers["user-agent"].startswith("genlang-async/")
    assert seen.headers["x-goog-api-client"].startswith("genlang-async/")
    assert seen.headers["content-type"].startswith("application/json")
    assert json.loads(seen.body) == {"contents": [{"parts": [{"text": "héllo"}]}]}
    assert seen.query == [
        ("flag", "true"),
        ("off", "false"),
        ("many", "a"),
        ("many", "b"),
        ("n", "5"),
    ]


async def test_empty_body_gives_empty_dict(server: LoopbackServer, client: Client) -> None:
    server.reply("DELETE", "/v1beta/cachedContents/abc", (200, b""))
    assert await client._transport.request("DELETE", "cachedContents/abc") == {}


async def test_absolute_url_same_origin_gets_key(server: LoopbackServer, client: Client) -> None:
    server.reply("GET", "/upload/v1beta/files", (200, {"ok": True}))
    await client._transport.request("GET", f"{server.url}/upload/v1beta/files?upload_id=7")
    (seen,) = server.requests
    assert seen.headers["x-goog-api-key"] == TEST_KEY
    assert seen.query == [("upload_id", "7")]


async def test_key_not_sent_to_foreign_origin(server: LoopbackServer) -> None:
    # Same server, reached through another host name: a different origin.
    foreign = server.url.replace("127.0.0.1", "localhost")
    server.reply("GET", "/download", (200, {"ok": True}))
    server.on("PUT", "/upload", json_handler(200, b"", {"X-Goog-Upload-Status": "final"}))
    async with Client(api_key=TEST_KEY, base_url=server.url, default_headers={"X-A": "1"}) as c:
        assert await c._transport.request("GET", f"{foreign}/download") == {"ok": True}
        raw = await c._transport.send_raw(
            "PUT", f"{foreign}/upload", headers={"X-Goog-Api-Key": TEST_KEY}, data=b"x"
        )
        assert raw.headers["x-goog-upload-status"] == "final"
        leaky = RequestOptions(extra_headers={"x-goog-api-key": TEST_KEY})
        async with c._transport.stream("GET", f"{foreign}/download", options=leaky) as body:
            assert b"".join([chunk async for chunk in body]) == b'{"ok": true}'
    assert len(server.requests) == 3
    for seen in server.requests:
        assert "x-goog-api-key" not in seen.headers
        assert seen.headers["x-a"] == "1"


async def test_foreign_origin_needs_no_key(server: LoopbackServer) -> None:
    foreign = server.url.replace("127.0.0.1", "localhost")
    server.reply("GET", "/public", (200, {"ok": 1}))
    async with Client(base_url=server.url) as c:
        assert await c._transport.request("GET", f"{foreign}/public") == {"ok": 1}


async def test_missing_key_raised_at_first_request(server: LoopbackServer) -> None:
    client = Client(base_url=server.url)  # no error here
    assert "missing" in repr(client)
    async with client:
        with pytest.raises(MissingAPIKeyError, match="GEMINI_API_KEY"):
            await client._transport.request("GET", "models")
        with pytest.raises(MissingAPIKeyError):
            async with client._transport.stream("GET", "models"):
                pass
    assert server.requests == []


async def test_key_in_query_is_refused(server: LoopbackServer, client: Client) -> None:
    with pytest.raises(ValueError, match="header"):
        await client._transport.request("GET", "models", query={"key": TEST_KEY})
    assert server.requests == []


async def test_non_json_success_body(server: LoopbackServer, client: Client) -> None:
    server.reply("GET", "/v1beta/models", (200, b"<html>hi</html>"))
    with pytest.raises(APIError, match="not JSON"):
        await client._transport.request("GET", "models")


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        (400, "INVALID_ARGUMENT", BadRequestError),
        (401, "UNAUTHENTICATED", AuthenticationError),
        (403, "PERMISSION_DENIED", PermissionDeniedError),
        (404, "NOT_FOUND", NotFoundError),
        (429, "RESOURCE_EXHAUSTED", RateLimitError),
        (500, "INTERNAL", InternalServerError),
        (503, "UNAVAILABLE", ServiceUnavailableError),
    ],
)
async def test_typed_errors(
    server: LoopbackServer, client: Client, code: int, status: str, cls: type[APIError]
) -> None:
    server.reply("POST", GEN, (code, error_body(code, status, "models/x is not found")))
    with pytest.raises(cls) as info:
        await client._transport.request(
            "POST", GEN.removeprefix("/v1beta/"), json={}, options=RequestOptions(max_retries=0)
        )
    assert info.value.status_code == code
    assert info.value.status == status
    assert str(info.value) == f"{code} {status}: models/x is not found"
    assert len(server.requests) == 1


async def test_html_502_page(server: LoopbackServer, client: Client) -> None:
    page = (
        "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
    )
    server.reply("GET", "/v1beta/models", (502, page))
    with pytest.raises(APIError) as info:
        await client._transport.request("GET", "models", options=RequestOptions(max_retries=0))
    assert type(info.value) is APIError
    assert info.value.status_code == 502
    assert str(info.value) == "502 Bad Gateway: 502 Bad Gateway Bad Gateway"


async def test_error_on_stream_endpoint_served_as_event_stream(
    server: LoopbackServer, client: Client
) -> None:
    recorded = json.loads((FIXTURES / "400_api_key_invalid_on_stream.json").read_text())
    body = recorded["response"]["body_text"]
    server.on("POST", STREAM, json_handler(400, body, {"Content-Type": "text/event-stream"}))
    with pytest.raises(BadRequestError) as info:
        await drain(client._transport.stream("POST", STREAM[8:], query={"alt": "sse"}, json={}))
    assert info.value.reason == "API_KEY_INVALID"
    assert server.requests[0].query == [("alt", "sse")]
    assert client.connections_in_use == 0


async def test_key_echoed_by_server_is_redacted(server: LoopbackServer, client: Client) -> None:
    server.reply(
        "GET", "/v1beta/models", (400, error_body(400, "INVALID_ARGUMENT", f"bad {TEST_KEY}"))
    )
    with pytest.raises(BadRequestError) as info:
        await client._transport.request("GET", "models")
    assert TEST_KEY not in str(info.value)
    assert "<redacted>" in str(info.value)


# --------------------------------------------------------------------------- retries


async def test_retries_then_succeeds(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    server.reply(
        "GET",
        "/v1beta/models",
        (503, error_body(503, "UNAVAILABLE")),
        (500, error_body(500, "INTERNAL")),
        (200, {"models": []}),
    )
    assert await client._transport.request("GET", "models") == {"models": []}
    assert len(server.requests) == 3
    assert len(sleeps.delays) == 2
    assert 0.375 <= sleeps.delays[0] <= 0.5
    assert 0.75 <= sleeps.delays[1] <= 1.0


async def test_gives_up_after_max_retries(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    server.reply("GET", "/v1beta/models", (500, error_body(500, "INTERNAL")))
    with pytest.raises(InternalServerError):
        await client._transport.request("GET", "models")
    assert len(server.requests) == 3  # default max_retries=2
    assert len(sleeps.delays) == 2


async def test_honours_retry_after_header(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    server.on(
        "GET",
        "/v1beta/models",
        json_handler(429, error_body(429, "RESOURCE_EXHAUSTED"), {"Retry-After": "2"}),
        json_handler(200, {"ok": 1}),
    )
    assert await client._transport.request("GET", "models") == {"ok": 1}
    assert sleeps.delays == [2.0]


async def test_honours_retry_info(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    details = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "3.5s"}]
    server.reply(
        "POST",
        GEN,
        (429, error_body(429, "RESOURCE_EXHAUSTED", details=details)),
        (200, {"ok": 1}),
    )
    assert await client._transport.request("POST", GEN[8:], json={}) == {"ok": 1}
    assert sleeps.delays == [3.5]


async def test_too_long_retry_after_raises_at_once(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    server.on(
        "GET",
        "/v1beta/models",
        json_handler(429, error_body(429, "RESOURCE_EXHAUSTED"), {"Retry-After": "3600"}),
    )
    with pytest.raises(RateLimitError) as info:
        await client._transport.request("GET", "models")
    assert info.value.retry_after == 3600
    assert sleeps.delays == []
    assert len(server.requests) == 1


async def test_real_sleep_respects_retry_after(server: LoopbackServer, client: Client) -> None:
    server.on(
        "GET",
        "/v1beta/models",
        json_handler(503, error_body(503, "UNAVAILABLE"), {"Retry-After": "0.2"}),
        json_handler(200, {"ok": 1}),
    )
    started = anyio.current_time()
    assert await client._transport.request("GET", "models") == {"ok": 1}
    assert anyio.current_time() - started >= 0.19


async def test_non_idempotent_not_retried_after_500(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    server.reply("POST", "/v1beta/tunedModels", (500, error_body(500, "INTERNAL")))
    with pytest.raises(InternalServerError):
        await client._transport.request("POST", "tunedModels", json={}, idempotent=False)
    assert len(server.requests) == 1
    assert sleeps.delays == []


async def test_non_idempotent_retried_after_503_and_429(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    server.reply(
        "POST",
        "/v1beta/corpora",
        (503, error_body(503, "UNAVAILABLE")),
        (429, error_body(429, "RESOURCE_EXHAUSTED")),
        (200, {"name": "corpora/x"}),
    )
    assert await client._transport.request("POST", "corpora", json={}, idempotent=False) == {
        "name": "corpora/x"
    }
    assert len(server.requests) == 3


async def test_connection_refused_retried_then_wrapped(refused_url: str) -> None:
    async with Client(api_key=TEST_KEY, base_url=refused_url) as c:
        fake = FakeSleep()
        c._transport.sleep = fake
        with pytest.raises(APIConnectionError) as info:
            await c._transport.request("POST", "corpora", json={}, idempotent=False)
        assert type(info.value) is APIConnectionError
        assert info.value.__cause__ is not None
        assert "Cannot connect" in str(info.value)
        assert len(fake.delays) == 2  # refused: safe to retry even a create
        assert not isinstance(info.value, OSError)


async def test_per_call_max_retries(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    server.reply("GET", "/v1beta/models", (503, error_body(503, "UNAVAILABLE")))
    with pytest.raises(ServiceUnavailableError):
        await client._transport.request("GET", "models", options=RequestOptions(max_retries=4))
    assert len(server.requests) == 5
    server.requests.clear()
    with pytest.raises(ServiceUnavailableError):
        await client._transport.request("GET", "models", options=RequestOptions(max_retries=0))
    assert len(server.requests) == 1


# --------------------------------------------------------------------------- options


async def test_per_call_headers_and_query(server: LoopbackServer, client: Client) -> None:
    server.reply("GET", "/v1beta/models", (200, {}))
    opts = RequestOptions(extra_headers={"X-Trace": "t1"}, extra_query={"pageSize": 3, "a": None})
    await client._transport.request("GET", "models", query={"pageSize": 50}, options=opts)
    (seen,) = server.requests
    assert seen.headers["x-trace"] == "t1"
    assert seen.query == [("pageSize", "3")]


def slow(delay: float, body: Any = None) -> Any:
    async def handler(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(delay)
        return web.json_response(body or {"ok": True})

    return handler


def trickle(chunks: int, gap: float, first: bytes = b"") -> Any:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        if first:
            await response.write(first)
        for i in range(chunks):
            await asyncio.sleep(gap)
            await response.write(f"data: {i}\n\n".encode())
        await response.write_eof()
        return response

    return handler


async def test_read_timeout_wrapped(server: LoopbackServer, client: Client) -> None:
    server.on("GET", "/v1beta/models", slow(2.0))
    opts = RequestOptions(timeout=Timeout(read=0.2), max_retries=0)
    with anyio.fail_after(1.5):
        with pytest.raises(APITimeoutError) as info:
            await client._transport.request("GET", "models", options=opts)
    assert isinstance(info.value.__cause__, TimeoutError)


async def test_total_timeout_wrapped(server: LoopbackServer, client: Client) -> None:
    server.on("GET", "/v1beta/models", trickle(20, 0.1))
    with anyio.fail_after(1.5):
        with pytest.raises(APITimeoutError):
            await client._transport.request(
                "GET", "models", options=RequestOptions(timeout=0.4, max_retries=0)
            )


async def test_timeout_is_retried_when_idempotent(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    server.on("GET", "/v1beta/models", slow(1.0), json_handler(200, {"ok": 1}))
    opts = RequestOptions(timeout=Timeout(read=0.2))
    assert await client._transport.request("GET", "models", options=opts) == {"ok": 1}
    assert len(sleeps.delays) == 1


@pytest.fixture
def blackhole_url() -> Iterator[str]:
    """A listener whose accept queue is full, so new connections hang (no SYN-ACK)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(2):
            filler = socket.socket()
            filler.settimeout(0.3)
            try:
                filler.connect(("127.0.0.1", port))
            except OSError:
                fillers.append(filler)
                break
            fillers.append(filler)
        else:
            pytest.skip("this platform accepts connections beyond the backlog")
        yield f"http://127.0.0.1:{port}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


async def test_connect_timeout_wrapped(blackhole_url: str) -> None:
    async with Client(
        api_key=TEST_KEY, base_url=blackhole_url, timeout=Timeout(connect=0.2), max_retries=0
    ) as c:
        with anyio.fail_after(3):
            with pytest.raises(APITimeoutError, match="Connect timeout"):
                await c._transport.request("GET", "models")


# --------------------------------------------------------------------------- streams


async def test_stream_yields_chunks_as_they_arrive(server: LoopbackServer, client: Client) -> None:
    server.on("POST", STREAM, trickle(3, 0.05))
    got = []
    async with client._transport.stream("POST", STREAM[8:], query={"alt": "sse"}, json={}) as body:
        assert body.status == 200
        assert body.headers["content-type"] == "text/event-stream"
        async for chunk in body:
            assert isinstance(chunk, bytes)
            got.append(chunk)
    assert b"".join(got) == b"data: 0\n\ndata: 1\n\ndata: 2\n\n"
    assert len(got) >= 2  # not buffered into one piece
    assert client.connections_in_use == 0


async def test_stream_not_bound_by_total_but_by_read(
    server: LoopbackServer, client: Client
) -> None:
    server.on("POST", STREAM, trickle(6, 0.1), trickle(2, 0.8, first=b": hi\n\n"))
    opts = RequestOptions(timeout=Timeout(read=0.5, total=0.2), max_retries=0)
    async with client._transport.stream("POST", STREAM[8:], json={}, options=opts) as body:
        data = b"".join([c async for c in body])
    assert data.count(b"data:") == 6
    with pytest.raises(APITimeoutError, match="Read timeout"):
        await drain(client._transport.stream("POST", STREAM[8:], json={}, options=opts))
    assert client.connections_in_use == 0


def stall_after(chunks: int, gap: float, stall: float) -> Any:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for i in range(chunks):
            await response.write(f"data: {i}\n\n".encode())
            await asyncio.sleep(gap)
        await asyncio.sleep(stall)
        await response.write_eof()
        return response

    return handler


async def test_stream_read_limit_applies_between_chunks_after_many_chunks(
    server: LoopbackServer, client: Client
) -> None:
    # Chunks every 0.15 s keep a 0.4 s read limit satisfied well past the limit's own length;
    # the stall after them trips it.
    server.on("POST", STREAM, stall_after(8, 0.15, 3.0))
    opts = RequestOptions(timeout=Timeout(read=0.4), max_retries=0)
    received: list[bytes] = []

    async def consume() -> None:
        async with client._transport.stream("POST", STREAM[8:], json={}, options=opts) as body:
            async for chunk in body:
                received.append(chunk)

    with anyio.fail_after(2.5), pytest.raises(APITimeoutError, match="Read timeout"):
        await consume()
    assert b"".join(received).count(b"data:") == 8
    assert client.connections_in_use == 0


async def test_stream_long_line_without_newline(server: LoopbackServer, client: Client) -> None:
    big = b"x" * (3 * 1024 * 1024)
    server.reply("GET", "/v1beta/big", (200, big))
    async with client._transport.stream("GET", "big") as body:
        assert b"".join([c async for c in body]) == big


async def test_stream_break_and_cancel_release_connection(
    server: LoopbackServer, client: Client
) -> None:
    server.on("POST", STREAM, trickle(1000, 0.01))
    async with client._transport.stream("POST", STREAM[8:], json={}) as body:
        async for _ in body:
            assert client.connections_in_use == 1
            break
    assert client.connections_in_use == 0

    async def consume() -> None:
        async with client._transport.stream("POST", STREAM[8:], json={}) as body:
            async for _ in body:
                pass

    with anyio.move_on_after(0.2):
        await consume()
    assert client.connections_in_use == 0

    async def fail_in_loop() -> None:
        async with client._transport.stream("POST", STREAM[8:], json={}) as body:
            async for _ in body:
                raise RuntimeError("user code failed")

    with pytest.raises(RuntimeError, match="user"):
        await fail_in_loop()
    assert client.connections_in_use == 0


async def test_stream_open_is_retried(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    server.on("POST", STREAM, json_handler(503, error_body(503, "UNAVAILABLE")), trickle(1, 0))
    async with client._transport.stream("POST", STREAM[8:], json={}) as body:
        assert b"".join([c async for c in body]) == b"data: 0\n\n"
    assert len(sleeps.delays) == 1


async def raw_server(payload: bytes) -> tuple[asyncio.Server, str]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(payload)
        await writer.drain()
        writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    return srv, f"http://127.0.0.1:{port}"


CUT = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"par'


async def test_connection_cut_mid_body() -> None:
    srv, url = await raw_server(CUT)
    async with srv, Client(api_key=TEST_KEY, base_url=url, max_retries=0) as c:
        with pytest.raises(APIConnectionError) as info:
            await c._transport.request("GET", "models")
        assert info.value.__cause__ is not None
        with pytest.raises(APIConnectionError):
            await drain(c._transport.stream("GET", "models"))
        assert c.connections_in_use == 0


async def test_garbage_response_wrapped() -> None:
    srv, url = await raw_server(b"NOT HTTP AT ALL\r\n\r\n")
    async with srv, Client(api_key=TEST_KEY, base_url=url, max_retries=0) as c:
        with pytest.raises(APIConnectionError) as info:
            await c._transport.request("GET", "models")
        assert "aiohttp" in type(info.value.__cause__).__module__


# --------------------------------------------------------------------------- send_raw


async def test_send_raw_bytes_and_headers(server: LoopbackServer, client: Client) -> None:
    upload = "/upload/v1beta/files"
    server.on(
        "POST",
        upload,
        json_handler(
            200,
            b"",
            {
                "X-Goog-Upload-URL": f"{server.url}/resume?upload_id=1",
                "X-Goog-Upload-Status": "active",
            },
        ),
    )
    start = await client._transport.send_raw(
        "POST",
        f"{server.url}{upload}",
        headers={"X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start"},
        data=b'{"file": {}}',
    )
    assert start.status == 200
    assert start.headers["x-goog-upload-url"].endswith("/resume?upload_id=1")
    assert start.headers["X-GOOG-UPLOAD-STATUS"] == "active"
    assert start.body == b""
    seen = server.requests[0]
    assert seen.headers["x-goog-upload-command"] == "start"
    assert seen.headers["x-goog-api-key"] == TEST_KEY
    assert seen.body == b'{"file": {}}'


async def test_send_raw_async_iterable_and_errors(server: LoopbackServer, client: Client) -> None:
    server.reply("PUT", "/resume", (200, {"file": {"name": "files/abc"}}))

    async def parts() -> AsyncIterator[bytes]:
        for piece in (b"abc", b"def"):
            yield piece

    raw = await client._transport.send_raw(
        "PUT", f"{server.url}/resume", headers={"X-Goog-Upload-Offset": "0"}, data=parts()
    )
    assert raw.json() == {"file": {"name": "files/abc"}}
    assert server.requests[0].body == b"abcdef"

    server.reply("PUT", "/gone", (404, error_body(404, "NOT_FOUND")))
    with pytest.raises(NotFoundError):
        await client._transport.send_raw("PUT", f"{server.url}/gone", headers={}, data=None)
    assert len(server.hits("/gone")) == 1


async def test_send_raw_retry_opt_in(
    server: LoopbackServer, client: Client, sleeps: FakeSleep
) -> None:
    server.reply("POST", "/q", (503, error_body(503, "UNAVAILABLE")), (200, {"ok": 1}))
    with pytest.raises(ServiceUnavailableError):
        await client._transport.send_raw("POST", f"{server.url}/q", headers={}, data=b"1")
    raw = await client._transport.send_raw(
        "POST", f"{server.url}/q", headers={}, data=b"1", retry=True
    )
    assert raw.status == 200


# --------------------------------------------------------------------------- logging


async def test_debug_logs_never_show_the_key(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture, sleeps: FakeSleep, client: Client
) -> None:
    caplog.set_level(logging.DEBUG, logger="genlang_async")
    server.reply("GET", "/v1beta/models", (503, error_body(503, "UNAVAILABLE")), (200, {}))
    await client._transport.request(
        "GET", "models", options=RequestOptions(extra_headers={"X-Goog-Api-Key": TEST_KEY})
    )
    server.on("POST", STREAM, trickle(1, 0))
    async with client._transport.stream("POST", STREAM[8:], json={}) as body:
        async for _ in body:
            pass
    text = caplog.text
    assert "GET http://127.0.0.1" in text
    assert "-> 503" in text
    assert "retry 1/2" in text
    assert TEST_KEY not in text
    assert TEST_KEY not in repr(client)
    assert TEST_KEY not in repr(client._transport)
    assert TEST_KEY not in repr(RequestOptions(extra_headers={"x-goog-api-key": TEST_KEY}))


# --------------------------------------------------------------------------- query encoding

scalars = st.one_of(st.booleans(), st.integers(), st.text(max_size=5), st.none())


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.one_of(scalars, st.lists(scalars))))
def test_encode_query_properties(query: dict[str, Any]) -> None:
    pairs = encode_query(query)
    expected: list[tuple[str, str]] = []
    for name, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None:
                continue
            text = ("true" if item else "false") if isinstance(item, bool) else str(item)
            expected.append((name, text))
    assert pairs == expected


def test_encode_query_override_and_reject() -> None:
    assert encode_query({"a": 1, "b": 2}, {"a": [3, 4]}) == [("a", "3"), ("a", "4"), ("b", "2")]
    with pytest.raises(TypeError):
        encode_query({"a": {"nested": 1}})
