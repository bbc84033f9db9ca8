"""``stream_generate_content`` over real HTTP (the emulator, and a loopback app for error
frames): typed chunks, errors at open and mid-stream, cut connections, malformed events,
``text_stream``, ``get_final_response()`` and releasing the connection."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest
from aiohttp import web
from conftest import LoopbackServer

from genlang_async import (
    APIConnectionError,
    APITimeoutError,
    Client,
    GenerateContentStream,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    ServiceUnavailableError,
    StreamDecodeError,
    Timeout,
)
from genlang_async import types as T
from genlang_async.emulator import Emulator
from genlang_async.emulator.pytest_plugin import client, emulator, emulator_settings

__all__ = ["client", "emulator", "emulator_settings"]  # fixtures

MODEL = "gemini-2.5-flash"
STREAM_PATH = f"/v1beta/models/{MODEL}:streamGenerateContent"


def stream(client: Client, prompt: str = "Tell me a story", **kw: object) -> GenerateContentStream:
    return client.models.stream_generate_content(MODEL, contents=prompt, **kw)  # type: ignore[arg-type]


async def test_typed_chunks_and_alt_sse(client: Client, emulator: Emulator) -> None:
    emulator.settings.stream_chunks = 4
    chunks = [chunk async for chunk in stream(client)]
    assert len(chunks) == 4
    assert all(isinstance(c, T.GenerateContentResponse) for c in chunks)
    assert emulator.request_log[-1]["query"] == {"alt": "sse"}
    assert chunks[-1].candidates
    assert chunks[-1].candidates[0].finish_reason == "STOP"
    assert client.connections_in_use == 0


async def test_tuned_model_stream(client: Client, emulator: Emulator) -> None:
    examples = [{"textInput": "1", "output": "2"}]
    op = await client.tuned_models.create(
        base_model="models/gemini-1.5-flash-001",
        tuning_task={"trainingData": {"examples": {"examples": examples}}},
    )
    tuned = await op.wait(timeout=5, poll_interval=0.01)
    texts = [
        t
        async for t in client.tuned_models.stream_generate_content(
            str(tuned.name), contents="Hello tuned"
        ).text_stream
    ]
    assert "Hello tuned" in "".join(texts)
    assert emulator.request_log[-1]["path"] == f"/v1beta/{tuned.name}:streamGenerateContent"


async def test_final_response_merges_text_per_candidate(client: Client, emulator: Emulator) -> None:
    emulator.settings.stream_chunks = 5
    config = {"candidateCount": 2}
    unary = await client.models.generate_content(
        MODEL, contents="Two answers please", generation_config=config
    )
    s = stream(client, "Two answers please", generation_config=config)
    chunks = [c async for c in s]
    assert len(chunks) > 2
    final = await s.get_final_response()
    assert isinstance(final, T.GenerateContentResponse)
    assert final.candidates
    assert [c.content.text for c in final.candidates if c.content] == [
        c.content.text for c in unary.candidates or [] if c.content
    ]
    assert final.usage_metadata == chunks[-1].usage_metadata
    assert final.usage_metadata == unary.usage_metadata


async def test_get_final_response_reads_to_the_end(client: Client) -> None:
    unary = await client.models.generate_content(MODEL, contents="Hi")
    final = await stream(client, "Hi").get_final_response()
    assert final.text == unary.text
    assert client.connections_in_use == 0


async def test_final_response_after_some_chunks_holds_them_all(
    client: Client, emulator: Emulator
) -> None:
    emulator.settings.stream_chunks = 6
    unary = await client.models.generate_content(MODEL, contents="Hi")
    async with stream(client, "Hi") as s:
        first = [await s.__anext__(), await s.__anext__()]
        final = await s.get_final_response()
    assert final.text == unary.text
    assert final.text.startswith("".join(c.text or "" for c in first))


async def test_text_stream(client: Client, emulator: Emulator) -> None:
    emulator.settings.stream_chunks = 3
    unary = await client.models.generate_content(MODEL, contents="Hi")
    async with stream(client, "Hi") as s:
        texts = [t async for t in s.text_stream]
    assert len(texts) == 3
    assert "".join(texts) == unary.text


async def collect(s: GenerateContentStream[Any], into: list[Any]) -> None:
    async for chunk in s:
        into.append(chunk)


# -- errors -----------------------------------------------------------------------------------


async def test_http_error_at_open_raises_before_any_chunk(
    client: Client, emulator: Emulator
) -> None:
    received = []
    with pytest.raises(NotFoundError):
        await collect(
            client.models.stream_generate_content("no-such-model", contents="x"), received
        )
    assert received == []
    with pytest.raises(NotFoundError):
        async with client.models.stream_generate_content("no-such-model", contents="x"):
            pytest.fail("entered")  # pragma: no cover
    emulator.faults.fail(STREAM_PATH, status=429, times=1)
    with pytest.raises(RateLimitError):
        await collect(stream(client, max_retries=0), received)
    assert received == []
    assert client.connections_in_use == 0


async def test_retries_opening_the_stream(client: Client, emulator: Emulator) -> None:
    emulator.faults.fail(STREAM_PATH, status=503, times=2, retry_after=0)
    chunks = [c async for c in stream(client)]
    assert chunks
    assert [e["status"] for e in emulator.request_log] == [503, 503, 200]


async def test_cut_connection_mid_stream_raises(client: Client, emulator: Emulator) -> None:
    emulator.settings.stream_chunks = 5
    emulator.faults.drop_stream(STREAM_PATH, after_chunks=2)
    received = []
    with pytest.raises(APIConnectionError) as info:
        await collect(stream(client), received)
    assert len(received) == 2
    assert not isinstance(info.value, StreamDecodeError)
    assert client.connections_in_use == 0


async def test_malformed_event_raises_stream_decode_error(
    client: Client, emulator: Emulator
) -> None:
    emulator.settings.stream_chunks = 4
    emulator.faults.malformed(STREAM_PATH, after_chunks=1)
    received = []
    with pytest.raises(StreamDecodeError):
        await collect(stream(client), received)
    assert len(received) == 1
    assert client.connections_in_use == 0


def sse_app(*frames: str) -> web.StreamResponse:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for frame in frames:
            await response.write(f"data: {frame}\r\n\r\n".encode())
        await response.write_eof()
        return response

    return handler  # type: ignore[return-value]


CHUNK = {"candidates": [{"content": {"parts": [{"text": "Hel"}], "role": "model"}}]}


@pytest.mark.parametrize(
    ("code", "error"), [(500, InternalServerError), (429, RateLimitError), (404, NotFoundError)]
)
async def test_error_frame_mid_stream_raises_the_typed_error(
    server: LoopbackServer, code: int, error: type[Exception]
) -> None:
    status = {500: "INTERNAL", 429: "RESOURCE_EXHAUSTED", 404: "NOT_FOUND"}[code]
    frame = {"error": {"code": code, "message": "went wrong", "status": status}}
    server.on("POST", STREAM_PATH, sse_app(json.dumps(CHUNK), json.dumps(frame)))
    async with Client(api_key="k", base_url=server.url) as client:
        received = []
        with pytest.raises(error, match="went wrong") as info:
            await collect(stream(client), received)
        assert [c.text for c in received] == ["Hel"]
        assert info.value.status == status  # type: ignore[attr-defined]
        assert client.connections_in_use == 0


async def test_emulator_error_event_mid_stream(client: Client, emulator: Emulator) -> None:
    emulator.settings.stream_chunks = 4
    emulator.faults.stream_error("*:streamGenerateContent", after_chunks=2, status=503)
    received: list[T.GenerateContentResponse] = []
    with pytest.raises(ServiceUnavailableError, match="Injected fault") as info:
        await collect(stream(client), received)
    assert len(received) == 2
    assert info.value.status == "UNAVAILABLE"
    assert client.connections_in_use == 0


async def test_stream_ending_mid_event_raises(server: LoopbackServer) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(f'data: {json.dumps(CHUNK)}\r\n\r\ndata: {{"cand'.encode())
        await response.write_eof()
        return response

    server.on("POST", STREAM_PATH, handler)
    async with Client(api_key="k", base_url=server.url) as client:
        with pytest.raises(APIConnectionError, match="middle of an event"):
            await collect(stream(client), [])
        assert client.connections_in_use == 0


# -- releasing the connection -----------------------------------------------------------------


async def test_break_without_async_with_releases_at_once(
    client: Client, emulator: Emulator
) -> None:
    emulator.settings.stream_chunks = 5
    emulator.settings.stream_chunk_delay = 0.05  # the body is still arriving
    async for _ in stream(client):
        assert client.connections_in_use == 1
        break
    assert client.connections_in_use == 0
    async for _ in stream(client).text_stream:
        break
    assert client.connections_in_use == 0


async def test_leaving_async_with_early_releases(client: Client, emulator: Emulator) -> None:
    emulator.settings.stream_chunks = 5
    emulator.settings.stream_chunk_delay = 0.05
    async with stream(client) as s:
        await s.__anext__()
        assert client.connections_in_use == 1
    assert client.connections_in_use == 0
    with pytest.raises(StopAsyncIteration):
        await s.__anext__()


async def test_cancelling_releases_at_once(client: Client, emulator: Emulator) -> None:
    emulator.settings.stream_chunks = 5
    emulator.settings.stream_chunk_delay = 0.5
    with anyio.move_on_after(0.1) as scope:
        async for _ in stream(client):
            pass
    assert scope.cancelled_caught
    assert client.connections_in_use == 0

    async def consume() -> None:
        async for _ in stream(client):
            pass

    async with anyio.create_task_group() as group:
        group.start_soon(consume)
        await anyio.sleep(0.1)
        assert client.connections_in_use == 1
        group.cancel_scope.cancel()
    assert client.connections_in_use == 0


async def test_read_timeout_releases(client: Client, emulator: Emulator) -> None:
    emulator.settings.stream_chunks = 3
    emulator.settings.stream_chunk_delay = 0.5
    with pytest.raises(APITimeoutError):
        async for _ in stream(client, timeout=Timeout(read=0.1)):
            pass
    assert client.connections_in_use == 0


async def test_exception_in_the_loop_body_releases(client: Client) -> None:
    async def fail_inside(s: GenerateContentStream[T.GenerateContentResponse]) -> None:
        async with s:
            async for _ in s:
                raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        await fail_inside(stream(client))
    assert client.connections_in_use == 0


async def test_consumed_stream_cannot_restart(client: Client) -> None:
    s = stream(client)
    async for _ in s:
        pass
    assert [c async for c in s] == []
