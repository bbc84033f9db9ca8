"""The pipeline's plug-in slot: every attempt of every kind of request passes the plug-ins
once, in order, with the right attempt numbers, and never sees the API key."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.lowlevel
import pytest
from aiohttp import web
from conftest import TEST_KEY, LoopbackServer

from genlang_async import Client, RateLimitError
from genlang_async._core.plugins import Plugin, Request, Response, Retry, StreamEnd, model_of

pytestmark = pytest.mark.usefixtures("no_key_env")

GEN = "/v1beta/models/gemini-2.5-flash:generateContent"
STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent"


def error_body(code: int, status: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": "nope", "status": status}}


class Recorder(Plugin):
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    async def on_request(self, request: Request) -> None:
        self.events.append(("request", request.method, request.path, request.attempt))

    async def on_response(self, request: Request, response: Response) -> None:
        kind = type(response.error).__name__ if response.error else "ok"
        self.events.append(("response", request.attempt, response.status, kind, response.body))

    async def on_retry(self, request: Request, retry: Retry) -> None:
        self.events.append(("retry", retry.attempt, retry.reason))

    async def on_stream_end(self, request: Request, end: StreamEnd) -> None:
        self.events.append(("end", end.completed, end.usage, type(end.error).__name__))

    def text(self) -> str:
        return repr(self.events)


async def no_sleep(_delay: float) -> None:
    await anyio.lowlevel.checkpoint()


@pytest.fixture
async def client(server: LoopbackServer) -> AsyncIterator[Client]:
    async with Client(api_key=TEST_KEY, base_url=server.url) as c:
        c._transport.sleep = no_sleep
        yield c
    assert c.connections_in_use == 0


@pytest.fixture
def recorder(client: Client) -> Recorder:
    plugin = Recorder()
    client._transport.plugins.append(plugin)
    return plugin


async def test_unary_attempts_and_retries(
    server: LoopbackServer, client: Client, recorder: Recorder
) -> None:
    server.reply(
        "POST",
        GEN,
        (429, error_body(429, "RESOURCE_EXHAUSTED")),
        (200, {"candidates": [], "usageMetadata": {"totalTokenCount": 3}}),
    )
    await client.models.generate_content("gemini-2.5-flash", contents="hi")
    path = "models/gemini-2.5-flash:generateContent"
    body = {"candidates": [], "usageMetadata": {"totalTokenCount": 3}}
    assert recorder.events == [
        ("request", "POST", path, 1),
        ("response", 1, 429, "RateLimitError", None),
        ("retry", 1, "HTTP 429: backing off"),
        ("request", "POST", path, 2),
        ("response", 2, 200, "ok", body),
    ]
    assert TEST_KEY not in recorder.text()


async def test_request_carries_model_and_body(server: LoopbackServer, client: Client) -> None:
    seen: list[Request] = []

    class Peek(Plugin):
        async def on_request(self, request: Request) -> None:
            seen.append(request)

    client._transport.plugins.append(Peek())
    server.reply("POST", GEN, (200, {}))
    await client.models.generate_content("gemini-2.5-flash", contents="hi")
    (request,) = seen
    assert request.model == "models/gemini-2.5-flash"
    assert request.json == {"contents": [{"parts": [{"text": "hi"}], "role": "user"}]}
    assert not request.stream
    assert TEST_KEY not in repr(request)


async def test_a_plugin_can_refuse_before_sending(server: LoopbackServer, client: Client) -> None:
    class Refuse(Plugin):
        async def on_request(self, request: Request) -> None:
            raise RateLimitError("local budget spent", status_code=429)

    client._transport.plugins.append(Refuse())
    with pytest.raises(RateLimitError, match="local budget"):
        await client.models.generate_content("gemini-2.5-flash", contents="hi")
    assert server.requests == []


def sse(*payloads: dict[str, Any]) -> Any:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for payload in payloads:
            await response.write(f"data: {json.dumps(payload)}\n\n".encode())
        await response.write_eof()
        return response

    return handler


def chunk(text: str, tokens: int) -> dict[str, Any]:
    return {
        "candidates": [{"content": {"parts": [{"text": text}], "role": "model"}}],
        "usageMetadata": {"totalTokenCount": tokens},
    }


async def test_stream_open_retry_and_end_with_usage(
    server: LoopbackServer, client: Client, recorder: Recorder
) -> None:
    server.reply("POST", STREAM, (503, error_body(503, "UNAVAILABLE")))
    server.on("POST", STREAM, sse(chunk("a", 1), chunk("b", 5)))
    stream = client.models.stream_generate_content("gemini-2.5-flash", contents="hi")
    text = [piece async for piece in stream.text_stream]
    assert text == ["a", "b"]
    kinds = [event[0] for event in recorder.events]
    assert kinds == ["request", "response", "retry", "request", "response", "end"]
    assert recorder.events[-1] == ("end", True, {"totalTokenCount": 5}, "NoneType")


async def test_stream_left_early_ends_once(
    server: LoopbackServer, client: Client, recorder: Recorder
) -> None:
    server.on("POST", STREAM, sse(chunk("a", 1), chunk("b", 2)))
    async with client.models.stream_generate_content("gemini-2.5-flash", contents="hi") as stream:
        async for _ in stream:
            break
    ends = [event for event in recorder.events if event[0] == "end"]
    assert ends == [("end", False, {"totalTokenCount": 1}, "NoneType")]


async def test_an_open_stream_lets_go_of_the_request_body(
    server: LoopbackServer, client: Client
) -> None:
    # Plug-ins see the body when it is sent; a stream held open for minutes does not keep it.
    bodies: list[Any] = []

    class Peek(Plugin):
        async def on_request(self, request: Request) -> None:
            bodies.append(request.json)

        async def on_stream_end(self, request: Request, end: StreamEnd) -> None:
            bodies.append(request.json)

    client._transport.plugins.append(Peek())
    server.on("POST", STREAM, sse(chunk("a", 1)))
    async for _ in client.models.stream_generate_content("gemini-2.5-flash", contents="hi"):
        pass
    assert bodies == [{"contents": [{"parts": [{"text": "hi"}], "role": "user"}]}, None]


async def test_each_page_passes_the_plugins(
    server: LoopbackServer, client: Client, recorder: Recorder
) -> None:
    server.reply(
        "GET",
        "/v1beta/models",
        (200, {"models": [{"name": "models/a"}], "nextPageToken": "t"}),
        (200, {"models": [{"name": "models/b"}]}),
    )
    names = [model.name async for model in client.models.list()]
    assert names == ["models/a", "models/b"]
    assert [e[:4] for e in recorder.events if e[0] == "request"] == [
        ("request", "GET", "models", 1),
        ("request", "GET", "models", 1),
    ]


async def test_no_plugins_no_request_objects(server: LoopbackServer, client: Client) -> None:
    client._transport.plugins.clear()  # a client's own observability plug-in included
    built: list[Any] = []
    original = client._transport._request_info

    def spy(*args: Any, **kwargs: Any) -> Request:
        built.append(args)
        return original(*args, **kwargs)

    client._transport._request_info = spy  # type: ignore[method-assign]
    server.reply("POST", GEN, (200, {}))
    await client.models.generate_content("gemini-2.5-flash", contents="hi")
    assert built == []


def test_model_of() -> None:
    assert model_of("models/gemini-2.5-flash:generateContent") == "models/gemini-2.5-flash"
    assert model_of("tunedModels/t1:generateContent") == "tunedModels/t1"
    assert model_of("tunedModels/t1/operations/o") == "tunedModels/t1"
    assert model_of("models") is None
    assert model_of("files/abc") is None
    assert model_of("http://h/v1beta/models/x:countTokens") == "models/x"
